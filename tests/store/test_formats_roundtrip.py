"""Property tests: any Korean text with valid spans survives
export -> import in every format, keeping every span the format can hold."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score

from hanmark.nlp.export_tokens import kiwi_segmenter
from hanmark.store import NewSpan, Span, Store
from hanmark.store.formats.common import keep_longest_spans
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.formats.hf import labels_path
from hanmark.store.formats.spacy import spacy_tokens
from hanmark.store.importer import import_sources

LABELS = ["PS", "LC", "OG", "DT", "TI", "QT"]
SYLLABLES = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
WORD = st.one_of(st.text(SYLLABLES, min_size=1, max_size=5),
                 st.sampled_from(["GPU", "26만", "2025년", "(주)", "APEC"]))
SEP = st.sampled_from([" ", " ", " ", ". ", ", ", ".\n"])
SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def article(draw) -> tuple[str, list[tuple[int, int, str]]]:
    words = draw(st.lists(WORD, min_size=1, max_size=12))
    text = words[0]
    for word in words[1:]:
        text += draw(SEP) + word
    spans = set()
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, min(len(text), start + 12)))
        if not (text[start].isspace() or text[end - 1].isspace()):
            spans.add((start, end, draw(st.sampled_from(LABELS))))
    return text, sorted(spans)


def _fill(store: Store, text: str, spans) -> str:
    uid, _ = store.articles.add(text, status="done", meta={"id": "a1"})
    store.spans.add(uid, [NewSpan(s, e, label, "kim") for s, e, label in spans], actor="kim")
    return uid


def _round_trip(fmt: str, text: str, spans, **options) -> tuple[Path, Store]:
    """Export one article as ``fmt``, import the result into a fresh store."""
    folder = Path(tempfile.mkdtemp())
    out = folder / ("out" if fmt == "brat" else f"out.{fmt}")
    with Store(folder / "a.db") as source:
        _fill(source, text, spans)
        export(source, ExportOptions(fmt, out, annotator="kim", **options),
               segmenter=kiwi_segmenter(source))
    target = Store(folder / "b.db")
    if fmt != "hf":
        report = import_sources(target, [str(out)], fmt=fmt)
        assert report.errors == []
    return out, target


def _triples(store: Store, uid: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in store.spans.of(uid)]


def _flat(spans) -> list[tuple[int, int, str]]:
    kept, _ = keep_longest_spans([Span(0, "", s, e, label, "") for s, e, label in spans])
    return [(r.start, r.end, r.label) for r in kept]


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio", "brat", "spacy"])
@SETTINGS
@given(case=article())
def test_article_formats_keep_text_and_spans(fmt: str, case) -> None:
    text, spans = case
    _, target = _round_trip(fmt, text, spans)
    with target:
        [imported] = list(target.articles.stream())
        assert imported.text == text
        expected = _flat(spans) if fmt == "spacy" else spans
        assert sorted(_triples(target, imported.uid)) == sorted(expected)


@SETTINGS
@given(case=article())
def test_klue_keeps_every_flat_span_per_sentence(case) -> None:
    """Sentences come back as articles (a line break inside one is written as a space)."""
    text, spans = case
    _, target = _round_trip("klue", text, spans)
    text = text.replace("\n", " ")
    with target:
        cursor, got = 0, []
        for sentence in target.articles.stream():
            offset = text.index(sentence.text, cursor)
            cursor = offset + len(sentence.text)
            got += [(s + offset, e + offset, label) for s, e, label in
                    _triples(target, sentence.uid)]
        assert sorted(got) == _flat(spans)


@pytest.mark.parametrize("tokens", ["morpheme", "word", "char"])
@SETTINGS
@given(case=article())
def test_conll_keeps_every_flat_entity(tokens: str, case) -> None:
    """CoNLL keeps no spacing: entities keep their characters and labels,
    and exporting the import again gives the same file."""
    text, spans = case
    out, target = _round_trip("conll", text, spans, tokens=tokens)
    with target:
        [imported] = list(target.articles.stream())
        got = [(imported.text[s:e].replace(" ", ""), label)
               for s, e, label in _triples(target, imported.uid)]
        assert got == [(text[s:e].replace(" ", "").replace("\n", ""), label)
                       for s, e, label in _flat(spans)]
        target.articles.set_status(imported.uid, "done", "kim")
        again = out.with_name("again.conll")
        # the imported text has a space between tokens, so words are the old tokens
        export(target, ExportOptions("conll", again, annotator="import",
                                     tokens="char" if tokens == "char" else "word"))
        assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


@SETTINGS
@given(case=article())
def test_hanmark_jsonl_restores_everything(case) -> None:
    text, spans = case
    out, target = _round_trip("hanmark", text, spans, status=None)
    with target, Store(out.parent / "a.db") as source:
        assert list(target.articles.stream()) == list(source.articles.stream())
        strip = [(s.article, s.start, s.end, s.label, s.annotator, s.origin, s.state,
                  s.created, s.updated)
                 for s in source.spans.of(next(source.articles.stream()).uid)]
        assert [(s.article, s.start, s.end, s.label, s.annotator, s.origin, s.state,
                 s.created, s.updated)
                for s in target.spans.of(next(target.articles.stream()).uid)] == strip


@SETTINGS
@given(case=article())
def test_spacy_spans_land_on_token_boundaries(case) -> None:
    """The check ``Doc(words, spaces).char_span`` makes: tokens and their
    ``ws`` rebuild the text, and each span's token indices hold its edges."""
    text, spans = case
    out, _ = _round_trip("spacy", text, spans)
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tokens = record["tokens"]
    assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text
    assert all(text[t["start"]:t["end"]] == t["text"] for t in tokens)
    for span in record["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    assert len(record["spans"]) == len(_flat(spans))


def test_spacy_tokens_follow_spacy_whitespace() -> None:
    text = " 가나  다\n라 "
    tokens = spacy_tokens(text, [(1, 3), (5, 6), (7, 8)])
    assert [(text[s:e], ws) for s, e, ws in tokens] == [
        (" ", False), ("가나", True), (" ", False), ("다", False), ("\n", False),
        ("라", True)]


@SETTINGS
@given(case=article())
def test_hf_export_schema_and_seqeval(case) -> None:
    text, spans = case
    out, _ = _round_trip("hf", text, spans)
    names = json.loads(labels_path(out).read_text(encoding="utf-8"))
    assert names[0] == "O" and names[1:3] == ["B-PS", "I-PS"] and len(names) == 13
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for record in records:
        assert list(record) == ["id", "tokens", "ner_tags"]
        assert isinstance(record["id"], str)
        assert all(isinstance(t, str) and t and not t.isspace() for t in record["tokens"])
        assert len(record["tokens"]) == len(record["ner_tags"])
        assert all(isinstance(tag, int) and 0 <= tag < len(names) for tag in record["ner_tags"])
    tags = [[names[i] for i in r["ner_tags"]] for r in records]
    entities = sum(sum(t.startswith("B-") for t in sentence) for sentence in tags)
    assert entities == len(_flat(spans))
    if entities:
        assert f1_score(tags, tags) == 1.0


def test_seqeval_reads_the_conll_export(store: Store, tmp_path: Path) -> None:
    text = "엔비디아와 삼성전자가 GPU 26만 장을 확보했다. 이재명 대통령이 경주에서 말했다."
    _fill(store, text, [(0, 4, "OG"), (6, 10, "OG"), (19, 21, "QT"), (29, 32, "PS"),
                        (38, 40, "LC")])
    out = tmp_path / "x.conll"
    export(store, ExportOptions("conll", out, annotator="kim"),
           segmenter=kiwi_segmenter(store))
    blocks = [b for b in out.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    sentences = [[line.split(" ")[1] for line in b.splitlines()] for b in blocks
                 if not b.startswith("-DOCSTART-")]
    assert len(sentences) == 2  # Kiwi found the two sentences
    assert f1_score(sentences, sentences) == 1.0
    from seqeval.metrics.sequence_labeling import get_entities

    assert len(get_entities(sentences)) == 5
