"""Hugging Face token classification JSONL (export only):
``{"id", "tokens", "ner_tags"}`` per sentence with integer tags, and a
``NAME.labels.json`` list beside it that maps tag ids to IOB2 names
(``O``, then ``B-``/``I-`` of each label in the store's order), as
``datasets.ClassLabel(names=...)`` wants it."""

from __future__ import annotations

import json
from pathlib import Path

from ..span_utils import token_tags
from .common import ExportDoc, Writer, dumps
from .tokens import sentence_units


def tag_names(labels: list[str]) -> list[str]:
    return ["O", *(f"{prefix}-{label}" for label in labels for prefix in "BI")]


def labels_path(path: Path) -> Path:
    return path.with_name(path.stem + ".labels.json")


class HfWriter(Writer):
    flat = True
    tokens = True
    sentences = True

    def start(self) -> None:
        self.ids = {name: i for i, name in enumerate(tag_names([lab.name for lab in self.labels]))}

    def write(self, doc: ExportDoc) -> None:
        text = doc.article.text
        units = list(sentence_units(doc))
        for n, (_, tokens, spans) in enumerate(units, start=1):
            record = {"id": doc.ident if len(units) == 1 else f"{doc.ident}-{n}",
                      "tokens": [text[s:e] for s, e in tokens],
                      "ner_tags": [self.ids[t] for t in token_tags(tokens, spans)]}
            self.out.write(dumps(record) + "\n")

    @classmethod
    def side_files(cls, path: Path, labels: list) -> dict[Path, str]:
        names = tag_names([lab.name for lab in labels])
        return {labels_path(path): json.dumps(names, ensure_ascii=False) + "\n"}
