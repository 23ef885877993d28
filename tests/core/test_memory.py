"""The cycle collector's pause (budget.core.memory.cycle_collector_paused): enabled again
afterwards, and a cycle made during the pause is still collected later. Freed memory kept
for reuse (reuse_freed_memory) on glibc, asked for by every command."""

from __future__ import annotations

import gc
import platform
import weakref

import pytest

from budget.core.memory import cycle_collector_paused, reuse_freed_memory


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_the_collector_is_enabled_again_and_collects_cycles_made_in_the_pause():
    assert gc.isenabled()
    with cycle_collector_paused():
        assert not gc.isenabled()
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: reference counting alone never frees it
        alive = weakref.ref(a)
        kept = [Node() for _ in range(10_000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing stays frozen
    # The objects still alive joined the oldest generation, not the youngest one, which the
    # first collection afterwards would have walked at once.
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert all(id(node) in oldest for node in kept)
    del a, b
    assert alive() is not None
    gc.collect()
    assert alive() is None
    assert all(gc.is_tracked(node) for node in kept[:10])


def test_the_collector_is_enabled_again_after_a_failure():
    with pytest.raises(ValueError), cycle_collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_collector_paused():
    with cycle_collector_paused():
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_freed_memory_is_kept_for_reuse_on_glibc():
    reuse_freed_memory.cache_clear()
    assert reuse_freed_memory() is True


def test_a_command_keeps_freed_memory_for_reuse():
    from tests.helpers import SCENARIOS, invoke

    reuse_freed_memory.cache_clear()
    assert invoke("validate", SCENARIOS / "letter-2014.toml").exit_code == 0
    assert reuse_freed_memory.cache_info().currsize == 1
