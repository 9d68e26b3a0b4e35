"""CoNLL IOB2: ``TOKEN TAG`` a line, a blank line after each sentence and
``-DOCSTART- O`` before each article.

Tokens are Kiwi morphemes, eojeol words or characters (``--tokens``), cut
further at span edges so no span is lost. CoNLL does not record spacing,
so reading joins a sentence's tokens with single spaces and an article's
sentences with line breaks; without ``-DOCSTART-`` each sentence is an
article.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..importer import ArticleRecord, RecordError, Source, stream_lines
from .common import ExportDoc, Writer
from .iob import TAG_RE, iob2_entities, iob2_tags, sentence_units

WHAT = "CoNLL IOB2"
DOCSTART = "-DOCSTART-"


class ConllWriter(Writer):
    flat = True
    tokens = True
    sentences = True

    def write(self, doc: ExportDoc) -> None:
        text, out = doc.article.text, self.out
        out.write(f"{DOCSTART} O\n\n")
        for _, tokens, spans in sentence_units(doc):
            out.write("".join(f"{text[s:e]} {tag}\n"
                              for (s, e), tag in zip(tokens, iob2_tags(tokens, spans),
                                                     strict=True)) + "\n")


def sentence_record(sentences: list[list[tuple[str, str]]], line: int,
                    meta: dict) -> ArticleRecord:
    """An article from tokenised, tagged sentences (shared with readers of
    token formats): tokens joined by spaces, sentences by line breaks."""
    parts, spans, offset = [], [], 0
    for sentence in sentences:
        starts = []
        for token, _ in sentence:
            starts.append(offset)
            offset += len(token) + 1
        for first, stop, label in iob2_entities([tag for _, tag in sentence]):
            last_token = sentence[stop - 1][0]
            spans.append((starts[first], starts[stop - 1] + len(last_token), label))
        parts.append(" ".join(token for token, _ in sentence))
    return ArticleRecord(text="\n".join(parts), spans=spans, line=line, meta=meta)


def read(source: Source):
    numbered, encoding = stream_lines(source)
    return _records(numbered), encoding


def _records(numbered) -> Iterator[ArticleRecord | RecordError]:
    documents: bool | None = None
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    first_line = 1
    for number, raw in numbered:
        if isinstance(raw, RecordError):
            yield raw
            return
        line = raw.rstrip("\r\n")
        if documents is None and line.strip():
            documents = line.startswith(DOCSTART)
        if line.startswith(DOCSTART) or not line.strip():
            if current:
                sentences.append(current)
                current = []
            if sentences and (line.startswith(DOCSTART) or not documents):
                yield sentence_record(sentences, first_line, {} if documents else
                                      {"unit": "sentence"})
                sentences = []
            continue
        columns = line.split()
        if len(columns) < 2 or not TAG_RE.fullmatch(columns[-1]):
            yield RecordError(number, f"expected 'TOKEN TAG' with an IOB2 tag; is this {WHAT}?")
            return
        if not current and not sentences:
            first_line = number
        current.append((columns[0], columns[-1]))
    if current:
        sentences.append(current)
    if sentences:
        yield sentence_record(sentences, first_line, {} if documents else {"unit": "sentence"})
