"""The CRF suggester: a character-level python-crfsuite model over rich features.

A model file is a zip holding the crfsuite model and ``meta.json``: the
feature set, the training gazetteer, a summary of the training data, a
fingerprint of the texts trained on (``evaluate.fingerprint``) and the
scores measured at training time. The shipped default is
``nlp/models/default.hmcrf``.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
import pycrfsuite

from hanmark.store import HanmarkError
from hanmark.store.formats.output import atomic_file, write_failed
from hanmark.store.paths import is_database_file
from hanmark.store.span_utils import spans_to_tags, tags_to_spans, trim

from . import clusters as word_clusters
from . import ensemble
from .analyzer import Analysis, get_analyzer
from .evaluate import fingerprint
from .features import char_features, rich_features
from .gazetteer import Gazetteer
from .lexicon import expand, prototypes
from .mined import matches as mined_matches
from .neural import viterbi
from .rules import Candidate

FORMAT = "hanmark-crf"
FORMAT_VERSION = 1
FEATURE_SETS = ("rich-3", "rich-2", "chars-1")  # rich-3: rich-2 + word clusters
RICH = ("rich-3", "rich-2")
DEFAULT_PATH = Path(__file__).resolve().parent / "models" / "default.hmcrf"
DEFAULT_PARAMS = {"c1": 0.05, "c2": 0.1, "max_iterations": 100,
                  "feature.possible_transitions": True}
GAZ_MIN_SHARE = 0.6
FOLDS = 5

Spans = Sequence[tuple[int, int, str]]


@dataclass
class TrainingItem:
    """One training text: its analysis and gold spans (sentences are split later)."""

    analysis: Analysis
    spans: Spans
    split: bool = False  # articles are split into Kiwi sentences; gold sentences are not
    until: int | None = None  # train only on sentences that end by here (what was read)


def whole_model(data: bytes) -> bool:
    """Whether crfsuite model bytes are complete (crfsuite crashes the process on
    a model cut short, as a full disk leaves it, and says nothing when writing
    fails): its five sections, each headed by its size, run on to its last byte."""
    if len(data) < 48 or data[:4] != b"lCRF":
        return False
    end = 48
    for offset in struct.unpack_from("<5I", data, 28):
        if not end <= offset <= end + 3 or offset + 8 > len(data):  # 4-byte aligned
            return False
        end = offset + struct.unpack_from("<I", data, offset + 4)[0]
    return end == len(data)


@dataclass
class CrfModel:
    data: bytes
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not whole_model(self.data):  # crfsuite would crash the process
            raise ValueError("a truncated crfsuite model")
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(self.data)
        self._lock = threading.Lock()
        self.gazetteer = Gazetteer.from_pairs(self.meta.get("gazetteer", []),
                                              min_share=GAZ_MIN_SHARE)
        self.feature_set = self.meta.get("features", "rich-2")
        self.lexicon: dict[str, str] = self.meta.get("lexicon", {})
        self.mined = Gazetteer.from_pairs(self.meta.get("mined", []), min_share=GAZ_MIN_SHARE)
        self.clusters = _clusters_for(self.feature_set, self.meta.get("clusters"))
        self.neural = ensemble.tagger_for(self.meta, self._tagger.labels())

    @property
    def name(self) -> str:
        return "crf"

    # -- files -------------------------------------------------------------

    def save(self, path: str | Path, *, force: bool = True,
             database: str | os.PathLike | None = None) -> None:
        """Write the model atomically (``store.formats.output``): a failed, full or
        interrupted write leaves ``path`` as it was and no temporary behind."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failed(exc, path) from None
        with atomic_file(path, force=force, database=database, what="model") as temp, \
                zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("crf.model", self.data)
            zf.writestr("meta.json", json.dumps(self.meta, ensure_ascii=False))

    @classmethod
    def load(cls, path: str | Path, *, database: str | os.PathLike | None = None) -> CrfModel:
        """Load a model file; a missing or foreign file is one clear sentence. The
        database is refused unread: reading it would drop this process's locks on it."""
        path = Path(path)
        if database is not None and is_database_file(path, database):
            raise HanmarkError(f"{path} is the database {database}, not a model file.")
        if not path.is_file():
            raise HanmarkError(f"No model file at {path}; train one with `hanmark train`.")
        try:
            with zipfile.ZipFile(path) as zf:
                meta = json.loads(zf.read("meta.json"))
                data = zf.read("crf.model")
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise HanmarkError(f"{path} is not a hanmark model file.") from None
        if meta.get("format") == FORMAT and meta.get("features") == "rich-1":
            raise HanmarkError(f"{path} was trained by an older hanmark; retrain it with "
                               "`hanmark train`.")
        if meta.get("format") != FORMAT or meta.get("features") not in FEATURE_SETS:
            raise HanmarkError(f"{path} is not a hanmark CRF model this version can read.")
        if meta.get("version", 0) > FORMAT_VERSION:
            raise HanmarkError(f"{path} was written by a newer hanmark; upgrade to use it.")
        try:
            return cls(data, meta)
        except HanmarkError as exc:
            raise HanmarkError(f"{path}: {exc}") from None
        except Exception:  # crfsuite rejects a damaged model with a bare error
            raise HanmarkError(f"{path} is damaged: crfsuite cannot read it.") from None

    # -- tagging ------------------------------------------------------------

    def gazetteer_matches(self, analysis: Analysis,
                          live: Gazetteer | None = None) -> list[Candidate]:
        """Matches of the live gazetteer first, then the model's own."""
        found = list(live.find_in(analysis)) if live else []
        taken = [(c.start, c.end) for c in found]
        for cand in self.gazetteer.find_in(analysis):
            if all(cand.end <= s or cand.start >= e for s, e in taken):
                found.append(cand)
        return found

    def features(self, analysis: Analysis, live: Gazetteer | None = None,
                 matches: list[Candidate] | None = None) -> list[list[str]]:
        if self.feature_set == "chars-1":
            return char_features(analysis.text)
        if matches is None:
            matches = self.gazetteer_matches(analysis, live)
        return rich_features(analysis, matches, self.lexicon, self.clusters,
                             mined_matches(self.mined, analysis))

    def predict(self, analysis: Analysis, live: Gazetteer | None = None, *,
                split: bool = True) -> tuple[list[Candidate], float]:
        """Entities with their mean probability, and the text's uncertainty (one
        minus the mean probability of each sentence's best tagging by the CRF).

        ``split=False`` tags the text as one sequence (a gold sentence)."""
        return self.predict_many([analysis], live, split=split)[0]

    def predict_many(self, analyses: Sequence[Analysis], live: Gazetteer | None = None, *,
                     split: bool = True, stop: Callable[[], bool] | None = None
                     ) -> list[tuple[list[Candidate], float]]:
        """``predict`` of each text; with the neural tagger, the sentences of many
        go through it in one batch (one at a time is several times slower).

        The texts go through in parts of whole sentences, about ``PART``
        characters at a time: the features of a megabyte article, held at once,
        took 2.3 GB. Before each part, ``stop`` may say the answer is no longer
        wanted (raising ``Stopped``)."""
        found: list[list[Candidate]] = [[] for _ in analyses]
        probs: list[list[float]] = [[] for _ in analyses]
        for chunk in _chunks(analyses, split):
            if stop is not None and stop():
                raise Stopped
            done = self._predict_parts([part for _, _, part in chunk], live, split)
            for (k, offset, _), (candidates, sure) in zip(chunk, done, strict=True):
                found[k] += [replace(c, start=c.start + offset, end=c.end + offset)
                             for c in candidates] if offset else candidates
                probs[k] += sure
        return [(found[k], round(1.0 - sum(p) / len(p), 4) if p else 0.0)
                for k, p in enumerate(probs)]

    def _predict_parts(self, analyses: Sequence[Analysis], live: Gazetteer | None,
                       split: bool) -> list[tuple[list[Candidate], list[float]]]:
        """Entities of each text, and the CRF's probability of each sentence's best path."""
        work = []  # (text, sentence start, end, features, gazetteer matches)
        for k, analysis in enumerate(analyses):
            if not analysis.text.strip():
                continue
            matches = self.gazetteer_matches(analysis, live)
            feats = self.features(analysis, live, matches)
            for start, end in sentence_ranges(analysis, split):
                work.append((k, start, end, feats, matches))
        nn = self._neural_probabilities(analyses, work) if self.neural else None
        found: list[list[Candidate]] = [[] for _ in analyses]
        probs: list[list[float]] = [[] for _ in analyses]
        combined = []
        with self._lock:
            tagger = self._tagger
            for w, (k, start, end, feats, _) in enumerate(work):
                tagger.set(feats[start:end])
                tags = tagger.tag()
                probs[k].append(tagger.probability(tags))
                if nn is not None:
                    combined.append(ensemble.mix(ensemble.crf_probabilities(tagger, tags, nn[w]),
                                                 nn[w]))
                    continue
                for s, e, label in trim_spans(analyses[k].text, tags_to_spans(tags), start):
                    marg = [tagger.marginal(tags[i - start], i - start) for i in range(s, e)]
                    found[k].append(Candidate(s, e, label, round(sum(marg) / len(marg), 3)))
        if nn is not None:
            for (k, start, _, _, _), p, tags in zip(work, combined, viterbi(combined),
                                                   strict=True):
                for s, e, label in trim_spans(analyses[k].text, tags_to_spans(tags), start):
                    sure = p[np.arange(s - start, e - start),
                             [ensemble.TAG_INDEX[t] for t in tags[s - start:e - start]]]
                    found[k].append(Candidate(s, e, label, round(float(sure.mean()), 3)))
        return list(zip(found, probs, strict=True))

    def _neural_probabilities(self, analyses: Sequence[Analysis], work: list) -> list:
        """The neural tagger's probabilities for each sentence of ``work``."""
        parts, matches = [], []
        for k, group in groupby(work, key=lambda w: w[0]):  # one text's sentences
            sentences = list(group)
            ranges = [(start, end) for _, start, end, _, _ in sentences]
            parts += ensemble.sentences(analyses[k], ranges)
            found = sentences[0][4]  # the text's gazetteer matches
            matches += [[replace(c, start=c.start - start, end=c.end - start)
                         for c in found if start <= c.start and c.end <= end]
                        for start, end in ranges]
        return self.neural.probabilities(parts, matches)

    def tag_sentence(self, analysis: Analysis) -> list[tuple[int, int, str]]:
        """Predicted spans of one gold sentence (for evaluation)."""
        return [(c.start, c.end, c.label) for c in self.predict(analysis, split=False)[0]]


def _clusters_for(feature_set: str, expected: str | None) -> word_clusters.Clusters:
    """The shipped word clusters, for a model trained with them; a model trained
    with another table would read wrong features, so that is refused."""
    if feature_set != "rich-3":
        return {}
    if expected != word_clusters.checksum():
        raise HanmarkError("it was trained with other word clusters than this hanmark "
                           "ships; retrain it with `hanmark train`.")
    return word_clusters.load()


class Stopped(Exception):
    """``predict_many`` stopped because its caller no longer wants the answer."""


LONGEST = 1_000  # characters read at once: see sentence_ranges
PART = 50_000  # characters whose features are held at once: see predict_many


def _chunks(analyses: Sequence[Analysis], split: bool
            ) -> Iterator[list[tuple[int, int, Analysis]]]:
    """The texts' parts (text index, offset, part), about ``PART`` characters a chunk."""
    chunk: list[tuple[int, int, Analysis]] = []
    size = 0
    for k, analysis in enumerate(analyses):
        for offset, part in _parts(analysis, split):
            if chunk and size + len(part.text) > PART:
                yield chunk
                chunk, size = [], 0
            chunk.append((k, offset, part))
            size += len(part.text)
    if chunk:
        yield chunk


def _parts(analysis: Analysis, split: bool) -> Iterator[tuple[int, Analysis]]:
    """A text longer than ``PART`` as analyses of its consecutive whole sentences."""
    if not split or len(analysis.text) <= PART:
        yield 0, analysis
        return
    group: list[tuple[int, int]] = []
    for each in [*sentence_ranges(analysis), None]:
        if group and (each is None or each[1] - group[0][0] > PART):
            start, end = group[0][0], group[-1][1]
            part = ensemble.sentences(analysis, [(start, end)])[0]
            yield start, replace(part, sentences=tuple((s - start, e - start) for s, e in group))
            group = []
        if each is not None:
            group.append(each)


def sentence_ranges(analysis: Analysis, split: bool = True) -> list[tuple[int, int]]:
    """Kiwi's sentences (or the whole text when ``split`` is off or there are none).

    Split, a sentence longer than ``LONGEST`` characters is read in pieces cut
    after a space: a megabyte with no sentence end took the tagger minutes and
    gigabytes in one piece (and an app quit waited for it).
    """
    n = len(analysis.text)
    ranges = [(max(0, s), min(n, e)) for s, e in analysis.sentences if e > s] if split else []
    if not split:
        return ranges or [(0, n)]
    return [piece for s, e in ranges or [(0, n)] for piece in _pieces(analysis.text, s, e)]


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > LONGEST:
        cut = start + LONGEST
        space = max(text.rfind(c, cut - LONGEST // 2, cut) for c in " \n")
        if space != -1:
            cut = space + 1
        yield start, cut
        start = cut
    yield start, end


def trim_spans(text: str, spans: Spans, offset: int = 0) -> list[tuple[int, int, str]]:
    """Shift spans by ``offset`` and drop spaces at their edges."""
    trimmed = [(*trim(text, s + offset, e + offset), label) for s, e, label in spans]
    return [(s, e, label) for s, e, label in trimmed if s < e]


_default: tuple[Path, CrfModel] | None = None
_default_lock = threading.Lock()


def model_path() -> Path | None:
    """$HANMARK_MODEL, else the active version (`hanmark models`); None when the
    shipped model is active and missing."""
    from . import versions

    env = os.environ.get("HANMARK_MODEL")
    if env:
        return Path(env).expanduser()
    active = versions.active_id()
    if active == versions.SHIPPED and not DEFAULT_PATH.is_file():
        return None
    try:
        return versions.path_of(active)
    except HanmarkError as exc:  # its files were deleted by hand
        raise HanmarkError(f"{exc} It is the active one; `hanmark models use shipped` goes "
                           "back to the shipped model.") from None


def default_model() -> CrfModel | None:
    """The model suggestions use (loaded again only when another version became
    active); None when there is none."""
    global _default
    with _default_lock:
        path = model_path()
        if path is None:
            return None
        if _default is None or _default[0] != path:
            _default = (path, CrfModel.load(path))
        return _default[1]


# -- training ------------------------------------------------------------------


def _gazetteers(items: Sequence[TrainingItem], folds: int) -> list[Gazetteer]:
    """Cross-fitted gazetteers: item ``i`` sees entities of the other folds only,
    so training entities do not simply match themselves."""
    per_fold = [Gazetteer(min_share=GAZ_MIN_SHARE) for _ in range(folds)]
    for i, item in enumerate(items):
        text = item.analysis.text
        for fold, gaz in enumerate(per_fold):
            if fold != i % folds:
                for s, e, label in item.spans:
                    gaz.add(text[s:e], label)
    return per_fold


def _fold_forms(items: Sequence[TrainingItem], folds: int) -> list[set[str]]:
    """The gold entity forms found in one fold only (item ``i`` is in fold
    ``i % folds``): a teacher could have learned those from that fold alone."""
    forms: list[set[str]] = [set() for _ in range(folds)]
    for i, item in enumerate(items):
        text = item.analysis.text
        forms[i % folds].update(text[s:e].strip() for s, e, _ in item.spans)
    seen: dict[str, int] = {}
    for fold in forms:
        for form in fold:
            seen[form] = seen.get(form, 0) + 1
    return [{form for form in fold if seen[form] == 1} for fold in forms]


def trained_texts(items: Sequence[TrainingItem]) -> Iterator[str]:
    """The texts a model learns from: each sentence trained on, and an article
    whole when all of it was (a gold file may hold articles or sentences)."""
    for item in items:
        text = item.analysis.text
        for start, end in sentence_ranges(item.analysis, item.split):
            if item.until is not None and end > item.until:
                break
            yield text[start:end]
        if item.split and item.until is None:
            yield text


def training_gazetteer(items: Sequence[TrainingItem]) -> Gazetteer:
    gaz = Gazetteer(min_share=GAZ_MIN_SHARE)
    for item in items:
        for s, e, label in item.spans:
            gaz.add(item.analysis.text[s:e], label)
    return gaz


class _Trainer(pycrfsuite.Trainer):
    """A crfsuite trainer that reports each iteration to a progress callback.

    crfsuite reports its iterations only to a verbose trainer, so this one is
    verbose with its printing silenced; when the optimiser stops early
    (converged), the iterations it did not need are counted at once.
    """

    def __init__(self, advance: Callable[[int], None] | None, iterations: int):
        super().__init__(verbose=True)
        self._advance, self._left = advance or (lambda _n: None), iterations

    def on_iteration(self, log: str, info: dict) -> None:
        self._advance(1)
        self._left -= 1

    def on_optimization_end(self, log: str) -> None:
        self._advance(max(self._left, 0))
        self._left = 0

    def on_start(self, log: str) -> None:
        pass

    on_featgen_progress = on_featgen_end = on_prepared = on_prepare_error = on_end = (
        lambda self, *_args: None)


def train(items: Sequence[TrainingItem], *, feature_set: str = "rich-3",
          scheme: str = "bioes", params: dict[str, Any] | None = None, folds: int = FOLDS,
          progress: Callable[[int], None] | None = None,
          summary: dict[str, Any] | None = None, mined: Gazetteer | None = None) -> CrfModel:
    """Train a model; ``progress`` advances once per item and once per iteration.

    ``scheme`` is the character tagging: BIOES (about +0.01 entity F1 over
    IOB2 on KLUE-NER: ends of names get their own weights) or IOB2. ``mined``
    is a gazetteer mined from unlabeled text (nlp/mined.py), kept in the model."""
    if not items:
        raise HanmarkError("Nothing to train on: no labeled sentences were found.")
    params = {**DEFAULT_PARAMS, **(params or {})}
    trainer = _Trainer(progress, params["max_iterations"])
    trainer.set_params(params)
    rich = feature_set in RICH
    groups = word_clusters.load() if feature_set == "rich-3" else {}
    fold_gaz = _gazetteers(items, folds) if rich else []
    full_gaz = training_gazetteer(items) if rich else Gazetteer()
    lex = expand(prototypes((it.analysis, it.spans) for it in items),
                 get_analyzer().kiwi) if rich else {}
    mined = mined if rich and mined else Gazetteer()
    fold_forms = _fold_forms(items, folds)
    for i, item in enumerate(items):
        analysis = item.analysis
        if rich:
            found = mined_matches(mined, analysis, fold_forms[i % folds]) if mined else []
            feats = rich_features(analysis, fold_gaz[i % folds].find_in(analysis), lex, groups,
                                  found)
        else:
            feats = char_features(analysis.text)
        tags = spans_to_tags(len(analysis.text), list(item.spans), scheme)
        for start, end in sentence_ranges(analysis, item.split):
            if item.until is not None and end > item.until:
                break
            trainer.append(feats[start:end], tags[start:end])
        if progress:
            progress(1)
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "crf.model")
        trainer.train(target)
        data = Path(target).read_bytes()
    meta = {
        "format": FORMAT, "version": FORMAT_VERSION, "features": feature_set,
        "scheme": scheme, "params": params, "training": summary or {}, "lexicon": lex,
        "clusters": word_clusters.checksum() if groups else None,
        "fingerprint": fingerprint(trained_texts(items)),
        "gazetteer": [[form, label, n] for form, counts in sorted(full_gaz.counts.items())
                      for label, n in counts.items()],
    }
    if mined:
        meta["mined"] = [[form, label, n] for form, counts in sorted(mined.counts.items())
                         for label, n in counts.items()]
    try:
        return CrfModel(data, meta)
    except ValueError:  # crfsuite says nothing when writing its model file fails
        raise HanmarkError(f"crfsuite's model file in {tempfile.gettempdir()} came out "
                           "unreadable: the disk is probably full (or the file size limit "
                           "was reached); nothing was changed.") from None
