"""CRF features for each character: characters around it, the Kiwi morpheme
and eojeol it sits in, the neighbouring words, and gazetteer matches.

Feature extraction in Python is what limits CRF throughput, so everything
per text is computed once into flat lists and each character's features are
built from them with plain string concatenation.
"""

from __future__ import annotations

from collections.abc import Sequence

from .analyzer import Analysis
from .clusters import NAMES as CLUSTER_NAMES
from .clusters import Clusters, unpack
from .korean import TRAILING_TAGS
from .rules import Candidate

_PAD = "\x02"


def char_type(char: str) -> str:
    """H Hangul, J jamo, D digit, U/L Latin upper/lower, C Hanja, S space, P other."""
    code = ord(char)
    if 0xAC00 <= code <= 0xD7A3:
        return "H"
    if 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "J"
    if char.isdigit():
        return "D"
    if char.isascii() and char.isalpha():
        return "U" if char.isupper() else "L"
    if 0x4E00 <= code <= 0x9FFF:
        return "C"
    return "S" if char.isspace() else "P"


class _Types(dict):
    """``str.translate`` table from code point to character type, filled on demand."""

    def __missing__(self, code: int) -> str:
        kind = self[code] = char_type(chr(code))
        return kind


_TYPES = _Types()


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


def _words(analysis: Analysis) -> list[tuple[int, int, int, bool, str]]:
    """Eojeol as ``(start, end, stem_end, ends_in_particle, shape)``; the shape
    is the stem's morpheme tags, e.g. ``NNP+NNG|J`` (proper noun, noun, particle)."""
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
            if not tok.tag.startswith(TRAILING_TAGS) or tok.start <= start:
                break
            particle = particle or tok.tag.startswith("J")
            stem_end = tok.start
        tags: list[str] = []
        for tok in inside:
            if tok.start >= stem_end:
                break
            if not tags or tags[-1] != tok.tag:
                tags.append(tok.tag)
        shape = "+".join(tags[:4]) + ("|J" if particle else "")
        out.append((start, end, stem_end, particle, shape))
    return out


def _morpheme_features(text: str, analysis: Analysis, lexicon: dict[str, str],
                       clusters: Clusters) -> tuple[list[list[str]], list[str]]:
    """Features shared by every character of a morpheme, and each one's class."""
    tokens = analysis.tokens
    last = len(tokens) - 1
    keys = [t.form + "/" + t.tag for t in tokens]
    surf = [text[t.start:t.end] + "/" + t.tag for t in tokens]
    classes = [lexicon.get(k, "") for k in keys]
    # cluster ids per morpheme; None where Kiwi does not embed it
    groups = [None if (g := clusters.get(k)) is None else unpack(g) for k in keys]
    shared = []
    for k, tok in enumerate(tokens):
        f = ["m=" + tok.tag, "mf=" + surf[k],
             "pm=" + (tokens[k - 1].tag if k else "^"),
             "nm=" + (tokens[k + 1].tag if k < last else "$"),
             "pmf=" + (surf[k - 1] if k else "^"),
             "nmf=" + (surf[k + 1] if k < last else "$")]
        if clusters:
            own = groups[k]
            before = groups[k - 1] if k else None
            after = groups[k + 1] if k < last else None
            if own:
                f += [names[i] for names, i in zip(CLUSTER_NAMES, own, strict=True)]
            f.append("p" + CLUSTER_NAMES[1][before[1]] if before else "pk2=-")
            f.append("n" + CLUSTER_NAMES[1][after[1]] if after else "nk2=-")
        if classes[k]:
            f.append("x=" + classes[k])
        if k < last and classes[k + 1]:
            f.append("nx=" + classes[k + 1][:2])
        if k and classes[k - 1]:
            f.append("px=" + classes[k - 1][:2])
        shared.append(f)
    return shared, classes


def _word_features(text: str, words: list[tuple[int, int, int, bool, str]]
                   ) -> list[list[str]]:
    """Features shared by every character of an eojeol: its stem, its neighbours."""
    stems = [text[s:e] for s, _, e, _, _ in words]
    shapes = [shape for *_, shape in words]
    last = len(words) - 1
    shared = []
    for w, (s, e, _, _, _) in enumerate(words):
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


def _positions(length: int) -> str:
    """B/I/E/S for each character of a span: ``BIIE``, or ``S`` for one character."""
    return "S" if length == 1 else "B" + "I" * (length - 2) + "E"


# Character n-gram columns: (prefix, offset of the n-gram's first character).
# No trigrams: on KLUE-NER they cost held-out F1 (0.810 -> 0.814 without them).
_CHARS = (("c=", 0), ("c-1=", -1), ("c+1=", 1), ("c-2=", -2), ("c+2=", 2),
          ("c-3=", -3), ("c+3=", 3))
_BIGRAMS = (("b-1=", -1), ("b+1=", 0), ("b-2=", -2), ("b+2=", 1))


def _char_columns(text: str) -> list[list[str]]:
    """Each character-window feature as one column over the whole text: a
    handful of list comprehensions instead of string building per character."""
    n = len(text)
    pad = _PAD * 3 + text + _PAD * 3
    bigrams = [pad[j:j + 2] for j in range(n + 5)]
    types = _PAD * 2 + text.translate(_TYPES) + _PAD * 2
    cols = [[name + c for c in pad[3 + off:3 + off + n]] for name, off in _CHARS]
    cols += [[name + b for b in bigrams[3 + off:3 + off + n]] for name, off in _BIGRAMS]
    cols.append(["y=" + types[i + 1:i + 4] for i in range(n)])
    cols.append(["y2=" + types[i:i + 5] for i in range(n)])
    return cols


def rich_features(analysis: Analysis, gazetteer: Sequence[Candidate] = (),
                  lexicon: dict[str, str] | None = None,
                  clusters: Clusters | None = None,
                  mined: Sequence[Candidate] = ()) -> list[list[str]]:
    """Features for every character of the analysed text; ``lexicon`` gives
    morphemes' classes from Kiwi's embeddings (nlp/lexicon.py), ``clusters``
    their word clusters (nlp/clusters.py), ``mined`` matches of a gazetteer
    mined from unlabeled text (nlp/mined.py)."""
    text = analysis.text
    out = [list(row) for row in zip(*_char_columns(text), strict=True)]
    tokens = analysis.tokens
    morph, classes = _morpheme_features(text, analysis, lexicon or {}, clusters or {})
    seen = [False] * len(text)
    for k, tok in enumerate(tokens):  # each character gets its first morpheme's features
        start, end = tok.start, min(tok.end, len(text))
        shared = morph[k]
        cls = classes[k][:2]
        for i, pos in zip(range(start, end), _positions(tok.end - start), strict=False):
            row = out[i]
            if seen[i]:  # several morphemes in one character (했 = 하 + 었): all their tags
                if tok.tag not in row[-1][3:]:
                    row[-1] += "+" + tok.tag
                continue
            seen[i] = True
            row += shared
            row += ("mp=" + pos + tok.tag, "mc=" + pos + text[i] + tok.tag)
            if cls:
                row.append("xp=" + pos + cls)
            row.append("ma=" + tok.tag)
    words = _words(analysis)
    word = _word_features(text, words)
    for w, (s, e, stem_end, particle, _) in enumerate(words):
        shared = word[w]
        tail = "J" if particle else ""
        for i, pos in zip(range(s, e), _positions(e - s), strict=True):
            row = out[i]
            row += shared
            row += ("wp=" + pos, ("in=1" if i < stem_end else "in=0") + tail)
    in_word = [False] * len(text)
    for s, e, *_ in words:
        in_word[s:e] = [True] * (e - s)
    for i, inside in enumerate(in_word):
        if not inside:
            out[i].append("space")
    for prefix, found in (("g=", gazetteer), ("r=", mined)):
        for cand in found:
            out[cand.start].append(prefix + "B" + cand.label)
            for i in range(cand.start + 1, cand.end):
                out[i].append(prefix + "I" + cand.label)
    return out
