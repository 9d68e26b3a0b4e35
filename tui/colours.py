"""Label colours drawn so that their text stays readable on any theme.

A label is drawn as a coloured background with black or white text, chosen
by WCAG contrast against that background, never left to the theme's
foreground (light text on a yellow label under a dark theme is unreadable).
"""

from __future__ import annotations

from rich.style import Style

from hanmark.store.colour import text_colour_for, usable_colour

__all__ = ["label_style", "text_colour_for"]


def label_style(colour: str, **extra: bool) -> Style:
    """Background ``colour`` with contrasting text (``extra``: bold, underline...);
    grey when a stored colour is not one."""
    colour = usable_colour(colour)
    return Style(bgcolor=colour, color=text_colour_for(colour), **extra)
