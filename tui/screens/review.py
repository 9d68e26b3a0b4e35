"""Review: two annotators' spans side by side, disagreements marked, gold written by key."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from hanmark.store import HanmarkError
from hanmark.store.review import (
    GOLD,
    Cluster,
    article_clusters,
    decision,
    decisions,
    labels_of,
    layer,
)

from ..session import AnnotationSession
from ..textcells import safe

CONTEXT = 24
DECISION_TEXT = {None: "", "agreed": "agreed", "a": "took {a}", "b": "took {b}",
                 "both": "took both", "edited": "edited", "none": "none"}


class ReviewScreen(Screen[None]):
    """Adjudicate one article between annotators ``a`` and ``b``."""

    DEFAULT_CSS = """
    ReviewScreen #review-title { height: 1; background: $boost; padding: 0 1; }
    ReviewScreen DataTable { height: 1fr; }
    ReviewScreen #review-detail {
        height: auto; max-height: 12; border: round $accent; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("a", "take('a')", "Take left", id="review.take_a"),
        Binding("b", "take('b')", "Take right", id="review.take_b"),
        Binding("t", "take('both')", "Take both", id="review.take_both"),
        Binding("x", "take('neither')", "Neither", id="review.take_neither"),
        Binding("g", "take_agreements", "Take all agreed", id="review.take_agreed"),
        Binding("ctrl+z,u", "replay('undo')", "Undo", id="review.undo"),
        Binding("ctrl+y,U", "replay('redo')", "Redo", show=False, id="review.redo"),
        Binding("n", "jump(1)", "Next disagreement", id="review.next"),
        Binding("p", "jump(-1)", "Previous disagreement", id="review.previous"),
        Binding("escape,q", "close", "Back", id="review.close"),
    ]

    def __init__(self, session: AnnotationSession, uid: str, a: str, b: str,
                 colours: dict[str, str]):
        super().__init__()
        self.session, self.store = session, session.store
        self.uid, self.a, self.b = uid, a, b
        self.colours = colours
        self.text = self.store.articles.get(uid).text
        self.clusters: list[Cluster] = []
        self.rulings: list[str | None] = []  # each row's decision (store.review.decision)
        self.still_open = 0  # disagreements without a decision

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="review-title")
            yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="review-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "text", Text(safe(self.a)), Text(safe(self.b)), "gold")
        self.reload()
        self.action_jump(1)
        table.focus()

    def reload(self) -> None:
        """Re-read spans, gold and decisions from the store and redraw every row."""
        self.clusters = article_clusters(self.store, self.uid, self.a, self.b)
        made = decisions(self.store, self.uid).get(self.uid, {})
        gold = layer(labels_of(self.store, self.uid), GOLD)
        self.rulings = [decision(cluster, made, gold) for cluster in self.clusters]
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for i, cluster in enumerate(self.clusters):
            table.add_row(*self._cells(i, cluster), key=str(i))
        if self.clusters:
            table.move_cursor(row=min(max(row, 0), len(self.clusters) - 1))
        title = self.store.articles.get(self.uid).title
        disagreements = sum(not c.agrees for c in self.clusters)
        self.still_open = sum(not c.agrees and made is None
                              for c, made in zip(self.clusters, self.rulings, strict=True))
        self.query_one("#review-title", Static).update(Text(
            f"Review · {safe(title)} · {safe(self.a)} vs {safe(self.b)} · "
            f"{disagreements} disagreement{'s' * (disagreements != 1)} of "
            f"{len(self.clusters)}: {disagreements - self.still_open} resolved, "
            f"{self.still_open} open · decisions are saved as '{GOLD}'"))
        self._show_detail()

    def _layer_text(self, spans: tuple) -> Text:
        if not spans:
            return Text("—", style="dim")
        return Text(", ".join(f"{safe(self.text[s:e])} {safe(lab)}" for s, e, lab in spans))

    def _cells(self, i: int, cluster: Cluster) -> list[Text]:
        mark = Text(f"{i + 1}", style="bold" if cluster.agrees else "bold red")
        if not cluster.agrees:
            mark.append(" ≠", style="bold red")
        made = DECISION_TEXT[self.rulings[i]].format(a=safe(self.a), b=safe(self.b))
        gold = Text(made, style="dim" if self.rulings[i] == "none" else "green")
        return [mark, Text(safe(self.text[cluster.start:cluster.end])),
                self._layer_text(cluster.a), self._layer_text(cluster.b), gold]

    def _current(self) -> Cluster | None:
        table = self.query_one(DataTable)
        if not self.clusters or table.cursor_row < 0:
            return None
        return self.clusters[min(table.cursor_row, len(self.clusters) - 1)]

    def _highlight(self, cluster: Cluster, spans: tuple) -> Text:
        left, right = max(0, cluster.start - CONTEXT), min(len(self.text), cluster.end + CONTEXT)
        line = Text(safe(self.text[left:right]).replace("\n", " "))
        for s, e, label in spans:
            line.stylize(f"bold black on {self.colours.get(label, 'white')}", s - left, e - left)
        return line

    def _show_detail(self) -> None:
        cluster = self._current()
        detail = self.query_one("#review-detail", Static)
        if cluster is None:
            detail.update(Text("Neither annotator labeled anything in this article."))
            return
        lines = Text()
        for who, spans in ((self.a, cluster.a), (self.b, cluster.b)):
            lines.append(f"{safe(who):>10} ", style="bold")
            lines.append(self._highlight(cluster, spans))
            lines.append("\n")
        gold = tuple((s.start, s.end, s.label)
                     for s in self.store.spans.of(self.uid, annotator=GOLD)
                     if s.start < cluster.end and s.end > cluster.start)
        lines.append(f"{GOLD:>10} ", style="bold green")
        lines.append(self._highlight(cluster, gold))
        detail.update(lines)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    async def _take(self, clusters: list[Cluster], take: str) -> bool:
        """Write gold through the session (never waiting on a lock on the UI
        thread); a refused write is said and nothing is shown as saved."""
        try:
            await self.session.take(self.uid, clusters, take, (self.a, self.b))
            return True
        except HanmarkError as exc:
            self.notify(safe(str(exc)), severity="error", markup=False)
            return False

    async def action_take(self, take: str) -> None:
        cluster = self._current()
        if cluster is not None and await self._take([cluster], take):
            self.reload()
            self.notify(f"Saved: {take} for #{self.clusters.index(cluster) + 1}."
                        + ("" if self.still_open else " Every disagreement here is decided;"
                           " R on the article list opens the next article that needs review."),
                        timeout=2 if self.still_open else 5)
            self.action_jump(1)

    async def action_take_agreements(self) -> None:
        agreed = [c for c, made in zip(self.clusters, self.rulings, strict=True)
                  if c.agrees and made is None]
        if await self._take(agreed, "both"):
            self.notify(f"Saved: {len(agreed)} agreed spans taken into {GOLD}.", timeout=2)
            self.reload()

    async def action_replay(self, direction: str) -> None:
        """Undo (or redo) the last review step on this article."""
        try:
            done = await self.session.replay_gold(self.uid, direction)
        except HanmarkError as exc:
            self.notify(safe(str(exc)), severity="error", markup=False)
            return
        self.notify(f"{direction.capitalize()} done." if done else f"Nothing to {direction}.",
                    timeout=2)
        self.reload()

    def action_jump(self, step: int) -> None:
        """Move to the next (or previous) disagreement, wrapping around."""
        if not self.clusters:
            return
        table = self.query_one(DataTable)
        n = len(self.clusters)
        for k in range(1, n + 1):
            i = (table.cursor_row + step * k) % n
            if not self.clusters[i].agrees:
                table.move_cursor(row=i)
                return

    def action_close(self) -> None:
        self.dismiss(None)
