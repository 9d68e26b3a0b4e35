"""CRF features for each character: characters around it, the Kiwi morpheme
and eojeol it sits in, the neighbouring words, and gazetteer matches.

Feature extraction in Python is what limits CRF throughput, so everything
per text is computed once into flat lists and each character's features are
built from them with plain string concatenation.
"""

from __future__ import annotations

from collections.abc import Sequence

from .analyzer import Analysis
from .rules import Candidate

_PAD = "\x02"
_TYPE_CACHE: dict[str, str] = {}
# Tags stripped from the end of an eojeol to find its stem (particles, endings, punctuation).
_TRAILING = ("J", "E", "SF", "SP", "SS", "SE", "SO", "SW", "VCP", "XS")


def char_type(char: str) -> str:
    kind = _TYPE_CACHE.get(char)
    if kind is None:
        code = ord(char)
        if 0xAC00 <= code <= 0xD7A3:
            kind = "H"
        elif 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            kind = "J"
        elif char.isdigit():
            kind = "D"
        elif char.isascii() and char.isalpha():
            kind = "U" if char.isupper() else "L"
        elif 0x4E00 <= code <= 0x9FFF:
            kind = "C"
        elif char.isspace():
            kind = "S"
        else:
            kind = "P"
        _TYPE_CACHE[char] = kind
    return kind


def char_features(text: str) -> list[list[str]]:
    """The plain character n-gram features (the benchmark's baseline)."""
    pad = _PAD * 2 + text + _PAD * 2
    out = []
    for i in range(len(text)):
        p = i + 2
        w = pad[p - 2:p + 3]
        out.append([
            "c=" + w[2], "c-1=" + w[1], "c+1=" + w[3], "c-2=" + w[0], "c+2=" + w[4],
            "b-1=" + w[1:3], "b+1=" + w[2:4], "b-2=" + w[0:2], "b+2=" + w[3:5],
            "t=" + w[1:4],
        ])
    return out


def _morpheme_layers(analysis: Analysis) -> tuple[list[int], list[str]]:
    """For each character: the index of the first morpheme covering it, and all tags there."""
    n = len(analysis.text)
    first = [-1] * n
    tags = [""] * n
    for k, tok in enumerate(analysis.tokens):
        for i in range(tok.start, min(tok.end, n)):
            if first[i] < 0:
                first[i] = k
                tags[i] = tok.tag
            elif tok.tag not in tags[i]:
                tags[i] += "+" + tok.tag
    return first, tags


def _words(analysis: Analysis) -> list[tuple[int, int, int, bool]]:
    """Eojeol as ``(start, end, stem_end, ends_in_particle)``."""
    tokens = analysis.tokens
    out = []
    k = 0
    for start, end in analysis.words:
        while k < len(tokens) and tokens[k].end <= start:
            k += 1
        inside = []
        m = k
        while m < len(tokens) and tokens[m].start < end:
            inside.append(tokens[m])
            m += 1
        stem_end = end
        particle = False
        for tok in reversed(inside):
            if not tok.tag.startswith(_TRAILING) or tok.start <= start:
                break
            particle = particle or tok.tag.startswith("J")
            stem_end = tok.start
        out.append((start, end, stem_end, particle))
    return out


def _stem_shapes(analysis: Analysis, words: list[tuple[int, int, int, bool]]) -> list[str]:
    """Each eojeol's morpheme tags, e.g. ``NNP+NNG|J`` (proper noun, noun, particle)."""
    tokens = analysis.tokens
    shapes = []
    k = 0
    for start, _end, stem_end, particle in words:
        while k < len(tokens) and tokens[k].end <= start:
            k += 1
        tags = []
        m = k
        while m < len(tokens) and tokens[m].start < stem_end:
            if not tags or tags[-1] != tokens[m].tag:
                tags.append(tokens[m].tag)
            m += 1
        shapes.append("+".join(tags[:4]) + ("|J" if particle else ""))
    return shapes


def _morpheme_features(text: str, analysis: Analysis, lexicon: dict[str, str]
                       ) -> tuple[list[list[str]], list[str]]:
    """Features shared by every character of a morpheme, and each one's class."""
    tokens = analysis.tokens
    last = len(tokens) - 1
    surf = [text[t.start:t.end] + "/" + t.tag for t in tokens]
    classes = [lexicon.get(t.form + "/" + t.tag, "") for t in tokens]
    shared = []
    for k, tok in enumerate(tokens):
        f = ["m=" + tok.tag, "mf=" + surf[k],
             "pm=" + (tokens[k - 1].tag if k else "^"),
             "nm=" + (tokens[k + 1].tag if k < last else "$"),
             "pmf=" + (surf[k - 1] if k else "^"),
             "nmf=" + (surf[k + 1] if k < last else "$")]
        if classes[k]:
            f.append("x=" + classes[k])
        if k < last and classes[k + 1]:
            f.append("nx=" + classes[k + 1][:2])
        if k and classes[k - 1]:
            f.append("px=" + classes[k - 1][:2])
        shared.append(f)
    return shared, classes


def _word_features(text: str, analysis: Analysis, words: list[tuple[int, int, int, bool]]
                   ) -> list[list[str]]:
    """Features shared by every character of an eojeol: its stem, its neighbours."""
    stems = [text[s:e] for s, _, e, _ in words]
    shapes = _stem_shapes(analysis, words)
    last = len(words) - 1
    shared = []
    for w, (s, e, _, _) in enumerate(words):
        stem = stems[w]
        shared.append([
            "w2=" + text[s:s + 2], "wl=" + text[e - 1],
            "st=" + stem, "sl=" + stem[-1:], "sl2=" + stem[-2:], "sh=" + shapes[w],
            "pw=" + (stems[w - 1] if w else "^"),
            "pw2=" + (stems[w - 2] if w > 1 else "^"),
            "nw=" + (stems[w + 1] if w < last else "$"),
            "nw2=" + (stems[w + 2] if w + 1 < last else "$"),
            "psh=" + (shapes[w - 1] if w else "^"),
            "nsh=" + (shapes[w + 1] if w < last else "$")])
    return shared


def _position(i: int, start: int, end: int) -> str:
    """B/I/E/S: where character ``i`` sits in ``start:end``."""
    if i == start:
        return "S" if end - start == 1 else "B"
    return "E" if i == end - 1 else "I"


def rich_features(analysis: Analysis, gazetteer: Sequence[Candidate] = (),
                  lexicon: dict[str, str] | None = None) -> list[list[str]]:
    """Features for every character of the analysed text; ``lexicon`` gives
    morphemes' classes from Kiwi's embeddings (nlp/lexicon.py)."""
    text = analysis.text
    n = len(text)
    pad = _PAD * 3 + text + _PAD * 3
    types = _PAD * 2 + "".join(char_type(c) for c in text) + _PAD * 2
    first, all_tags = _morpheme_layers(analysis)
    tokens = analysis.tokens
    morph, classes = _morpheme_features(text, analysis, lexicon or {})
    words = _words(analysis)
    word = _word_features(text, analysis, words)
    gaz = [""] * n
    for cand in gazetteer:
        gaz[cand.start] = "B" + cand.label
        for i in range(cand.start + 1, cand.end):
            gaz[i] = "I" + cand.label
    word_of = [-1] * n
    for w, (s, e, _, _) in enumerate(words):
        for i in range(s, e):
            word_of[i] = w
    out = []
    for i in range(n):
        p = i + 3
        c = pad[p - 3:p + 4]
        ty = types[i:i + 5]
        f = [
            "c=" + c[3], "c-1=" + c[2], "c+1=" + c[4], "c-2=" + c[1], "c+2=" + c[5],
            "c-3=" + c[0], "c+3=" + c[6],
            "b-1=" + c[2:4], "b+1=" + c[3:5], "b-2=" + c[1:3], "b+2=" + c[4:6],
            "t0=" + c[2:5], "t-=" + c[1:4], "t+=" + c[3:6],
            "y=" + ty[1:4], "y2=" + ty,
        ]
        k = first[i]
        if k >= 0:
            tok = tokens[k]
            pos = _position(i, tok.start, tok.end)
            f += morph[k]
            f += ["mp=" + pos + tok.tag, "ma=" + all_tags[i], "mc=" + pos + c[3] + tok.tag]
            if classes[k]:
                f.append("xp=" + pos + classes[k][:2])
        w = word_of[i]
        if w >= 0:
            s, e, stem_end, particle = words[w]
            f += word[w]
            f += ["wp=" + _position(i, s, e),
                  "in=" + ("1" if i < stem_end else "0") + ("J" if particle else "")]
        else:
            f.append("space")
        if gaz[i]:
            f.append("g=" + gaz[i])
        out.append(f)
    return out
