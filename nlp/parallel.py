"""Suggestion layers for many texts on several processes.

Feature extraction and crfsuite run in Python and hold the GIL, so one
process tops out near Kiwi's own speed; each worker here runs its own Kiwi
(one thread) and model on a share of the texts. Workers are spawned (not
forked: Kiwi's threads may be running in the parent) and load Kiwi and the
model once, about two seconds, so this pays off for large batches only.

Workers die with the process that started them: a parent killed by SIGKILL
runs no shutdown, and its workers would wait forever on pipes they share
with it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .analyzer import Analysis, Analyzer
from .crf import CrfModel
from .gazetteer import Gazetteer
from .layers import layers_for_many

# Below this many texts the workers' start-up costs more than it saves.
MIN_TEXTS = 2000

_state: dict[str, Any] = {}
# prctl(2) option: a signal this process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1
# How often a worker checks that its parent still runs (where prctl is missing).
WATCH_SECONDS = 0.5


def _die_with(parent: int) -> None:
    """End this worker when ``parent`` dies: at once through the kernel on
    Linux, else (and if the parent died before this ran) within ``WATCH_SECONDS``
    through a thread that watches the parent's pid. The kernel's signal comes
    when the parent's thread that started the worker ends, which ``Pool``'s
    caller outlives (the pool is closed in the thread that used it)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # no prctl in this libc: the watching thread alone
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _init(parent: int, data: bytes, meta: dict, pairs: list[tuple[str, str, int]]) -> None:
    _die_with(parent)
    _state["analyzer"] = Analyzer(num_workers=1)
    _state["model"] = CrfModel(data, meta)
    _state["gazetteer"] = Gazetteer.from_pairs(pairs)


def _run(items: list[tuple[str, str | None]]) -> list[tuple[str | None, dict, float | None]]:
    """For ``(text, cached analysis JSON or None)``: the fresh analysis JSON
    (None when cached), the layers and the uncertainty."""
    analyzer: Analyzer = _state["analyzer"]
    todo = [text for text, cached in items if cached is None]
    fresh = iter(analyzer.analyse_many(todo))
    analyses, fresh_json = [], []
    for text, cached in items:
        if cached is None:
            analysis = next(fresh)
            fresh_json.append(analysis.to_json())
        else:
            analysis = Analysis.from_json(text, cached)
            fresh_json.append(None)
        analyses.append(analysis)
    found = layers_for_many(analyses, _state["gazetteer"], _state["model"])
    return [(data, layers, uncertainty)
            for data, (layers, uncertainty) in zip(fresh_json, found, strict=True)]


class Pool:
    """Worker processes that compute suggestion layers, in input order."""

    def __init__(self, model: CrfModel, gazetteer: Gazetteer, workers: int = 2):
        pairs = [(form, label, n) for form, counts in gazetteer.counts.items()
                 for label, n in counts.items()]
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init, initargs=(os.getpid(), model.data, model.meta, pairs))

    def map(self, chunks: Iterable[list[tuple[str, str | None]]], ahead: int = 4
            ) -> Iterator[list[tuple[str | None, dict, float | None]]]:
        """Results in input order, keeping ``ahead`` chunks in flight so the
        workers keep busy while the caller saves (and memory stays flat)."""
        pending: deque = deque()
        for chunk in chunks:
            pending.append(self._executor.submit(_run, chunk))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self._executor.shutdown()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
