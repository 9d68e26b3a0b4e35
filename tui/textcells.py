"""Characters to terminal cells: what each character shows as, how wide it is,
and where lines wrap.

Article text is data. Every character is drawn as exactly one shown
character, so offsets and cells stay in step; characters that would be
invisible or would act on the terminal (controls, escapes, bidi and
zero-width marks, line separators) are drawn as a visible stand-in instead.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from rich.cells import cell_len, get_character_cell_size, set_cell_size

STAND_IN = "\ufffd"
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


@lru_cache(maxsize=16384)
def shown(char: str) -> str:
    """The character drawn for ``char``: itself, or a visible one-cell stand-in."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ␛ for ESC, ␉ for tab
    if code == 0x7F:
        return "\u2421"
    if unicodedata.category(char) in UNSAFE_CATEGORIES or get_character_cell_size(char) == 0:
        return STAND_IN
    return char


@lru_cache(maxsize=16384)
def width(char: str) -> int:
    """Cells taken by the character as drawn (Hangul and other wide characters: 2)."""
    return get_character_cell_size(shown(char))


def safe(text: str) -> str:
    """``text`` with every character replaced by what is drawn for it."""
    if all(shown(c) == c for c in set(text)):
        return text
    return "".join(map(shown, text))


class CellMap:
    """A text's shown form and cell offsets: ``cells[i]`` is where character ``i`` starts."""

    def __init__(self, text: str):
        self.text = text
        self.display = safe(text)
        self.cells = list(accumulate(map(width, text), initial=0))

    def wrap(self, columns: int) -> list[tuple[int, int]]:
        """Lines as ``(start, end)`` character offsets, at most ``columns`` cells each.

        Paragraphs break at newlines (the newline belongs to no line); long
        paragraphs break after the last space that fits, else mid-word.
        """
        text, cells, columns = self.text, self.cells, max(columns, 2)
        lines: list[tuple[int, int]] = []
        pos, size = 0, len(text)
        while True:
            newline = text.find("\n", pos)
            para_end = size if newline < 0 else newline
            start = pos
            while cells[para_end] - cells[start] > columns:
                end = max(bisect_right(cells, cells[start] + columns, start, para_end) - 1,
                          start + 1)
                space = text.rfind(" ", start + 1, end)
                if space >= 0:
                    end = space + 1
                lines.append((start, end))
                start = end
            lines.append((start, para_end))
            if newline < 0:
                return lines
            pos = newline + 1


def fit(text: str, cells: int, elide: str = "end") -> str:
    """``text`` (already ``safe``) in exactly ``cells`` cells: padded, or cut with an
    ellipsis at the end or, for names that differ at their ends
    (``LCP_CAPITALCITY``), in the middle."""
    if cell_len(text) <= cells or cells < 2:
        return set_cell_size(text, cells)
    room = cells - 1  # the ellipsis takes one
    tail = _cells_from(reversed(text), room // 2)[::-1] if elide == "middle" else ""
    head = _cells_from(iter(text), room - cell_len(tail))
    return set_cell_size(head + "…" + tail, cells)


def _cells_from(chars, room: int) -> str:
    """The leading characters of ``chars`` that fit in ``room`` cells."""
    taken, used = [], 0
    for char in chars:
        used += cell_len(char)
        if used > room:
            break
        taken.append(char)
    return "".join(taken)
