"""One rule for label and annotator names, wherever they come from.

Names are shown in tables, charts, the legend and the status line, and
written into files whose syntax they are part of (a CoNLL tag is
``B-NAME``, a brat line ``T1\\tNAME 0 4``, ``--annotators A,B`` and
``--label-map OLD=NEW`` split on punctuation). So a name is one word of
visible characters: letters and digits of any script and a few joiners,
nothing that a terminal, a markup parser or a file format would act on.
"""

from __future__ import annotations

from .errors import HanmarkError
from .textclean import lone_surrogate

NAME_MAX = 64
JOINERS = "-_.:/+@#&"
RULE = f"one word of letters, digits and {' '.join(JOINERS)}, at most {NAME_MAX} characters"


def _allowed(char: str) -> bool:
    return char.isalnum() or char in JOINERS


def check_name(name: object, what: str = "label", where: str = "") -> str:
    """``name`` if it is a valid ``what`` (label, annotator) name; else one
    sentence showing it escaped (``repr``), so the refusal itself is safe to
    print. ``where`` says where it came from: `` (from $HANMARK_ANNOTATOR)``."""
    bad = f"{name!r}{where} is not {_article(what)} {what} name"
    if not isinstance(name, str) or not name:
        raise HanmarkError(f"{bad}; use {RULE}.")
    if lone_surrogate(name):
        raise HanmarkError(f"{bad}: it holds a character that is not valid Unicode.")
    if len(name) > NAME_MAX or not all(map(_allowed, name)):
        raise HanmarkError(f"{bad}; use {RULE}.")
    return name


def check_annotator(name: object, where: str = "") -> str:
    return check_name(name, "annotator", where)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
