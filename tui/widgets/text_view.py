"""The article text: word-wrapped by terminal cells, spans coloured, drawn a line at a time.

Only the lines on screen are drawn (Textual's Line API), so a 100,000
character article costs what a short one does. Offsets are characters into
the stored text; ``CellMap`` turns them into cells, so Hangul (two cells)
lines up with the cursor and the highlights.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.color import Color, blend_rgb
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hanmark.nlp.korean import name_end, noun_forms, word_edges
from hanmark.store import HanmarkError
from hanmark.store.colour import parse_colour
from hanmark.store.models import Label, Span
from hanmark.store.span_utils import trim

from ..colours import background_of, hex_of, label_style, legible, text_colour_for
from ..messages import CursorMoved
from ..textcells import CellMap

if TYPE_CHECKING:  # Kiwi's module loads in a worker, not at start-up
    from hanmark.nlp.analyzer import Analysis

SELECTION = Style(reverse=True)
CURSOR = Style(bgcolor="#ffd75f", color="black", bold=True)
CURSOR_UNFOCUSED = Style(underline=True, bold=True)
KEY_RANGE_MIX = 0.45  # how much of the cursor's yellow tints the rest of the key's range
LOW_CONFIDENCE = 0.5  # suggestions below it are drawn thin: likely wrong, decide them first
UNSURE = Style(bold=False)  # not dim: dim text would fall below 4.5:1 on some themes


def next_edge(edges: list[int], pos: int, delta: int) -> int | None:
    """The first of the sorted ``edges`` after ``pos`` (``delta`` > 0) or before
    it (``delta`` < 0), or None at either end."""
    i = bisect_right(edges, pos) if delta > 0 else bisect_left(edges, pos) - 1
    return edges[i] if 0 <= i < len(edges) else None


@dataclass(frozen=True)
class Selection:
    start: int
    end: int
    by_morpheme: bool  # made by morpheme moves: trailing particles are left out when labeling


def label_colours(labels: list[Label]) -> dict[str, str]:
    """Each label's colour as hex (grey for one that is not a colour)."""
    colours = {}
    for label in labels:
        try:
            colours[label.name] = parse_colour(label.colour)
        except HanmarkError:
            colours[label.name] = "#888888"
    return colours


@lru_cache(maxsize=256)
def suggested_style(colour: str, background: str) -> Style:
    """A suggestion: underlined bold text in the label's colour, made legible on
    the theme's ``background``."""
    return Style(color=legible(colour, background), underline=True, bold=True)


@lru_cache(maxsize=64)
def key_range_style(background: Color | None) -> Style:
    """What a label key would touch (the morpheme or span at the cursor): what is
    under it tinted with the cursor's yellow, with black or white text chosen for
    the tint, so it reads on every theme and over label colours, and apart from
    the (reversed) selection."""
    under = (background or Color.parse("#808080")).get_truecolor()
    tint = hex_of(Color.from_triplet(blend_rgb(under, CURSOR.bgcolor.get_truecolor(),
                                               KEY_RANGE_MIX)))
    return Style(bgcolor=tint, color=text_colour_for(tint))


def overlay_style(colour: str | None) -> Style:
    """Another annotator's label: a double underline and italics, so it reads apart
    from your own solid labels and underlined suggestions; in the label's (legible)
    colour except on your own label (None), whose background it could equal."""
    return Style(color=colour, italic=True, underline2=True)


class TextView(ScrollView, can_focus=True):
    """Cursor, selection and spans over one article's text."""

    DEFAULT_CSS = """
    TextView { scrollbar-gutter: stable; height: 1fr; overflow-x: hidden; }
    """
    BINDINGS = [
        Binding("left", "step(-1)", "Prev morpheme", show=False, id="text.left"),
        Binding("right", "step(1)", "Next morpheme", show=False, id="text.right"),
        Binding("up", "line(-1)", "Line up", show=False, id="text.up"),
        Binding("down", "line(1)", "Line down", show=False, id="text.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="text.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="text.page-down"),
        Binding("home", "line_edge(0)", "Line start", show=False, id="text.home"),
        Binding("end", "line_edge(1)", "Line end", show=False, id="text.end"),
        Binding("ctrl+home", "text_edge(0)", "Article start", show=False, id="text.top"),
        Binding("ctrl+end", "text_edge(1)", "Article end", show=False, id="text.bottom"),
        Binding("shift+right", "extend(1)", "Select+", id="text.extend"),
        Binding("shift+left", "extend(-1)", "Select-", show=False, id="text.shrink"),
        Binding("escape", "clear_selection", "Clear selection", show=False,
                id="text.clear-selection"),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cmap = CellMap("")
        self.lines: list[tuple[int, int]] = [(0, 0)]
        self._line_starts = [0]
        self._wrapped_at = 0
        self.spans: list[Span] = []
        self._span_starts: list[int] = []
        self._longest = 0
        self.label_colours: dict[str, str] = {}
        self._background = "#000000"  # the theme's, as of the last line drawn
        self.overlay: list[Span] = []  # another annotator's labels, drawn apart
        self.analysis: Analysis | None = None
        self._tok_starts: list[int] = []
        self._word_edges: tuple[list[int], list[int]] = ([], [])  # starts, ends: no punctuation
        self._nouns: set[str] = set()
        self.cursor = 0
        self.selection: Selection | None = None

    # -- content ------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.cmap.text

    def load(self, text: str, spans: list[Span], labels: list[Label], cursor: int = 0) -> None:
        """Show a new article; the analysis comes later through ``set_analysis``."""
        self.cmap = CellMap(text)
        self.label_colours = label_colours(labels)
        self.analysis, self._tok_starts, self._nouns = None, [], set()
        self._word_edges = ([], [])
        self.selection = None
        self.overlay = []
        self.set_spans(spans)
        self._wrapped_at = 0
        self._rewrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.move_to(min(max(cursor, 0), max(len(text) - 1, 0)))

    def set_spans(self, spans: list[Span], where: tuple[int, int] | None = None) -> None:
        """New spans; redraw the lines of ``where`` (the range an edit touched) or all."""
        self.spans = spans
        self._span_starts = [s.start for s in self.spans]
        self._longest = max((s.end - s.start for s in self.spans), default=0)
        if where is None:
            self.refresh()
        else:
            first = self.line_of(where[0])
            self.refresh_lines(first, self.line_of(max(where[1] - 1, where[0])) - first + 1)

    def set_overlay(self, spans: list[Span]) -> None:
        self.overlay = spans
        self.refresh()

    def set_analysis(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._tok_starts = [t.start for t in analysis.tokens]
        self._word_edges = word_edges(analysis.tokens)
        self._nouns = noun_forms(analysis)

    def _rewrap(self) -> None:
        columns = self.scrollable_content_region.width - 1  # one cell for an end-of-line cursor
        if columns <= 1 or columns == self._wrapped_at:
            return
        self._wrapped_at = columns
        self.lines = self.cmap.wrap(columns)
        self._line_starts = [start for start, _ in self.lines]
        self.virtual_size = Size(columns, len(self.lines))
        self._scroll_to_cursor()

    def on_resize(self) -> None:
        self._rewrap()
        self.refresh()

    # -- positions ----------------------------------------------------------

    def line_of(self, offset: int) -> int:
        return max(bisect_right(self._line_starts, offset) - 1, 0)

    def token_at(self, offset: int) -> tuple[int, int] | None:
        """The morpheme containing ``offset`` (without an analysis: the character)."""
        if self.analysis is None:
            if offset < len(self.text) and not self.text[offset].isspace():
                return offset, offset + 1
            return None
        i = bisect_right(self._tok_starts, offset) - 1
        if i >= 0 and self.analysis.tokens[i].end > offset:
            token = self.analysis.tokens[i]
            return token.start, token.end
        return None

    def unit_at(self, offset: int) -> tuple[int, int] | None:
        """What a label key tags with nothing selected: the morpheme, or before the
        analysis arrives, the space-delimited word under the cursor."""
        if self.analysis is not None:
            return self.token_at(offset)
        text = self.text
        if offset >= len(text) or text[offset].isspace():
            return None
        start = offset
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = offset
        while end < len(text) and not text[end].isspace():
            end += 1
        return start, end

    def spans_between(self, start: int, end: int) -> list[Span]:
        lo = bisect_left(self._span_starts, start - self._longest)
        hi = bisect_left(self._span_starts, end)
        return [s for s in self.spans[lo:hi] if s.end > start]

    def span_at(self, offset: int) -> Span | None:
        """The span under ``offset``: accepted before suggested, then the shortest."""
        here = self.spans_between(offset, offset + 1)
        return min(here, key=lambda s: (s.state != "accepted", s.end - s.start), default=None)

    def labelled_range(self) -> tuple[int, int] | None:
        """The range a label key would tag: the selection snapped to morphemes
        (trailing particles and endings left out), else the unit at the cursor."""
        sel = self.selection
        if sel is None:
            unit = self.unit_at(self.cursor)
            if unit is None or self.analysis is None:
                return unit
            sel = Selection(*unit, by_morpheme=True)
        start, end = sel.start, sel.end
        if sel.by_morpheme and self.analysis is not None:
            tokens = self.analysis.tokens
            first = bisect_left(self._tok_starts, start)
            inside = [t for t in tokens[first:bisect_left(self._tok_starts, end)] if t.end <= end]
            if inside:  # 엔비디아와 ends before 와 when 엔비디아 is a noun elsewhere
                end = name_end(self.text, inside, self._nouns)
        start, end = trim(self.text, start, end)
        return (start, end) if start < end else None

    def nudged(self, rng: tuple[int, int], side: str, unit: str, delta: int) -> tuple[int, int]:
        """``rng`` with one boundary moved by one character or morpheme; never empty.
        A morpheme move skips punctuation (LG 트윈스, stops before the comma): only a
        character move puts it on an edge."""
        start, end = rng
        morph = unit == "morpheme" and self.analysis is not None
        starts, ends = self._word_edges
        if side == "start":
            moved = next_edge(starts, start, delta) if morph else start + delta
            start = max(0, min(start if moved is None else moved, end - 1))
        else:
            moved = next_edge(ends, end, delta) if morph else end + delta
            end = min(len(self.text), max(end if moved is None else moved, start + 1))
        return start, end

    # -- cursor and selection -------------------------------------------------

    def key_range(self) -> tuple[int, int] | None:
        """What a label key would touch with nothing selected: the span under the
        cursor, else the morpheme (before the analysis, the word) there."""
        if self.selection is not None:
            return None  # drawn as the selection
        span = self.span_at(self.cursor)
        return (span.start, span.end) if span is not None else self.labelled_range()

    def _refresh_key_range(self) -> None:
        start, end = self.key_range() or (self.cursor, self.cursor)
        for line in range(self.line_of(start), self.line_of(max(end - 1, start)) + 1):
            self.refresh_line(line)

    def move_to(self, offset: int, *, quiet: bool = False) -> None:
        """Move the cursor, redrawing only the lines it (and the key's range) left and
        entered (or scrolling)."""
        self._refresh_key_range()
        self.cursor = max(0, min(offset, len(self.text)))
        self._refresh_key_range()
        self._scroll_to_cursor()
        if not quiet:
            self.post_message(CursorMoved(self.cursor))

    def _scroll_to_cursor(self) -> None:
        line, top, rows = self.line_of(self.cursor), self.scroll_offset.y, self.size.height
        if line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif rows and line >= top + rows:
            self.scroll_to(y=line - rows + 1, animate=False, immediate=True)

    def set_selection(self, selection: Selection | None) -> None:
        self.selection = selection
        self.refresh()

    def action_step(self, delta: int) -> None:
        if self.analysis is None or not self._tok_starts:
            self.move_to(self.cursor + delta)
            return
        target = next_edge(self._tok_starts, self.cursor, delta)
        if target is not None:
            self.move_to(target)

    def _offset_in_line(self, line: int, cells: int) -> int:
        start, end = self.lines[line]
        cmap = self.cmap
        offset = bisect_right(cmap.cells, cmap.cells[start] + cells, start, end + 1) - 1
        return max(start, min(offset, end))

    def action_line(self, delta: int) -> None:
        line = self.line_of(self.cursor)
        target = max(0, min(line + delta, len(self.lines) - 1))
        if target == line:
            return
        column = self.cmap.cells[self.cursor] - self.cmap.cells[self.lines[line][0]]
        offset = self._offset_in_line(target, column)
        token = self.token_at(offset)
        self.move_to(token[0] if token and self.analysis is not None else offset)

    def action_page(self, direction: int) -> None:
        self.action_line(direction * max(self.size.height - 1, 1))

    def action_line_edge(self, which: int) -> None:
        start, end = self.lines[self.line_of(self.cursor)]
        if which == 0:
            self.move_to(start)
            return
        wrapped = end < len(self.text) and self.text[end] != "\n"
        self.move_to(end - 1 if wrapped and end > start else end)

    def action_text_edge(self, which: int) -> None:
        self.move_to(0 if which == 0 else len(self.text))

    def action_extend(self, delta: int) -> None:
        """Grow (1) or shrink (-1) the selection's end by one morpheme."""
        sel = self.selection
        if sel is None:
            if delta < 0:
                return
            unit = self.token_at(self.cursor)
            if unit is None:
                return
            sel = Selection(unit[0], unit[1], self.analysis is not None)
        else:
            start, end = self.nudged((sel.start, sel.end), "end", "morpheme", delta)
            if delta < 0 and end == sel.end:
                sel = None
            else:
                sel = Selection(start, end, sel.by_morpheme)
        self.set_selection(sel)
        if sel is not None:
            last = self.token_at(sel.end - 1)
            self.move_to(last[0] if last else sel.end - 1)

    def action_clear_selection(self) -> None:
        self.set_selection(None)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ------------------------------------------------------------

    def _style_at(self, offset: int, spans: list[Span], base: Style,
                  key: tuple[int, int] | None = None) -> Style:
        style = base
        covering = [s for s in spans if s.start <= offset < s.end]
        span = min(covering, key=lambda s: (s.state != "accepted", s.end - s.start),
                   default=None)
        if span is not None:
            colour = self.label_colours.get(span.label, "#888888")
            if span.state == "accepted":
                style += label_style(colour)
            else:
                style += suggested_style(colour, self._background)
                if (span.confidence or 1) < LOW_CONFIDENCE:
                    style += UNSURE
        theirs = next((s for s in self.overlay if s.start <= offset < s.end), None)
        if theirs is not None:  # on your own label, its colour would be its background's
            mine_solid = span is not None and span.state == "accepted"
            colour = legible(self.label_colours.get(theirs.label, "#888888"), self._background)
            style += overlay_style(None if mine_solid else colour)
        if key is not None and key[0] <= offset < key[1]:
            style += key_range_style(style.bgcolor)
        sel = self.selection
        if sel is not None and sel.start <= offset < sel.end:
            style += SELECTION
        if offset == self.cursor:
            style += CURSOR if self.has_focus else CURSOR_UNFOCUSED
        return style

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        self._background = background_of(base, self.app.current_theme.dark)
        width = self.size.width
        index = self.scroll_offset.y + y
        if index >= len(self.lines):
            return Strip.blank(width, base)
        start, end = self.lines[index]
        spans = self.spans_between(start, end)
        cuts = {start, end}
        for span in spans:
            cuts.update((max(span.start, start), min(span.end, end)))
        sel = self.selection
        if sel is not None and sel.start < end and sel.end > start:
            cuts.update((max(sel.start, start), min(sel.end, end)))
        if start <= self.cursor < end:
            cuts.update((self.cursor, self.cursor + 1))
        key = self.key_range() if self.has_focus else None
        if key is not None and key[0] < end and key[1] > start:
            cuts.update((max(key[0], start), min(key[1], end)))
        points = sorted(cuts)
        shown = self.cmap.display
        segments = [Segment(shown[a:b], self._style_at(a, spans, base, key))
                    for a, b in zip(points, points[1:], strict=False)]
        at_break = end == len(self.text) or self.text[end] == "\n"
        if self.cursor == end and at_break:
            segments.append(Segment(" ", self._style_at(end, [], base)))
        return Strip(segments).adjust_cell_length(width, base)
