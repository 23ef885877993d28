"""Chunks of independent work run a few at a time: in forked processes where possible,
else on threads.

`run_chunks` calls `work(i, into)` for every chunk i. A chunk adds its bulky results (a
simulation's funder totals per draw) into `into`, an int64 array of its worker's own, and
returns a small result (its bands), handed to `on_result` in the calling thread as soon as
it is done. At the end the workers' arrays are added up. Additions of integers give the
same sums in any order, so neither the number of workers nor the order in which chunks
finish changes any number.

Forked processes share no interpreter lock: on a machine whose cores are also busy with
other work, two threads spend much of their time handing the lock to each other, two
processes do not. Each child takes the next chunk from a shared counter and adds into its
own row of an array in shared memory. A fork copies only the thread that calls it, so
processes are used only on Linux, and only while no other thread runs; elsewhere threads
(numpy releases the lock in its loops).
"""

from __future__ import annotations

import mmap
import multiprocessing
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
T = TypeVar("T")
Work = Callable[[int, IntArray], T]


class WorkerFailed(RuntimeError):
    """A worker process failed; the message holds its traceback."""


def run_chunks(
    count: int,
    work: Work[T],
    sums: IntArray,
    workers: int,
    on_result: Callable[[int, T], None],
) -> None:
    """Run work(i, into) for i in range(count), `workers` at a time, and add what the
    chunks added into their `into` (int64, shaped like `sums`) to `sums`."""
    workers = max(1, min(workers, count))
    if workers == 1:
        for i in range(count):
            on_result(i, work(i, sums))
        return
    run = _in_processes if can_fork() else _in_threads
    for row in run(count, work, sums, workers, on_result):
        sums += row


def can_fork() -> bool:
    """Whether chunks may run in forked processes: on Linux, while no other thread runs,
    and not inside a daemonic process (which may not start any)."""
    return (
        sys.platform == "linux"
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def _in_threads(
    count: int, work: Work[T], sums: IntArray, workers: int, on_result: Callable[[int, T], None]
) -> IntArray:
    rows = np.zeros((workers, *sums.shape), dtype=sums.dtype)
    lock = threading.Lock()
    following = iter(range(count))
    stop = threading.Event()
    done: queue.SimpleQueue[tuple[int, Any, BaseException | None]] = queue.SimpleQueue()

    def serve(k: int) -> None:
        try:
            while not stop.is_set():
                with lock:
                    i = next(following, None)
                if i is None:
                    break
                done.put((i, work(i, rows[k]), None))
        except BaseException as exc:  # handed to the calling thread, which raises it
            done.put((-1, None, exc))
        done.put((-1, None, None))

    threads = [threading.Thread(target=serve, args=(k,), daemon=True) for k in range(workers)]
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
    return rows


def _in_processes(
    count: int, work: Work[T], sums: IntArray, workers: int, on_result: Callable[[int, T], None]
) -> IntArray:
    context = multiprocessing.get_context("fork")
    # Anonymous shared memory, made before the fork: the children write into it.
    memory = mmap.mmap(-1, max(1, workers * sums.nbytes))
    rows = np.frombuffer(memory, dtype=sums.dtype, count=workers * sums.size)
    rows = rows.reshape(workers, *sums.shape)
    following = context.Value("q", 0)
    children = []
    pipes: list[Connection] = []
    try:
        for k in range(workers):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(
                target=_serve, args=(k, count, work, rows, following, send), daemon=True
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
                    message = ready.recv()
                except EOFError:
                    raise WorkerFailed("a simulation worker stopped unexpectedly") from None
                kind, i, result = message
                if kind == "error":
                    raise WorkerFailed(f"a simulation worker failed:\n{result}")
                if kind == "done":
                    waiting.discard(ready)
                else:
                    on_result(i, result)
        for child in children:
            child.join()
        return rows.copy()
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
                child.join()
        for pipe in pipes:
            pipe.close()


def _serve(
    k: int,
    count: int,
    work: Work[Any],
    rows: IntArray,
    following: Any,
    send: Connection,
) -> None:
    """A child process: chunks from the shared counter until none is left."""
    try:
        while True:
            with following.get_lock():
                i = following.value
                following.value = i + 1
            if i >= count:
                break
            send.send(("piece", i, work(i, rows[k])))
        send.send(("done", -1, None))
    except BaseException:
        send.send(("error", -1, traceback.format_exc()))
    finally:
        send.close()
