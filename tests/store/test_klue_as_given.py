"""KLUE items keep their text exactly as the character lines give it, spaces at
the ends too (movie-review items end with one), through every round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from hanmark.store import Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.formats.klue import HEADER, markup
from hanmark.store.importer import import_sources

ITEMS = [  # (id, text, spans): a space at the end, at both ends, none
    ("klue-ner-v1_dev_09000-nsmc", "영화 최고 ", []),
    ("klue-ner-v1_dev_09001-nsmc", " 김철수 연기  ", [(1, 4, "PS")]),
    ("klue-ner-v1_dev_09002-wikitree", "서울에서 열렸다.", [(0, 2, "LC")]),
]


def _klue(path: Path) -> Path:
    blocks = []
    for ident, text, spans in ITEMS:
        tags = ["O"] * len(text)
        for start, end, label in spans:
            tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
        blocks.append(f"## {ident}\t{markup(text, spans)}\n"
                      + "".join(f"{c}\t{t}\n" for c, t in zip(text, tags, strict=True)) + "\n")
    path.write_text(HEADER + "".join(blocks), encoding="utf-8", newline="\n")
    return path


def _export(store: Store, fmt: str, out: Path) -> Path:
    export(store, ExportOptions(fmt, out, status=None, annotator="import"))
    return out


@pytest.mark.parametrize("through", [None, "hanmark", "brat"])
def test_klue_items_with_end_spaces_come_back_byte_for_byte(tmp_path, through):
    given = _klue(tmp_path / "given.tsv")
    with Store(tmp_path / "a.db") as store:
        assert import_sources(store, [str(given)]).errors == []
        assert sorted(a.text for a in store.articles.stream()) == sorted(t for _, t, _ in ITEMS)
        source = given
        if through:
            source = _export(store, through, tmp_path / ("brat" if through == "brat"
                                                         else "native.jsonl"))
    with Store(tmp_path / "b.db") as again:
        assert import_sources(again, [str(source)]).errors == []
        back = _export(again, "klue", tmp_path / "back.tsv")
    assert back.read_bytes() == given.read_bytes()
