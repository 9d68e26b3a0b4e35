"""Kiwi analysis as character offsets: morphemes, eojeol words, sentences.

One Kiwi instance per process, loaded lazily (it takes about a second) and
shared. Analyses are cached in the store, keyed by article and analyzer
version, so no article is analysed twice, unless a word taught to Kiwi since
(a labeled form) is not one morpheme in the cached analysis.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from hanmark.store import HanmarkError, Store

WORD_RE = re.compile(r"\S+")
# A taught word must read as a name: noun-like morphemes (카카오·네이버: symbols
# inside), never a particle, ending or predicate (현대차와 = 현대차 + 와).
NAME_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "SL", "SH", "SN", "XSN", "XR"})
INNER_TAGS = NAME_TAGS | {"XPN", "SP", "SO", "SS", "SW"}


def reads_as_name(tags: list[str]) -> bool:
    """Whether Kiwi's tags for a form make it a name: one noun-like morpheme, or a
    run of them without trailing particles or endings."""
    return bool(tags) and tags[-1] in NAME_TAGS and tags[0] in NAME_TAGS | {"XPN"} and all(
        tag in INNER_TAGS for tag in tags)


@dataclass(frozen=True, slots=True)
class Token:
    """A Kiwi morpheme. ``form`` is Kiwi's lemma, which may differ from
    ``text[start:end]`` (했 = 하 + 었): always slice the text for the surface."""

    start: int
    end: int
    tag: str
    form: str


@dataclass(frozen=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[tuple[int, int], ...]

    @cached_property
    def words(self) -> tuple[tuple[int, int], ...]:
        """Eojeol (space-delimited words) as ``(start, end)``."""
        return tuple((m.start(), m.end()) for m in WORD_RE.finditer(self.text))

    @cached_property
    def boundaries(self) -> tuple[int, ...]:
        """Sorted offsets where a morpheme starts or ends: where spans may snap."""
        edges = {0, len(self.text)}
        for tok in self.tokens:
            edges.add(tok.start)
            edges.add(tok.end)
        return tuple(sorted(edges))

    def to_json(self) -> str:
        toks = [
            [t.start, t.end, t.tag] + ([] if self.text[t.start:t.end] == t.form else [t.form])
            for t in self.tokens
        ]
        return json.dumps({"t": toks, "s": self.sentences}, ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, data: str) -> Analysis:
        raw = json.loads(data)
        tokens = tuple(
            Token(t[0], t[1], t[2], t[3] if len(t) > 3 else text[t[0]:t[1]]) for t in raw["t"]
        )
        return cls(text, tokens, tuple(tuple(s) for s in raw["s"]))


def _from_sentences(text: str, sentences: Iterable) -> Analysis:
    tokens: list[Token] = []
    spans: list[tuple[int, int]] = []
    for sent in sentences:
        spans.append((sent.start, sent.end))
        tokens.extend(Token(t.start, t.start + t.len, t.tag, t.form) for t in sent.tokens)
    return Analysis(text, tuple(tokens), tuple(spans))


class Analyzer:
    """The shared Kiwi instance and the analyses it makes."""

    def __init__(self, num_workers: int = 2):
        self._num_workers = num_workers
        self._kiwi = None
        self._lock = threading.Lock()
        self._user_words: dict[str, str] = {}  # form -> tag, in the order taught
        self._not_names: set[str] = set()  # forms Kiwi did not read as names
        self._by_prefix: dict[str, list[str]] | None = None
        self._pending: list[tuple[str, str]] = []

    @property
    def version(self) -> str:
        """Cache key part: analyses from another Kiwi build or word list differ."""
        import kiwipiepy

        return f"kiwi-{kiwipiepy.__version__}"

    @property
    def kiwi(self):
        with self._lock:
            if self._kiwi is None:
                try:
                    from kiwipiepy import Kiwi

                    kiwi = Kiwi(num_workers=self._num_workers)
                    kiwi.tokenize("워밍업 문장입니다.")  # the first call is slow; pay it now
                except Exception as exc:  # a broken install must not show a traceback
                    raise HanmarkError(f"The Kiwi analyzer could not be loaded ({exc}).") from None
                self._kiwi = kiwi
                pending, self._pending = self._pending, []
                for form, tag in pending:
                    kiwi.add_user_word(form, tag, 0.0)
            return self._kiwi

    def warm_up(self) -> None:
        """Load Kiwi now (call it from a worker thread at start-up)."""
        _ = self.kiwi

    def add_user_words(self, forms: Iterable[tuple[str, str]]) -> int:
        """Teach Kiwi words as ``(form, tag)`` so that particles stop gluing to them.

        Before Kiwi is loaded the words wait and are added at load time, so a
        label given early never blocks on the one-second load.
        """
        new = []
        for form, tag in forms:
            form = form.strip()
            if form and " " not in form and form not in self._user_words:
                self._user_words[form] = tag
                new.append((form, tag))
        if new:
            self._by_prefix = None
        return self._teach(new)

    def user_words(self) -> set[str]:
        return set(self._user_words)

    def teach_names(self, forms: Iterable[str]) -> list[str]:
        """Teach Kiwi the forms it reads as names (``reads_as_name``) and return them;
        a form that swallowed a particle (현대차와) would glue it to the name in
        every later analysis. Loads Kiwi: call it off the UI thread."""
        todo = sorted({f.strip() for f in forms} - self._user_words.keys() - self._not_names)
        todo = [f for f in todo if len(f.split()) == 1]
        if not todo:
            return []
        names = []
        for form, tokens in zip(todo, self.kiwi.tokenize(iter(todo)), strict=True):
            if reads_as_name([t.tag for t in tokens]):
                names.append(form)
            else:
                self._not_names.add(form)
        self.add_user_words((form, "NNP") for form in names)
        return names

    def forget_user_words(self, forms: Iterable[str]) -> int:
        """Drop taught words (their labels were removed or corrected); returns how many."""
        gone = [form for form in forms if self._user_words.pop(form, None) is not None]
        if gone:
            self._by_prefix = None
            self._unteach(gone)
        return len(gone)

    def _unteach(self, _words: list[str]) -> None:
        """Kiwi cannot remove a user word: it is loaded again, with the words left,
        on its next use (about a second)."""
        with self._lock:
            self._kiwi = None
            self._pending = list(self._user_words.items())

    def _teach(self, words: list[tuple[str, str]]) -> int:
        added = 0
        for form, tag in words:
            with self._lock:
                if self._kiwi is None:
                    self._pending.append((form, tag))
                    added += 1
                    continue
            if self._kiwi.add_user_word(form, tag, 0.0):
                added += 1
        return added

    def agrees(self, analysis: Analysis) -> bool:
        """False if a taught word occurs at a morpheme start in the analysed text
        without being one morpheme there: the analysis predates the word
        (``퓨리오사`` + ``AI`` cached before ``퓨리오사AI`` was labeled)."""
        if self._by_prefix is None:
            index: dict[str, list[str]] = defaultdict(list)
            for word in list(self._user_words):
                index[word[:2]].append(word)
            self._by_prefix = dict(index)
        index, text, bounds = self._by_prefix, analysis.text, analysis.boundaries
        for start in {t.start for t in analysis.tokens}:
            for word in index.get(text[start:start + 2], ()):
                if text.startswith(word, start):
                    after = bisect_right(bounds, start)  # the next boundary must be its end
                    if after == len(bounds) or bounds[after] != start + len(word):
                        return False
        return True

    def analyse(self, text: str) -> Analysis:
        if not text:
            return Analysis(text, (), ())
        return _from_sentences(text, self.kiwi.split_into_sents(text, return_tokens=True))

    def analyse_many(self, texts: Iterable[str]) -> Iterator[Analysis]:
        """Batch analysis on Kiwi's own threads; yields in input order."""
        pending = list(texts)
        if not pending:
            return
        results = self.kiwi.split_into_sents(iter(pending), return_tokens=True)
        for text, sentences in zip(pending, results, strict=True):
            yield _from_sentences(text, sentences) if text else Analysis(text, (), ())


class ChildAnalyzer(Analyzer):
    """Kiwi in a child process, for the app. Loading Kiwi, its first call, and
    the first call after each taught word each hold the GIL for about a second
    (measured: no other thread ran meanwhile), which froze the screen; in a
    child process they cost the screen nothing. The child reads one JSON line
    per request and answers each analysis with one; ``kiwi`` (for training)
    still loads in this process."""

    def __init__(self) -> None:
        super().__init__()
        self._child: subprocess.Popen | None = None
        self._talk = threading.Lock()  # one request and its answer at a time
        self._answering: subprocess.Popen | None = None  # the child a request waits on
        self._stops = 0

    def stop(self) -> None:
        """The app is ending: the child answering a request is stopped, and the
        requests waiting their turn give up (Kiwi took 20 s on a megabyte
        article, and the quit waited for it). Requests made later start a new
        child. Not under ``_talk``: the request being answered holds it."""
        self._stops += 1
        child = self._answering
        if child is not None:
            child.kill()

    def _send(self, request: list, *, answer: bool) -> str | None:
        stops = self._stops
        with self._talk:
            if self._stops != stops:
                raise HanmarkError("Kiwi was stopped: hanmark is closing.")
            requests = [request]
            if self._child is None:  # a new child learns what an old one was taught
                self._child = subprocess.Popen(
                    [sys.executable, "-m", "hanmark.nlp.analyzer"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                if self._user_words:
                    requests.insert(0, ["learn", list(self._user_words.items())])
            child = self._answering = self._child
            try:
                for each in requests:
                    child.stdin.write(json.dumps(each, ensure_ascii=False).encode() + b"\n")
                child.stdin.flush()
                line = child.stdout.readline() if answer else b"-"
            except OSError:
                line = b""
            finally:
                self._answering = None
            if not line:
                child.kill()
                child.wait()
                self._child = None
                raise HanmarkError("The Kiwi process stopped; it restarts on the next "
                                   "article.")
            return line.decode()

    def _teach(self, words: list[tuple[str, str]]) -> int:
        """Not waited for: the child pays Kiwi's rebuild for the words (about a
        second) at once, and the next analysis waits for it instead."""
        if words:
            self._send(["learn", words], answer=False)
        return len(words)

    def teach_names(self, forms: Iterable[str]) -> list[str]:
        """The child, which has Kiwi, checks the forms and answers with those taught."""
        todo = sorted({f.strip() for f in forms} - self._user_words.keys() - self._not_names)
        if not todo:
            return []
        names = json.loads(self._ask(["teach", todo]))
        self._not_names.update(set(todo) - set(names))
        self._user_words.update((form, "NNP") for form in names)
        self._by_prefix = None
        return names

    def _unteach(self, words: list[str]) -> None:
        self._send(["forget", words], answer=False)

    def warm_up(self) -> None:
        self.analyse("준비")

    def analyse(self, text: str) -> Analysis:
        return Analysis.from_json(text, self._ask(["analyse", text]))

    def _ask(self, request: list) -> str:
        """The child's answer; a Kiwi that could not load there is one sentence."""
        data = self._send(request, answer=True)
        if data.startswith('{"error"'):
            raise HanmarkError(json.loads(data)["error"])
        return data

    def analyse_many(self, texts: Iterable[str]) -> Iterator[Analysis]:
        for text in texts:
            yield self.analyse(text)


def serve() -> None:
    """The child's loop: requests on stdin, analyses on stdout."""
    def answer(data: str) -> None:
        sys.stdout.buffer.write(data.encode() + b"\n")
        sys.stdout.buffer.flush()

    analyzer = get_analyzer()
    try:
        analyzer.warm_up()
    except HanmarkError as exc:  # answer every request with why
        for line in sys.stdin.buffer:
            if json.loads(line)[0] in ("analyse", "teach"):
                answer(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return
    kiwi_lock, taught = threading.Lock(), threading.Event()

    def rebuild() -> None:
        """Kiwi rebuilds itself (about a second) on its first call after new words:
        pay that while the person reads, once for a burst of labels."""
        while taught.wait():
            time.sleep(0.2)
            taught.clear()
            with kiwi_lock:
                analyzer.analyse("준비")

    threading.Thread(target=rebuild, daemon=True).start()
    for line in sys.stdin.buffer:
        kind, arg = json.loads(line)
        with kiwi_lock:
            if kind == "learn":  # words checked before (a new child learning them again)
                changed = analyzer.add_user_words(tuple(word) for word in arg)
            elif kind == "teach":
                changed = analyzer.teach_names(arg)
                answer(json.dumps(changed, ensure_ascii=False))
            elif kind == "forget":
                changed = analyzer.forget_user_words(arg)
            else:
                changed = 0
                answer(analyzer.analyse(arg).to_json())
        if changed:
            taught.set()


_shared: Analyzer | None = None
_shared_lock = threading.Lock()


def use_child_process() -> None:
    """From now on this process analyses in a child process (the app calls this)."""
    global _shared
    with _shared_lock:
        if not isinstance(_shared, ChildAnalyzer):
            _shared = ChildAnalyzer()


def stop_child_process() -> None:
    """The app is ending: its Kiwi child stops (``ChildAnalyzer.stop``)."""
    with _shared_lock:
        if isinstance(_shared, ChildAnalyzer):
            _shared.stop()


def get_analyzer() -> Analyzer:
    """The process-wide analyzer (Kiwi is loaded on first use, not here)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Analyzer()
        return _shared


def analysis_for(store: Store, uid: str, analyzer: Analyzer | None = None) -> Analysis:
    """The article's analysis from the cache, computing and caching it if missing
    or older than a word taught to Kiwi since."""
    analyzer = analyzer or get_analyzer()
    text = store.articles.get(uid).text
    cached = store.analyses.get(uid, analyzer.version)
    if cached is not None:
        analysis = Analysis.from_json(text, cached)
        if analyzer.agrees(analysis):
            return analysis
    analysis = analyzer.analyse(text)
    if not store.readonly:
        store.analyses.put([(uid, analyzer.version, analysis.to_json())])
    return analysis


def cached_analysis(store: Store, uid: str, text: str,
                    analyzer: Analyzer | None = None) -> Analysis | None:
    """The cached analysis if there is one, without loading Kiwi."""
    version = (analyzer or get_analyzer()).version
    cached = store.analyses.get(uid, version)
    return None if cached is None else Analysis.from_json(text, cached)


def analyse_articles(store: Store, uids: list[str] | None = None, *, batch: int = 64,
                     analyzer: Analyzer | None = None,
                     progress: Callable[[int], None] | None = None) -> int:
    """Analyse (and cache) every article lacking an analysis; return how many."""
    analyzer = analyzer or get_analyzer()
    todo = store.analyses.missing(analyzer.version) if uids is None else uids
    done = 0
    for i in range(0, len(todo), batch):
        chunk = todo[i:i + batch]
        texts = [store.articles.get(uid).text for uid in chunk]
        rows = [(uid, analyzer.version, a.to_json())
                for uid, a in zip(chunk, analyzer.analyse_many(texts), strict=True)]
        store.analyses.put(rows)
        done += len(rows)
        if progress:
            progress(len(rows))
    return done


if __name__ == "__main__":  # the app's Kiwi child process: python -m hanmark.nlp.analyzer
    serve()
