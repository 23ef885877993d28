"""Keeping freed memory for reuse: large arrays without fresh pages from the system.

The engine makes and drops arrays of tens of megabytes (a chunk of draws, the columns of a
million commitments). glibc's malloc maps every block above 32 MB (and, adaptively, many
smaller ones) fresh from the operating system and returns it when freed, so each new
array costs page faults: at a million commitments the projection spent as much system
time mapping pages as it spent computing. Raising malloc's mmap and trim thresholds keeps
freed blocks in the heap, so the next array of that size reuses them (the numbers do not
change; only where the memory comes from). Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
from collections.abc import Iterator

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_KEEP = 1 << 30  # bytes: blocks below 1 GiB come from the heap
_NEVER = -1  # as malloc's size_t: the heap is never trimmed back to the system


@functools.cache
def reuse_freed_memory() -> bool:
    """Ask malloc to take blocks below 1 GiB from its heap and to keep freed memory for
    reuse until the process ends (once per process). True when it could."""
    try:
        # The process's own symbols hold libc's (no search: find_library runs ldconfig).
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        from ctypes.util import find_library

        name = find_library("c")
        if name is None:
            return False
        try:
            mallopt = ctypes.CDLL(name).mallopt
        except (OSError, AttributeError):
            return False  # not glibc
    return bool(mallopt(_M_MMAP_THRESHOLD, _KEEP)) and bool(mallopt(_M_TRIM_THRESHOLD, _NEVER))


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while millions of small objects that form no cycles
    are made (a million register commitments; a workbook's million cells, each a tuple that
    refers to its look): each collection would walk all of them again, a quarter of a
    workbook's time and more than a large load's. Reference counting still frees
    everything as usual; the collector is enabled again afterwards, even on failure.

    The objects still alive then join the oldest generation (gc.freeze, then unfreeze):
    otherwise the first allocation after the pause would walk every one of them at once, as
    the youngest generation (a tenth of a second per 100,000 commitments). They are what
    the run goes on to use, so the collector looks at them again only in its rare full
    collections, as at any long-lived object."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
