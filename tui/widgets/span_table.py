"""The annotation pane: the open article's spans, one row each, in text order."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style

from hanmark.store.models import Span

from ..colours import background_of, legible
from ..textcells import safe
from .virtual_table import Cell, Column, VirtualTable


class SpanTable(VirtualTable):
    """Rows are the spans of the layer being edited (``split_layers``: no rejected ones)."""

    COLUMNS = (Column("text", 0), Column("label", 5, elide="middle"),
               Column("state", 9, drop=2), Column("conf", 4, drop=3),
               Column("annotator", 9, drop=4, elide="middle"), Column("note", 12, drop=5))
    MIN_FLEX = 10
    SIZED = {"label": (5, 16), "annotator": (3, 12)}  # sized to content: (least, most)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.spans: list[Span] = []
        self.text = ""
        self.colours: dict[str, str] = {}
        self._row_of: dict[int, int] = {}

    @property
    def row_count(self) -> int:
        return len(self.spans)

    def set_spans(self, spans: list[Span], text: str, colours: dict[str, str]) -> None:
        self.spans = spans
        self._row_of = {s.id: i for i, s in enumerate(self.spans)}
        self.text, self.colours = text, colours
        title = f"Spans ({len(self.spans)})"
        if self.border_title != title:  # a new title costs a layout pass
            self.border_title = title
        self.reset()

    def natural_width(self, column: Column) -> int:
        """Labels and annotators as wide as the longest shown (within ``SIZED``), so
        ``LCP_CITY`` and ``LCP_COUNTRY`` read apart."""
        if column.title not in self.SIZED:
            return column.width
        values = {getattr(s, column.title) for s in self.spans}
        least, most = self.SIZED[column.title]
        return min(max(max((cell_len(safe(v)) for v in values), default=0), least), most)

    def cells(self, index: int) -> list[Cell]:
        span = self.spans[index]
        background = background_of(self.rich_style, self.app.current_theme.dark)
        label_style = Style(color=legible(self.colours.get(span.label, "#888888"), background),
                            bold=True)
        confidence = "" if span.confidence is None else f"{span.confidence:.2f}"
        return [(self.text[span.start:span.end], None), (span.label, label_style),
                (span.state, None), (confidence, None), (span.annotator, None),
                (span.note, None)]

    def row_style(self, index: int) -> Style:
        return Style(italic=True) if self.spans[index].state == "suggested" else Style()

    def current_span(self) -> Span | None:
        return self.spans[self.cursor_row] if 0 <= self.cursor_row < len(self.spans) else None

    def select_span(self, span: Span | None) -> None:
        """Put the cursor on a span's row (none: no row) without announcing it,
        so that the pane and the text cursor point at the same span."""
        if span is not None and span.id in self._row_of:
            self.set_cursor(self._row_of[span.id], quiet=True)
        else:
            self.clear_cursor()

    def select_from(self, offset: int) -> None:
        """On entering the pane with no span under the text cursor: the first span
        after it (quietly: the article does not scroll away)."""
        if self.cursor_row < 0 and self.spans:
            later = [i for i, s in enumerate(self.spans) if s.start >= offset]
            self.set_cursor(later[0] if later else len(self.spans) - 1, quiet=True)
