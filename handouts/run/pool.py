"""The worker processes of a batch: rows made in parallel, results in CSV order, a crash costing only
its own row, and workers that never outlive the batch.

* Items come from an iterator and only a bounded window of them is held at once, so memory
  stays flat however many rows there are. An item is either a result already known (a bad
  row, a finished file) or a task to make.
* If a worker process dies (a crash, not an exception: those are the task's own business),
  the rows that had not finished are suspects: each is then made alone, so the one that
  crashes again is the cause and fails, and no other row pays for it.
* A worker dies with its parent: on Linux the kernel sends it SIGKILL when the parent goes
  (``PR_SET_PDEATHSIG``), elsewhere a watchdog thread notices the parent has gone. Ctrl-C
  reaches the whole process group, so workers ignore it and leave the stop to the parent.
* When the parent stops early (a stop signal, a full disk), the workers are killed and
  waited for before this returns, so none is left writing into the folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5


class Task(Protocol):
    line: int


class Result(Protocol):
    line: int


T = TypeVar("T", bound=Task)
R = TypeVar("R", bound=Result)


@dataclass
class _Slot(Generic[T, R]):
    """One item of the window, in CSV order: a task (submitted or not) or its result."""

    task: T | None
    result: R | None = None
    future: Future[R] | None = None
    suspect: bool = False


def in_order(items: Iterable[T | R], make: Callable[[T], R], crashed: Callable[[T], R], *, workers: int,
             is_task: Callable[[T | R], bool]) -> Iterator[R]:
    """The result of every item, in order: results as they are, tasks made by ``make`` in ``workers``
    processes (in this one for a single worker). ``crashed(task)`` is the result of a task whose
    process died while making it, alone."""
    if workers <= 1:
        for item in items:
            yield make(item) if is_task(item) else item  # type: ignore[arg-type,misc]
        return
    source = iter(items)
    window: deque[_Slot[T, R]] = deque()
    limit = workers * 4
    exhausted = False
    while True:
        pools: list[ProcessPoolExecutor] = []  # started when the first task needs one (a rerun may need none)
        finished = False
        try:
            while True:
                while not exhausted and len(window) < limit:
                    item = next(source, None)
                    if item is None:
                        exhausted = True
                    else:
                        window.append(_Slot(item, None) if is_task(item) else _Slot(None, item))  # type: ignore[arg-type]
                if not window:
                    finished = True
                    return
                head = window[0]
                if head.result is None:
                    if not pools:
                        pools.append(ProcessPoolExecutor(max_workers=workers, initializer=_worker_start,
                                                         initargs=(os.getpid(),)))
                    _submit(pools[0], window, make, workers)
                    assert head.future is not None
                    head.result = head.future.result()
                elif pools:
                    _submit(pools[0], window, make, workers)  # keep the workers busy while results pass
                window.popleft()
                yield head.result  # type: ignore[misc]
        except BrokenProcessPool:
            _after_crash(window, crashed)
            finished = True  # the pool is broken: shut it down normally and start another
        finally:
            for pool in pools:
                if finished:
                    pool.shutdown(wait=True)
                else:
                    stop_workers(pool)


def _submit(pool: ProcessPoolExecutor, window: deque[_Slot[T, R]], make: Callable[[T], R], workers: int) -> None:
    """Submit waiting tasks in order, up to ``workers * 4`` in flight; a suspect only ever runs alone."""
    running = [slot for slot in window if slot.future is not None and slot.result is None]
    for slot in window:
        if slot.task is None or slot.future is not None or slot.result is not None:
            continue
        if slot.suspect or any(other.suspect for other in running):
            if running:
                return
            slot.future = pool.submit(make, slot.task)
            return
        if len(running) >= workers * 4:
            return
        slot.future = pool.submit(make, slot.task)
        running.append(slot)


def _after_crash(window: deque[_Slot[T, R]], crashed: Callable[[T], R]) -> None:
    """Keep what finished; a suspect that crashed alone is the cause; the others become suspects."""
    unfinished = []
    for slot in window:
        if slot.future is None or slot.result is not None:
            continue
        future = slot.future
        if future.done() and not future.cancelled() and future.exception() is None:
            slot.result = future.result()
        else:
            unfinished.append(slot)
        slot.future = None
    if len(unfinished) == 1 and unfinished[0].suspect:
        culprit = unfinished[0]
        culprit.result = crashed(culprit.task)  # type: ignore[arg-type]
        return
    for slot in unfinished:
        slot.suspect = True


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and wait until they are gone."""
    # concurrent.futures names its processes only privately (kill_workers() came in Python 3.14)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join()


def _worker_start(parent: int) -> None:
    """Set up a worker: it dies with its parent, and leaves Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if not _kill_me_with_parent():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent:  # the parent went before the request above was in place
        os._exit(1)


def _kill_me_with_parent() -> bool:
    """Ask Linux to send this process SIGKILL when its parent dies; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        threading.Event().wait(_WATCH_SECONDS)
    os._exit(1)
