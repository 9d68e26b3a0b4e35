"""Keys per gold entity: a scripted ideal annotator turns the app's suggestions into gold.

    python bench/ideal_annotator.py                 # the 400 held-out KLUE-NER sentences
    python bench/ideal_annotator.py --articles 100

Each KLUE-NER sentence no shipped model saw (nlp/models/klue-ner-base-heldout.tsv)
is an article of a fresh database, opened in order. On opening, the article gets
the reader's suggestions (rules, the shipped CRF, the live gazetteer); the
annotator, who knows the gold, then reaches it with the fewest keys the app
allows: every gold entity an accepted label, every other suggestion rejected,
the article marked done (``d``, which opens the next). Each decision is written
through ``AnnotationSession``, the calls the keys make, and followed up as the
reader does (propagation), so later articles see what earlier ones taught.

Keys are counted per decision, each choosing the cheapest way the key set has:
  getting there: ``→`` ``←`` (a morpheme), ``n`` ``p`` (a span), and with the
    new keys ``N`` ``P`` (a pending suggestion): a shortest path over these;
  a suggestion right as it is: ``enter``; right but for its label: the label's
    number key; its edges wrong: the edge moves (``,`` ``.`` ``<`` ``>`` a
    morpheme, ``[`` ``]`` ``{`` ``}`` a character) that reach the gold edges
    (a shortest path) and the number key if the label is wrong too;
  no suggestion: the number key on its first morpheme, then edge moves;
  a wrong suggestion: ``x``, or with the new keys ``X`` once for a form and label
    that is gold nowhere in the corpus (it rejects the others at no cost).
A span none of whose morphemes the keys reach (a shorter or an accepted span
lies over all of it) is reached through the spans pane, counted as two keys.
Up/down moves and selections are not used (the sentences are one line;
selecting costs a key more than labeling the morpheme and moving the edge).
Edge moves are written as one ``move_edges`` to the final edges.

Two runs, each on a fresh database:
  before: the keys before issue 19 (no N/P, no X, morpheme edges that may stop
    on punctuation, and a label's edits leave the suggestions it made as they
    were: only a new label or a relabel propagates);
  after: the keys now (N/P, X, punctuation-free morpheme edges, edits whose
    suggestions follow them).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hanmark.nlp import suggest  # noqa: E402
from hanmark.nlp.analyzer import Analysis, analysis_for  # noqa: E402
from hanmark.nlp.gold import Example, read_gold  # noqa: E402
from hanmark.nlp.korean import name_end, noun_forms, word_edges  # noqa: E402
from hanmark.nlp.training import BASE_HELDOUT_FILE  # noqa: E402
from hanmark.store import Span, Store  # noqa: E402
from hanmark.tui.session import AnnotationSession, Outcome  # noqa: E402
from hanmark.tui.widgets.text_view import next_edge  # noqa: E402

ANNOTATOR = "ideal"
KEYS = {"PS": "1", "LC": "2", "OG": "3", "DT": "4", "TI": "5", "QT": "6"}


@dataclass
class Run:
    """One key set's counts."""

    after: bool
    keys: Counter = field(default_factory=Counter)
    entities: int = 0

    @property
    def total(self) -> int:
        return sum(self.keys.values())


def shortest(start: int, goal: int, moves: Callable[[int], list[int]]) -> int:
    """The fewest moves from ``start`` to ``goal`` (breadth first)."""
    seen, queue = {start: 0}, deque([start])
    while queue:
        here = queue.popleft()
        if here == goal:
            return seen[here]
        for there in moves(here):
            if there not in seen:
                seen[there] = seen[here] + 1
                queue.append(there)
    raise ValueError(f"{goal} cannot be reached from {start}")


class Article:
    """The open article as the reader sees it: the cursor, the morphemes, the spans."""

    def __init__(self, run: Run, session: AnnotationSession, analysis: Analysis):
        self.run, self.session, self.analysis = run, session, analysis
        self.text = analysis.text
        self.starts = [t.start for t in analysis.tokens]
        self.edges = word_edges(analysis.tokens) if run.after else (
            self.starts, sorted({t.end for t in analysis.tokens}))
        self.nouns = noun_forms(analysis)
        self.cursor = self.starts[0] if self.starts else 0

    def press(self, key: str, n: int = 1) -> None:
        self.run.keys[key] += n

    # -- getting there --------------------------------------------------------

    def _moves(self, pos: int) -> list[int]:
        spans = self.session.spans
        found = [next_edge(self.starts, pos, 1), next_edge(self.starts, pos, -1),
                 next((s.start for s in spans if s.start > pos), None),
                 next((s.start for s in reversed(spans) if s.start < pos), None)]
        if self.run.after:
            found += [getattr(self.session.pending_from(pos, d), "start", None) for d in (1, -1)]
        return [p for p in found if p is not None]

    def go(self, pos: int) -> None:
        self.press("moves", shortest(self.cursor, pos, self._moves))
        self.cursor = pos

    def reach(self, span: Span) -> bool:
        """Put the cursor where the keys act on ``span`` (the span under the cursor is
        the accepted one, else the shortest); False if no morpheme of it is."""
        for pos in [span.start, *(p for p in self.starts if span.start < p < span.end)]:
            if self._span_at(pos) == span:
                self.go(pos)
                return True
        return False

    def _span_at(self, pos: int) -> Span | None:
        here = [s for s in self.session.spans if s.start <= pos < s.end]
        return min(here, key=lambda s: (s.state != "accepted", s.end - s.start), default=None)

    # -- edges ---------------------------------------------------------------

    def edge_moves(self, have: tuple[int, int], want: tuple[int, int]) -> int:
        starts, ends = self.edges
        n = len(self.text)

        def along(edges: list[int]) -> Callable[[int], list[int]]:
            return lambda p: [q for q in (p - 1, p + 1, next_edge(edges, p, 1),
                                          next_edge(edges, p, -1)) if q is not None and 0 <= q <= n]

        return shortest(have[0], want[0], along(starts)) + shortest(have[1], want[1], along(ends))

    # -- decisions -----------------------------------------------------------

    async def follow(self, outcome: Outcome, label_key: bool = False) -> None:
        """The reader's follow-ups: now, every changed label's suggestions follow it;
        before, only a label key's label propagated."""
        store = self.session.store
        if self.run.after:
            suggest.follow_edits(store, outcome.edits, analysis=self.analysis)
        elif label_key:
            for _, now in outcome.edits:
                if now is not None:
                    suggest.propagate_label(store, now, analysis=self.analysis)
        self.session.reload()

    async def fix(self, span: Span, gold: tuple[int, int, str]) -> None:
        """Make ``span`` (under the cursor) the gold entity."""
        start, end, label = gold
        session = self.session
        if span.label != label:
            self.press("label")
            await self.follow(await session.label(label, span=span), label_key=True)
            span = next(s for s in session.spans if (s.start, s.end) == (span.start, span.end))
        if (span.start, span.end) != (start, end):
            self.press("edges", self.edge_moves((span.start, span.end), (start, end)))
            await self.follow(await session.move_edges(span, start, end))
        elif span.state == "suggested":
            self.press("enter")
            await self.follow(await session.accept(span))

    def cost_of(self, span: Span, gold: tuple[int, int, str]) -> int:
        return (span.label != gold[2]) + (self.edge_moves((span.start, span.end), gold[:2])
                                          or span.state == "suggested")

    async def label(self, gold: tuple[int, int, str]) -> None:
        """A gold entity: correct the cheapest overlapping suggestion, or label its
        first morpheme and move the edges."""
        start, end, label = gold
        near = [s for s in self.session.spans if s.start < end and s.end > start
                and s.state == "suggested"]
        token = next((t for t in self.analysis.tokens if t.start <= start < t.end), None)
        fresh = None
        if token is not None and self._span_at(token.start) is None:
            fresh = (token.start, name_end(self.text, [token], self.nouns))
        options = sorted((self.cost_of(s, gold), i, s) for i, s in enumerate(near)
                         if self._reachable(s))
        if options and (fresh is None or options[0][0] <= 1 + self.edge_moves(fresh, gold[:2])):
            span = options[0][2]
            self.reach(span)
            await self.fix(span, gold)
            return
        if fresh is None:  # under another span with no morpheme free: the spans pane
            self.press("pane", 2)
            fresh = (start, end)
        else:
            self.go(token.start)
        self.press("label")
        outcome = await self.session.label(label, where=fresh)
        await self.follow(outcome, label_key=True)
        span = next(s for s in self.session.spans if (s.start, s.end) == fresh)
        await self.fix(span, gold)

    def _reachable(self, span: Span) -> bool:
        return any(self._span_at(p) == span
                   for p in [span.start, *(p for p in self.starts if span.start < p < span.end)])

    async def reject(self, span: Span, everywhere: bool) -> None:
        if not self.reach(span):
            self.press("pane", 2)
        if everywhere:
            self.press("X")
            await self.follow(await self.session.reject_everywhere(span))
        else:
            self.press("x")
            await self.follow(await self.session.remove(span))


async def annotate(run: Run, store: Store, examples: list[Example],
                   gold_pairs: set[tuple[str, str]]) -> None:
    session = AnnotationSession(store, ANNOTATOR, lambda: None)
    uids = [store.articles.add(ex.text)[0] for ex in examples]
    for uid, ex in zip(uids, examples, strict=True):
        session.open(uid)
        analysis = analysis_for(store, uid)
        suggest.suggest_article(store, uid, analysis=analysis)
        session.reload()
        article = Article(run, session, analysis)
        gold = set(ex.spans)
        run.entities += len(gold)
        while True:
            done = {(s.start, s.end, s.label) for s in session.spans if s.state == "accepted"}
            todo = [("gold", g[0], g) for g in gold - done]
            todo += [("wrong", s.start, s) for s in session.spans
                     if s.state == "suggested" and (s.start, s.end, s.label) not in gold]
            if not todo:
                break
            kind, _, what = min(todo, key=lambda t: t[1])
            if kind == "gold":
                await article.label(what)
            else:
                form = ex.text[what.start:what.end]
                await article.reject(what, run.after and (form, what.label) not in gold_pairs)
        article.press("d")
        await session.finish("done")


def measure(examples: list[Example], after: bool) -> Run:
    gold_pairs = {(ex.text[s:e], label) for ex in examples for s, e, label in ex.spans}
    run = Run(after)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "ideal.db") as store:
        asyncio.run(annotate(run, store, examples, gold_pairs))
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    args = parser.parse_args()
    examples = list(read_gold(BASE_HELDOUT_FILE, "klue"))[:args.articles]
    began = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:  # the two key sets side by side, a Kiwi each
        before, after = pool.map(measure, [examples, examples], [False, True])
    print(f"({time.perf_counter() - began:.0f} s)", file=sys.stderr)
    print(f"{len(examples)} articles (held-out KLUE-NER sentences), "
          f"{before.entities} gold entities")
    kinds = sorted(set(before.keys) | set(after.keys))
    print(f"| keys | {' | '.join(kinds)} | total | per gold entity |")
    print(f"|---|{'---|' * len(kinds)}---|---|")
    for name, run in (("before", before), ("after", after)):
        print(f"| {name} | {' | '.join(str(run.keys[k]) for k in kinds)} | {run.total} | "
              f"{run.total / run.entities:.2f} |")
    print(f"after / before: {after.total / before.total:.2f}")


if __name__ == "__main__":
    main()
