"""Label colours: parsing what people type, and text that stays readable on them.

Lives in ``store`` (not ``tui``) because label exports also need a text
colour (doccano's ``textColor``); the app draws with the same function.
"""

from __future__ import annotations

import re

from rich.color import Color, ColorParseError

from .errors import HanmarkError

_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
BLACK, WHITE = "#000000", "#ffffff"
GREY = "#888888"  # a label's colour when it has none (or a stored one is not a colour)


def parse_colour(value: str) -> str:
    """``#rgb``, ``#rrggbb``, ``rgb(r,g,b)`` or a colour name, as ``#rrggbb``."""
    text = value.strip() if isinstance(value, str) else ""
    match = _HEX.fullmatch(text)
    if match:
        digits = match.group(1).lower()
        return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits))
    try:
        colour = Color.parse(text.lower())
    except ColorParseError:
        colour = None
    if colour is None or colour.is_default:
        raise HanmarkError(f"{value!r} is not a colour; use #rrggbb or a colour name.")
    return colour.get_truecolor().hex


def usable_colour(value: object) -> str:
    """A stored colour as ``#rrggbb`` for drawing, grey if it is not a colour.

    Stored values are not trusted: a database written by an older or hostile
    hanmark may hold ``not-a-colour``, or a Rich style such as ``red link URL``
    that would become a hyperlink if it reached a style string.
    """
    try:
        return parse_colour(value)
    except HanmarkError:
        return GREY


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    hex_colour = parse_colour(colour)
    channels = []
    for i in (1, 3, 5):
        c = int(hex_colour[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_for(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``.

    The better of the two always reaches at least 4.58:1, above WCAG's
    4.5:1 for normal text, whatever the background and the theme.
    """
    return BLACK if contrast(background, BLACK) >= contrast(background, WHITE) else WHITE
