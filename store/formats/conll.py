"""CoNLL IOB2: ``TOKEN TAG`` a line (or ``TOKEN<TAB>TAG``, ``--sep tab``) and a
blank line after each sentence.

Articles of several sentences are documents: ``-DOCSTART- -X- O O`` (the
CoNLL-2003 line spaCy's converter splits documents on) comes before each,
and before every article after the first document, so that a sentence
never joins the document before it. Sentence items (KLUE, and articles of
one sentence before any document) stay bare sentences. Tab-separated
files are for doccano, which takes each sentence as one example and would
take a ``-DOCSTART-`` line for text, so they have none.

Tokens are Kiwi morphemes, eojeol words or characters (``--tokens``), cut
further at span edges so no span is lost. CoNLL does not record spacing,
so reading joins a sentence's tokens with single spaces and a document's
sentences with line breaks (its sentences on export again), and marks the
article's tokens as given: ``--tokens morpheme`` (the default) exports them
as they came instead of asking Kiwi, so a file re-exports as it was; a sentence
outside any document is an article of its own. Tags may be IOB2, BIOES or
BILOU.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..span_utils import TAG_RE, tags_to_spans, token_tags
from .common import ExportDoc, Writer
from .plain import stream_lines
from .records import ArticleRecord, RecordError, Source
from .tokens import sentence_units

WHAT = "CoNLL IOB2"
DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- O O\n\n"


class ConllWriter(Writer):
    flat = True
    tokens = True
    sentences = True
    separators = (" ", "\t")

    def start(self) -> None:
        self.documents = False  # once a document is written, every article is one

    def write(self, doc: ExportDoc) -> None:
        text, out, sep = doc.article.text, self.out, self.sep
        units = list(sentence_units(doc))
        self.documents = sep == " " and (self.documents or len(units) > 1)
        if self.documents:
            out.write(DOCSTART_LINE)
        for _, tokens, spans in units:
            out.write("".join(f"{text[s:e]}{sep}{tag}\n"
                              for (s, e), tag in zip(tokens, token_tags(tokens, spans),
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
        for first, stop, label in tags_to_spans([tag for _, tag in sentence]):
            last_token = sentence[stop - 1][0]
            spans.append((starts[first], starts[stop - 1] + len(last_token), label))
        parts.append(" ".join(token for token, _ in sentence))
    return ArticleRecord(text="\n".join(parts), spans=spans, line=line, meta=meta)


def read(source: Source):
    numbered, encoding = stream_lines(source)
    return _records(numbered), encoding


def _records(numbered) -> Iterator[ArticleRecord | RecordError]:
    in_document = False  # after a -DOCSTART-, sentences gather until the next one
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    first_line = 1
    for number, raw in numbered:
        if isinstance(raw, RecordError):
            yield raw
            return
        line = raw.rstrip("\r\n")
        docstart = line.startswith(DOCSTART)
        if docstart or not line.strip():
            if current:
                sentences.append(current)
                current = []
            if sentences and (docstart or not in_document):
                yield _article(sentences, first_line, in_document)
                sentences = []
            in_document = in_document or docstart
            continue
        columns = line.split()
        if len(columns) < 2 or not TAG_RE.fullmatch(columns[-1]):
            yield RecordError(number, "expected 'TOKEN TAG' with an IOB2, BIOES or BILOU tag; "
                                      f"is this {WHAT}?")
            return
        if not current and not sentences:
            first_line = number
        current.append((columns[0], columns[-1]))
    if current:
        sentences.append(current)
    if sentences:
        yield _article(sentences, first_line, in_document)


def _article(sentences: list[list[tuple[str, str]]], line: int, document: bool
             ) -> ArticleRecord:
    """A document's sentences are its lines; a sentence outside one is an item."""
    return sentence_record(sentences, line, {"unit": "lines" if document else "sentence",
                                             "tokens": "given"})
