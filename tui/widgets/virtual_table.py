"""A table that draws only its visible rows (Line API), for lists of any length.

Textual's DataTable measures every cell of every row, which takes a quarter
of a second at 3,000 rows; this one asks its subclass for the cells of the
rows on screen and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color, blend_rgb
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..colours import background_of, hex_of, text_colour_for
from ..textcells import fit, safe

Cell = tuple[str, Style | None]


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # cells; 0 means "share what is left"
    drop: int = 0  # in a narrow pane, columns with the highest ``drop`` go first; 0: never
    elide: str = "end"  # where a cut cell loses characters: "end" or "middle"


class VirtualTable(ScrollView, can_focus=True):
    """Rows come from ``row_count`` and ``cells(index)``; the cursor is a row index."""

    DEFAULT_CSS = """
    VirtualTable { height: 1fr; overflow-x: hidden; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False, id="table.up"),
        Binding("down", "move(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page-down"),
        Binding("home", "jump(0)", "First", show=False, id="table.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="table.last"),
    ]
    COLUMNS: tuple[Column, ...] = ()
    MIN_FLEX = 8  # cells a flexible column keeps even when the pane is narrow
    _widths_for: tuple[int, list[int]] | None = None  # (pane width, column widths)
    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class RowHighlighted(Message):
        """The cursor moved to row ``index`` of ``table``."""

        def __init__(self, table: VirtualTable, index: int):
            super().__init__()
            self.table, self.index = table, index

        @property
        def control(self) -> VirtualTable:
            return self.table

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def cells(self, index: int) -> list[Cell]:
        """The row's cells as ``(text, style)``; text is shown literally."""
        raise NotImplementedError

    def row_style(self, index: int) -> Style:
        return Style()

    # -- data changes -------------------------------------------------------

    def reset(self) -> None:
        """The rows changed: resize the scroll area and redraw."""
        self._widths_for = None  # content-sized columns may have changed
        self.virtual_size = Size(self.size.width, self.row_count + 1)
        if self.cursor_row >= self.row_count:
            self.set_cursor(max(self.row_count - 1, 0), quiet=True)
        self.refresh()

    def set_cursor(self, index: int, *, quiet: bool = False) -> None:
        """Move the cursor; ``quiet`` skips the RowHighlighted message (for syncing)."""
        self._move_cursor_row(max(0, min(index, self.row_count - 1)))
        self._scroll_to_cursor()
        if not quiet and self.row_count:
            self.post_message(self.RowHighlighted(self, self.cursor_row))

    def clear_cursor(self) -> None:
        """No row is current (row -1): the text cursor is on no span."""
        self._move_cursor_row(-1)

    def _move_cursor_row(self, index: int) -> None:
        """Redraw only the rows the cursor left and entered: the text cursor moves
        the spans pane's on every key, and a whole pane each time was most of a
        key press's drawing."""
        left = self.cursor_row
        self.set_reactive(VirtualTable.cursor_row, index)
        for row in {left, index}:
            if 0 <= row < self.row_count:
                self.refresh_row(row)

    def _scroll_to_cursor(self) -> None:
        rows = max(self.size.height - 1, 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + rows:
            self.scroll_to(y=self.cursor_row - rows + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.row_count + 1)

    # -- keys ---------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.set_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.set_cursor(self.cursor_row + direction * max(self.size.height - 2, 1))

    def action_jump(self, index: int) -> None:
        self.set_cursor(index if index >= 0 else self.row_count - 1)

    # -- drawing ------------------------------------------------------------

    def natural_width(self, column: Column) -> int:
        """A column's width: its own, unless a subclass sizes it to its content."""
        return column.width

    def _widths(self, width: int) -> list[int]:
        """Each column's cells (0: not shown). Columns keep their natural width;
        when the pane is too narrow for them and ``MIN_FLEX`` cells of each
        flexible one, whole columns go (highest ``drop`` first) rather than any
        being cut to nothing; what is left goes to the flexible columns."""
        if self._widths_for and self._widths_for[0] == width:
            return self._widths_for[1]
        natural = [self.natural_width(c) for c in self.COLUMNS]
        shown = [True] * len(self.COLUMNS)

        def needed() -> int:
            kept = [(c, w) for c, w, s in zip(self.COLUMNS, natural, shown, strict=True) if s]
            return sum(w or self.MIN_FLEX for _, w in kept) + len(kept) - 1

        while needed() > width and any(s and c.drop for c, s in zip(self.COLUMNS, shown,
                                                                       strict=True)):
            worst = max((i for i, c in enumerate(self.COLUMNS) if shown[i] and c.drop),
                        key=lambda i: self.COLUMNS[i].drop)
            shown[worst] = False
        flexible = sum(1 for c, s in zip(self.COLUMNS, shown, strict=True) if s and not c.width)
        room = width - needed() + flexible * self.MIN_FLEX
        share = max(room // max(flexible, 1), self.MIN_FLEX)
        widths = [0 if not s else w or share for w, s in zip(natural, shown, strict=True)]
        self._widths_for = (width, widths)
        return widths

    def _strip(self, cells: list[Cell], style: Style, *, row_colours: bool = False) -> Strip:
        """One row; ``row_colours``: the row's colours win over the cells' (a label's
        colour on the current row's tint could not be read)."""
        segments = []
        width = self.scrollable_content_region.width
        for column, (text, cell_style), cells_wide in zip(self.COLUMNS, cells,
                                                          self._widths(width), strict=True):
            if cells_wide:
                shown = fit(safe(text), cells_wide, column.elide) + " "
                if cell_style and row_colours:
                    cell_style = Style(bold=cell_style.bold)
                segments.append(Segment(shown, style + cell_style if cell_style else style))
        return Strip(segments).adjust_cell_length(width, style)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        if y == 0:
            header = [(c.title, Style(bold=True)) for c in self.COLUMNS]
            return self._strip(header, base + Style(underline=True))
        index = round(self.scroll_y) + y - 1
        if index >= self.row_count:
            return Strip.blank(self.size.width, base)
        style = base + self.row_style(index)
        tinted = index == self.cursor_row and not self.has_focus
        if index == self.cursor_row:
            style += Style(reverse=True) if self.has_focus else self._unfocused_row(base)
        return self._strip(self.cells(index), style, row_colours=tinted)

    def _unfocused_row(self, base: Style) -> Style:
        """The current row of a pane without the focus: a fifth of the way from the
        theme's background to black or white, with black or white text (grey30
        was near-black text on dark grey in light themes)."""
        background = background_of(base, self.app.current_theme.dark)
        tint = hex_of(Color.from_triplet(blend_rgb(
            Color.parse(background).get_truecolor(),
            Color.parse(text_colour_for(background)).get_truecolor(), 0.2)))
        return Style(bgcolor=tint, color=text_colour_for(tint))

    def refresh_row(self, index: int) -> None:
        self.refresh_line(index + 1)  # line 0 is the header

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
