"""CoNLL as its consumers read it: spaCy's converter (documents only where
there are documents), doccano's tab-separated two columns, hanmark's own
round trip, and BIOES/BILOU files coming in."""

from __future__ import annotations

from pathlib import Path

import pytest
from seqeval.scheme import BILOU, IOB2, IOBES, Tokens
from spacy.training import iob_to_biluo
from spacy.training.converters import conll_ner_to_docs

from hanmark.store import Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources
from hanmark.store.models import NewSpan
from tests.conftest import KLUE_FILE

SENTENCES = 500  # of the KLUE sample: enough of its quirks, a fraction of its time


def _export(store: Store, out: Path, **options) -> str:
    export(store, ExportOptions("conll", out, status=None, annotator="import", tokens="word",
                                **options))
    return out.read_text(encoding="utf-8")


def _klue_items(tmp_path: Path) -> Path:
    """The first KLUE sentences, as a KLUE file of their own."""
    if not KLUE_FILE.exists():
        pytest.skip(f"{KLUE_FILE} is absent (the shared data sits beside the repository)")
    blocks = KLUE_FILE.read_text(encoding="utf-8").split("\n\n")
    path = tmp_path / "klue.tsv"
    path.write_text("\n\n".join(blocks[:SENTENCES]) + "\n\n", encoding="utf-8")
    return path


def _entities(store: Store) -> list[list[tuple[str, str]]]:
    return [[(a.text[s.start:s.end], s.label) for s in sorted(store.spans.of(a.uid),
                                                               key=lambda s: s.start)]
            for a in store.articles.stream()]


def test_sentence_items_stay_sentences_for_spacy_and_hanmark(store: Store, tmp_path: Path
                                                             ) -> None:
    import_sources(store, [str(_klue_items(tmp_path))])
    written = _export(store, tmp_path / "klue.conll")
    assert "-DOCSTART-" not in written
    docs = list(conll_ner_to_docs(written, n_sents=1, no_print=True))  # spacy convert -n 1
    assert len(docs) == store.articles.count() == SENTENCES
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [(" ".join(surface.split()), label) for surface, label in article]
        for article in _entities(store)]  # spaCy joins the tokens with single spaces
    with Store(tmp_path / "again.db") as again:
        report = import_sources(again, [str(tmp_path / "klue.conll")])
        assert report.errors == [] and report.imported == SENTENCES
        assert _export(again, tmp_path / "again.conll") == written


def _documents_and_items(store: Store) -> None:
    """A sentence item, a document of three sentences, another item."""
    for text, names in [("세종 이 한글 을 만들었다", [("세종", "PS")]),
                        ("이순신 은 장군 이다\n그 는 한산도 에서 이겼다\n조선 의 수군 이었다",
                         [("이순신", "PS"), ("한산도", "LC"), ("조선", "LC")]),
                        ("서울 은 크다", [("서울", "LC")])]:
        uid, _ = store.articles.add(text)
        store.spans.add(uid, [NewSpan(text.index(name), text.index(name) + len(name), label,
                                      "import", origin="import") for name, label in names],
                        actor="import")


def test_documents_get_the_conll_2003_delimiter(store: Store, tmp_path: Path) -> None:
    _documents_and_items(store)
    written = _export(store, tmp_path / "docs.conll")
    assert written.startswith("세종 B-PS\n")  # the first item is a bare sentence
    assert written.count("-DOCSTART- -X- O O\n") == 2  # the document, and the item after it
    docs = list(conll_ner_to_docs(written, no_print=True))
    assert [len(list(doc.sents)) for doc in docs] == [1, 3, 1]
    assert not any(token.text == "-DOCSTART-" for doc in docs for token in doc)
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("세종", "PS")], [("이순신", "PS"), ("한산도", "LC"), ("조선", "LC")],
        [("서울", "LC")]]
    with Store(tmp_path / "again.db") as again:
        import_sources(again, [str(tmp_path / "docs.conll")])
        assert [a.text.count("\n") + 1 for a in again.articles.stream()] == [1, 3, 1]
        assert _export(again, tmp_path / "again.conll") == written


def test_tab_separated_for_doccano(store: Store, tmp_path: Path) -> None:
    """doccano's CoNLL parser: every line two tab-separated columns, a blank
    line ends an example, entities by seqeval's IOB2 scheme."""
    _documents_and_items(store)
    written = _export(store, tmp_path / "doccano.conll", sep="tab")
    examples = [block.split("\n") for block in written.strip("\n").split("\n\n")]
    assert all(len(line.split("\t")) == 2 for block in examples for line in block)
    found = []
    for block in examples:
        words, tags = zip(*(line.split("\t") for line in block), strict=True)
        found.append([(" ".join(words[e.start:e.end]), e.tag)
                      for e in Tokens(list(tags), IOB2).entities])
    assert found == [[("세종", "PS")], [("이순신", "PS")], [("한산도", "LC")], [("조선", "LC")],
                     [("서울", "LC")]]


def test_bilou_and_bioes_files_read_like_iob2(store: Store, tmp_path: Path) -> None:
    import_sources(store, [str(_klue_items(tmp_path))])
    iob2 = _export(store, tmp_path / "iob2.conll")
    expected = _entities(store)
    for name, scheme, letters in [("bilou", BILOU, {}), ("bioes", IOBES, {"L": "E", "U": "S"})]:
        blocks = []
        for block in iob2.strip("\n").split("\n\n"):
            words, tags = zip(*(line.split(" ") for line in block.split("\n")), strict=True)
            converted = [letters.get(t[0], t[0]) + t[1:] for t in iob_to_biluo(list(tags))]
            assert len(Tokens(converted, scheme).entities) == len(Tokens(list(tags),
                                                                         IOB2).entities)
            blocks.append("".join(f"{w} {t}\n" for w, t in zip(words, converted, strict=True)))
        path = tmp_path / f"{name}.conll"
        path.write_text("\n".join(blocks), encoding="utf-8")
        with Store(tmp_path / f"{name}.db") as other:
            report = import_sources(other, [str(path)])
            assert report.errors == [] and _entities(other) == expected, name
