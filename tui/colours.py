"""Colours drawn so that text stays readable on any theme.

A label is drawn as a coloured background with black or white text, chosen
by WCAG contrast against that background, never left to the theme's
foreground (light text on a yellow label under a dark theme is unreadable).
Text drawn in a label's colour (suggestions, overlays, the spans pane) is
darkened or lightened until it reaches 4.5:1 on the theme's background.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color, blend_rgb
from rich.style import Style

from hanmark.store.colour import BLACK, WHITE, contrast, text_colour_for, usable_colour

__all__ = ["background_of", "label_style", "legible", "text_colour_for"]
READABLE = 4.5  # WCAG 2 AA for normal text


def label_style(colour: str, **extra: bool) -> Style:
    """Background ``colour`` with contrasting text (``extra``: bold, underline...);
    grey when a stored colour is not one."""
    colour = usable_colour(colour)
    return Style(bgcolor=colour, color=text_colour_for(colour), **extra)


def hex_of(colour: Color) -> str:
    triplet = colour.get_truecolor()
    return f"#{triplet.red:02x}{triplet.green:02x}{triplet.blue:02x}"


def background_of(style: Style, dark: bool) -> str:
    """A widget's background as a hex colour (the terminal's own, in the ANSI
    themes, taken as black or white by the theme's darkness)."""
    if style.bgcolor is None or style.bgcolor.is_default:
        return BLACK if dark else WHITE
    return hex_of(style.bgcolor)


@lru_cache(maxsize=256)
def legible(colour: str, background: str) -> str:
    """``colour``, moved towards black or white (whichever ``background`` is not)
    just far enough to read at 4.5:1 on ``background``."""
    colour = usable_colour(colour)
    if contrast(colour, background) >= READABLE:
        return colour
    towards = Color.parse(text_colour_for(background)).get_truecolor()
    start = Color.parse(colour).get_truecolor()
    for step in range(1, 21):
        moved = hex_of(Color.from_triplet(blend_rgb(start, towards, step / 20)))
        if contrast(moved, background) >= READABLE:
            return moved
    return text_colour_for(background)
