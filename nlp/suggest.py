"""Suggestions for articles: rule candidates, the live gazetteer and the CRF.

Layers are ranked gazetteer (repeats human decisions) > CRF > rules; where
two overlap, the higher one wins, so the page never shows two competing
boxes over the same characters. Nothing is suggested over an accepted label.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence

from hanmark.store import NewSpan, Span, Store
from hanmark.store.models import Edit
from hanmark.store.span_utils import trim
from hanmark.store.spans import Revision

from .analyzer import Analysis, analysis_for, cached_analysis, get_analyzer
from .crf import CrfModel, default_model
from .gazetteer import Gazetteer
from .korean import unglued
from .layers import layers_for, layers_for_many
from .rules import Candidate

SUGGESTER = "hanmark"
DEFAULT = "default"  # use the trained or shipped model
LAYERS = ("gazetteer", "crf", "rules")
# How many other articles one label may update at once (the open one comes first).
PROPAGATE_LIMIT = 500


_gazetteers: dict[str, tuple[int, Gazetteer]] = {}


def live_gazetteer(store: Store) -> Gazetteer:
    """Every accepted span's surface form, with its majority label; rebuilt only
    when a label changed since (the store's forms version says so)."""
    key, version = str(store.path.resolve()), store.spans.forms_version()
    cached = _gazetteers.get(key)
    if cached is None or cached[0] != version:
        cached = (version, Gazetteer.from_pairs(store.spans.forms()))
        _gazetteers[key] = cached
    return cached[1]


def _free(candidates: Iterable[Candidate], taken: list[tuple[int, int]]) -> list[Candidate]:
    """Candidates that overlap nothing in ``taken`` (which grows as they are kept).
    Checked against the set of covered offsets: comparing every candidate with
    every kept span took a fifth of an article's suggestion time."""
    covered = {i for start, end in taken for i in range(start, end)}
    kept = []
    for cand in candidates:
        if covered.isdisjoint(range(cand.start, cand.end)):
            kept.append(cand)
            taken.append((cand.start, cand.end))
            covered.update(range(cand.start, cand.end))
    return kept


def _new_spans(candidates: Iterable[Candidate], model: str) -> list[NewSpan]:
    return [NewSpan(c.start, c.end, c.label, SUGGESTER, origin="suggestion", state="suggested",
                    model=model, confidence=c.confidence) for c in candidates]


def _write(store: Store, uid: str, layers: dict[str, list[Candidate]]) -> int:
    """Replace every layer's pending suggestions in one transaction (touching
    only layers that have old or new spans: batch runs write thousands)."""
    existing = store.spans.of(uid, states=("accepted", "suggested"))
    taken = [(s.start, s.end) for s in existing if s.state == "accepted"]
    pending = {s.model for s in existing if s.state == "suggested"}
    kept = {name: _new_spans(_free(layers.get(name, ()), taken), name) for name in LAYERS}
    with store.transaction():
        for name in pending & set(LAYERS):  # first, so an old span cannot block a new one
            store.spans.replace_suggestions(uid, [], model=name)
        return sum(store.spans.replace_suggestions(uid, kept[name], model=name)
                   for name in LAYERS if kept[name])


def _model(model: CrfModel | None | str) -> CrfModel | None:
    return default_model() if model == DEFAULT else model


def suggest_article(store: Store, uid: str, *, analysis: Analysis | None = None,
                    gazetteer: Gazetteer | None = None,
                    model: CrfModel | None | str = DEFAULT,
                    stop: Callable[[], bool] | None = None) -> int:
    """Compute and store suggestions for one article; return how many were added.

    ``model`` is the default (trained or shipped) CRF unless given; None means
    rules and gazetteer only. Also records the model's uncertainty for the
    article (active learning). ``stop`` may end the model's work unwritten
    (``CrfModel.predict_many``).
    """
    analysis = analysis or analysis_for(store, uid)
    layers, uncertainty = layers_for(analysis, gazetteer or live_gazetteer(store),
                                     _model(model), stop)
    added = _write(store, uid, layers)
    if uncertainty is not None:
        store.articles.set_uncertainty([(uid, uncertainty)])
    return added


def _analysed(store: Store, articles: list, analyzer) -> Iterator[tuple]:
    """Each article with its analysis: cached ones read back, the others
    streamed from Kiwi's threads, which analyse ahead while the caller tags
    (and cached once the chunk is done)."""
    cached = {a.uid: cached_analysis(store, a.uid, a.text, analyzer) for a in articles}
    fresh = analyzer.analyse_many([a.text for a in articles if cached[a.uid] is None])
    rows = []
    for article in articles:
        analysis = cached[article.uid]
        if analysis is None:
            analysis = next(fresh)
            rows.append((article.uid, analyzer.version, analysis.to_json()))
        yield article, analysis
    if rows:
        store.analyses.put(rows)


def suggest_all(store: Store, *, collection: str | None = None,
                model: CrfModel | None | str = DEFAULT, workers: int | None = None,
                progress: Callable[[int], None] | None = None, batch: int = 256,
                done: bool = False) -> tuple[int, int]:
    """Suggest for every article of a collection and record each one's uncertainty;
    returns ``(articles, suggestions added)``. Articles marked done are skipped
    unless ``done``: a person has finished them, so suggestions there only
    add boxes to dismiss.

    ``workers`` processes share the work (default: 2 when there are at least
    ``parallel.MIN_TEXTS`` articles and a model, else this process alone).
    """
    from . import parallel

    analyzer = get_analyzer()
    model = _model(model)
    gazetteer = live_gazetteer(store)
    if workers is None:
        many = store.articles.count(collection=collection) >= parallel.MIN_TEXTS
        workers = 2 if many and model is not None else 1
    chunks = _batched((a for a in store.articles.stream(collection=collection)
                       if done or a.status != "done"), batch)
    articles = added = 0

    def save(chunk: list, results: Iterable[tuple]) -> None:
        nonlocal articles, added
        scores, fresh = [], []
        for article, (data, layers, uncertainty) in zip(chunk, results, strict=True):
            if data is not None:
                fresh.append((article.uid, analyzer.version, data))
            added += _write(store, article.uid, layers)
            if uncertainty is not None:
                scores.append((article.uid, uncertainty))
        store.analyses.put(fresh)
        store.articles.set_uncertainty(scores)
        articles += len(chunk)
        if progress:
            progress(len(chunk))

    if workers > 1 and model is not None:
        order: deque = deque()

        def items() -> Iterator[list[tuple[str, str | None]]]:
            for chunk in chunks:
                order.append(chunk)
                yield [(a.text, store.analyses.get(a.uid, analyzer.version)) for a in chunk]

        with parallel.Pool(model, gazetteer, workers) as pool:
            for results in pool.map(items(), ahead=2 * workers):
                save(order.popleft(), results)
        return articles, added
    for chunk in chunks:
        analyses = [analysis for _, analysis in _analysed(store, chunk, analyzer)]
        save(chunk, [(None, *found) for found in layers_for_many(analyses, gazetteer, model)])
    return articles, added


def _batched(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def propagate_label(store: Store, span: Span, *, analysis: Analysis | None = None,
                    limit: int = PROPAGATE_LIMIT) -> list[str]:
    """After a person labels ``span``: suggest its form wherever else it occurs.

    The open article (``span.article``) is updated first. Other articles are
    those the trigram index finds, matched on their cached analysis (or on
    word edges when Kiwi has not analysed them yet). The form is also taught
    to Kiwi if it reads as a name (``teach_analyzer``), so that particles stop
    gluing to it. Returns the uids that got new suggestions.
    """
    text = store.articles.get(span.article).text
    form = text[span.start:span.end].strip()
    teach_analyzer(store)
    gazetteer = live_gazetteer(store)
    if gazetteer.label(form) is None:
        return []
    changed = []
    if analysis is None:
        analysis = cached_analysis(store, span.article, text)
    matches = gazetteer.find_in(analysis) if analysis else gazetteer.find_in_text(text)
    if _write_gazetteer(store, span.article, matches):
        changed.append(span.article)
    for row in store.articles.page(search=form, limit=limit + 1):
        if row.uid == span.article:
            continue
        other = store.articles.get(row.uid).text
        cached = cached_analysis(store, row.uid, other)
        found = gazetteer.find_in(cached) if cached else gazetteer.find_in_text(other)
        if _write_gazetteer(store, row.uid, found):
            changed.append(row.uid)
    return changed


def follow_edits(store: Store, edits: Sequence[Edit], *,
                 analysis: Analysis | None = None) -> list[str]:
    """After labels changed: the gazetteer suggestions of each old form follow it
    (``follow_label``), then each new or changed label is suggested wherever else
    it occurs (``propagate_label``, which also teaches Kiwi). Returns the uids
    whose suggestions changed."""
    changed = [uid for was, now in edits if was is not None
               for uid in follow_label(store, was, now)]
    changed += [uid for _, now in edits if now is not None
                for uid in propagate_label(store, now, analysis=analysis)]
    if edits and all(now is None for _, now in edits):
        teach_analyzer(store)  # labels only went: Kiwi forgets their forms
    return sorted(set(changed))


def follow_label(store: Store, was: Span, now: Span | None) -> list[str]:
    """A label widened, narrowed, relabeled or removed (``was`` is now ``now``, or
    gone): the pending gazetteer suggestions of its old form, in every article,
    follow it. A gazetteer suggestion comes from the labels of its own text (its
    provenance is its form and its model), so where another label still makes
    the gazetteer suggest the old form, the suggestion stays (with the label the
    form now gets most often); elsewhere it becomes the new form where that
    occurs at its mention (its edges moved as the label's did: 라인 -> 라인야후),
    or is withdrawn. Decided suggestions are never touched. Returns the uids
    changed."""
    text = store.articles.get(was.article).text
    start, end = trim(text, was.start, was.end)
    gazetteer = live_gazetteer(store)
    kept = gazetteer.suggested(text[start:end])
    shift, new, found = (0, 0), "", None
    if now is not None:
        new_start, new_end = trim(text, now.start, now.end)
        shift, new = (new_start - start, new_end - end), text[new_start:new_end]
        found = gazetteer.suggested(new)
    revisions: dict[int, Revision | None] = {}
    texts: dict[str, str] = {}
    for span in store.spans.pending_with_form(text[start:end], model="gazetteer"):
        if kept is not None:
            if (span.label, span.confidence) != kept:
                revisions[span.id] = (span.start, span.end, *kept)
            continue
        revisions[span.id] = None
        if found is not None:
            if span.article not in texts:
                texts[span.article] = store.articles.get(span.article).text
            where = texts[span.article]
            moved = span.start + shift[0], span.end + shift[1]
            if 0 <= moved[0] < moved[1] <= len(where) and where[slice(*moved)] == new:
                revisions[span.id] = (*moved, *found)
    return sorted(store.spans.revise_suggestions(revisions))


_teaching = threading.Lock()  # the app teaches from several workers


def teachable_forms(store: Store) -> set[str]:
    """Labeled forms that may become Kiwi words: two syllables or more (이, 박
    would derail Kiwi everywhere), and not another labeled form with a particle
    glued on (엔비디아와 beside 엔비디아: Kiwi reads the unknown whole as one noun)."""
    forms = {form.strip() for form, _, _ in store.spans.forms()}
    return {form for form in forms if len(form) >= 2 and unglued(form, forms) == form}


def teach_analyzer(store: Store) -> int:
    """Make the words Kiwi is taught follow the labeled forms: teach those Kiwi
    reads as names (``Analyzer.teach_names``: 현대차와 is not one), forget those
    whose labels were removed or corrected. Called at start-up (Kiwi forgets
    between runs) and after each change of labels, off the UI thread; returns
    how many words were taught now."""
    analyzer = get_analyzer()
    with _teaching:
        wanted = teachable_forms(store)
        analyzer.forget_user_words(analyzer.user_words() - wanted)
        return len(analyzer.teach_names(wanted))


def _write_gazetteer(store: Store, uid: str, matches: list[Candidate]) -> int:
    taken = [(s.start, s.end) for s in store.spans.of(uid, states=("accepted",))]
    return store.spans.replace_suggestions(uid, _new_spans(_free(matches, taken), "gazetteer"),
                                     model="gazetteer", supersede=True)
