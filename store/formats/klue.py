"""KLUE-NER TSV: character-level IOB2 exactly as the KLUE benchmark ships it.

A five-line comment header; per sentence a ``## ID\tMARKUP`` line, then one
``CHAR\tTAG`` line per character (a space is its own line), then a blank
line. Reading trusts only the character lines: the markup is derived (the
real data has ``<``/``>`` in plain text and a malformed tag in it).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..span_utils import TAG_RE, spans_to_tags, tags_to_spans
from .common import ExportDoc, Writer
from .plain import stream_lines
from .records import ArticleRecord, RecordError, Source
from .tokens import sentence_units

WHAT = "KLUE-NER TSV"
HEADER = ("## 토큰, 레이블 구분자 : \\t\n## 토큰 구분자 : \\n\n## 문장 구분자 : \\n\\n\n"
          "## 주석 : ##\n## 컬럼명 : CHAR\tNE_TAG\n")


def markup(chars: str, spans: list[tuple[int, int, str]]) -> str:
    """The header form of a sentence: entities as ``<surface:LABEL>``."""
    out, cursor = [], 0
    for start, end, label in spans:
        out.append(f"{chars[cursor:start]}<{chars[start:end]}:{label}>")
        cursor = end
    return "".join(out) + chars[cursor:]


class KlueWriter(Writer):
    flat = True
    sentences = True

    def start(self) -> None:
        self.out.write(HEADER)

    def write(self, doc: ExportDoc) -> None:
        text = doc.article.text
        whole = doc.article.meta.get("unit") == "sentence"  # as given, end spaces too
        units = [((0, len(text)), [], doc.triples)] if whole else list(sentence_units(doc))
        for n, ((start, end), _, spans) in enumerate(units, start=1):
            chars = "".join(" " if c.isspace() else c for c in text[start:end])
            local = [(s - start, e - start, label) for s, e, label in spans]
            ident = doc.ident if len(units) == 1 else f"{doc.ident}-{n}"
            tags = spans_to_tags(len(chars), local)
            self.out.write(f"## {ident}\t{markup(chars, local)}\n"
                           + "".join(f"{c}\t{t}\n" for c, t in zip(chars, tags, strict=True))
                           + "\n")


def read(source: Source):
    numbered, encoding = stream_lines(source)
    return _records(numbered), encoding


def _records(numbered) -> Iterator[ArticleRecord | RecordError]:
    header: tuple[int, str] | None = None  # (line, id) of the sentence being read
    chars: list[str] = []
    tags: list[str] = []
    last_blank = True
    for number, raw in numbered:
        if isinstance(raw, RecordError):
            yield raw
            return
        line = raw.rstrip("\r\n")
        last_blank = not line
        if not line:
            if chars:
                yield _sentence(header, chars, tags)
            header, chars, tags = None, [], []
        elif line.startswith("## ") and not chars:
            # a header; one followed by another "## " line was a comment
            header = (number, line[3:].split("\t", 1)[0])
        else:
            char, tab, tag = line.rpartition("\t")
            if not tab or not char or not TAG_RE.fullmatch(tag):
                yield RecordError(number, f"expected 'CHAR<TAB>TAG'; is this {WHAT}?")
                return
            if header is None:
                yield RecordError(number, "character line before any '## ID' line")
                return
            chars.append(char)
            tags.append(tag)
    if chars:
        if not last_blank:
            yield RecordError(header[0], "the file ends inside this sentence (truncated?)")
            return
        yield _sentence(header, chars, tags)


def _sentence(header: tuple[int, str], chars: list[str], tags: list[str]) -> ArticleRecord:
    offsets = [0]
    for char in chars:
        offsets.append(offsets[-1] + len(char))
    spans = [(offsets[i], offsets[j], label) for i, j, label in tags_to_spans(tags)]
    line, ident = header
    return ArticleRecord(text="".join(chars), spans=spans, line=line,
                         meta={"id": ident, "unit": "sentence"})
