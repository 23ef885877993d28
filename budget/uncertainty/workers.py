"""Chunks of independent work run a few at a time: in forked processes where possible,
else on threads.

`run_chunks` calls `work(i)` for every chunk i. A chunk returns a small result (a
simulation's bands), handed to `on_result` in the calling thread as soon as it is done,
and additions: bulky arrays (its funders' totals per draw) that the worker adds into one
shared array of sums, one worker at a time. Additions of integers give the same sums in
any order, so neither the number of workers nor the order in which chunks finish changes
any number.

Forked processes share no interpreter lock: on a machine whose cores are also busy with
other work, two threads spend much of their time handing the lock to each other, two
processes do not. Each child takes the next chunk from a shared counter and adds into the
sums in shared memory. A fork copies only the thread that calls it, so processes are used
only on Linux, and only while no other thread runs; elsewhere threads (numpy releases the
lock in its loops).
"""

from __future__ import annotations

import mmap
import multiprocessing
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
T = TypeVar("T")
Additions = list[tuple[tuple[int, ...], IntArray]]
Work = Callable[[int], tuple[T, Additions]]


class WorkerFailed(RuntimeError):
    """A worker process failed; the message holds its traceback."""


def run_chunks(
    count: int,
    work: Work[T],
    sums: IntArray,
    workers: int,
    on_result: Callable[[int, T], None],
) -> None:
    """Run work(i) for i in range(count), `workers` at a time: each of its additions
    (position, values) is added to sums[position], and its result handed to
    on_result(i, result) in the calling thread."""
    workers = max(1, min(workers, count))
    if workers == 1:
        for i in range(count):
            on_result(i, _done(work(i), sums, nullcontext()))
    elif can_fork():
        _in_processes(count, work, sums, workers, on_result)
    else:
        _in_threads(count, work, sums, workers, on_result)


def can_fork() -> bool:
    """Whether chunks may run in forked processes: on Linux, while no other thread runs,
    and not inside a daemonic process (which may not start any)."""
    return (
        sys.platform == "linux"
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def _done(output: tuple[T, Additions], sums: IntArray, lock: AbstractContextManager[Any]) -> T:
    """Add a chunk's additions to the sums (holding the lock); its result."""
    result, additions = output
    with lock:
        for position, values in additions:
            sums[position] += values
    return result


def _in_threads(
    count: int, work: Work[T], sums: IntArray, workers: int, on_result: Callable[[int, T], None]
) -> None:
    lock = threading.Lock()
    following = iter(range(count))
    stop = threading.Event()
    done: queue.SimpleQueue[tuple[int, Any, BaseException | None]] = queue.SimpleQueue()

    def serve() -> None:
        try:
            while not stop.is_set():
                with lock:
                    i = next(following, None)
                if i is None:
                    break
                done.put((i, _done(work(i), sums, lock), None))
        except BaseException as exc:  # handed to the calling thread, which raises it
            done.put((-1, None, exc))
        done.put((-1, None, None))

    threads = [threading.Thread(target=serve, daemon=True) for _ in range(workers)]
    try:
        for thread in threads:
            thread.start()
        finished = 0
        while finished < workers:
            i, result, error = done.get()
            if error is not None:
                raise error
            if i < 0:
                finished += 1
            else:
                on_result(i, result)
    finally:
        stop.set()
    for thread in threads:
        thread.join()


def _in_processes(
    count: int, work: Work[T], sums: IntArray, workers: int, on_result: Callable[[int, T], None]
) -> None:
    context = multiprocessing.get_context("fork")
    # Anonymous shared memory, made before the fork: the children add into it.
    memory = mmap.mmap(-1, max(1, sums.nbytes))
    shared = np.frombuffer(memory, dtype=sums.dtype, count=sums.size).reshape(sums.shape)
    following = context.Value("q", 0)
    lock = context.Lock()
    children = []
    pipes: list[Connection] = []
    try:
        for _ in range(workers):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(
                target=_serve, args=(count, work, shared, following, lock, send), daemon=True
            )
            child.start()
            send.close()
            children.append(child)
            pipes.append(receive)
        waiting = set(pipes)
        while waiting:
            for ready in wait(list(waiting)):
                assert isinstance(ready, Connection)
                try:
                    kind, i, result = ready.recv()
                except EOFError:
                    raise WorkerFailed("a simulation worker stopped unexpectedly") from None
                if kind == "error":
                    raise WorkerFailed(f"a simulation worker failed:\n{result}")
                if kind == "done":
                    waiting.discard(ready)
                else:
                    on_result(i, result)
        for child in children:
            child.join()
        sums += shared
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
                child.join()
        for pipe in pipes:
            pipe.close()


def _serve(
    count: int, work: Work[Any], sums: IntArray, following: Any, lock: Any, send: Connection
) -> None:
    """A child process: chunks from the shared counter until none is left."""
    try:
        while True:
            with following.get_lock():
                i = following.value
                following.value = i + 1
            if i >= count:
                break
            send.send(("piece", i, _done(work(i), sums, lock)))
        send.send(("done", -1, None))
    except BaseException:
        send.send(("error", -1, traceback.format_exc()))
    finally:
        send.close()
