"""The formats hanmark reads and writes, and how a file's format is found."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from .. import html
from ..errors import HanmarkError
from . import brat, conll, doccano, hf, klue, labelstudio, native, spacy
from .common import Writer
from .plain import JSONL_SUFFIXES, Reader, read_jsonl, read_text_file
from .records import RecordError, Source


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    read: Reader | None
    writer: type[Writer] | None
    atomic: bool = True  # a bad record rejects the whole file (unless --keep-good)


FORMATS = {f.name: f for f in (
    Format("hanmark", native.WHAT, native.read, native.NativeWriter),
    Format("spacy", spacy.WHAT, spacy.read, spacy.SpacyWriter),
    Format("doccano", doccano.WHAT, doccano.read, doccano.DoccanoWriter),
    Format("labelstudio", labelstudio.WHAT, labelstudio.read, labelstudio.LabelStudioWriter),
    Format("brat", brat.WHAT, brat.read, brat.BratWriter),
    Format("conll", conll.WHAT, conll.read, conll.ConllWriter),
    Format("klue", klue.WHAT, klue.read, klue.KlueWriter),
    Format("hf", "Hugging Face token classification JSONL", None, hf.HfWriter),
    Format("html", html.WHAT, html.read_html, None),
    Format("text", "plain text", read_text_file, None, atomic=False),
    Format("jsonl", "JSON lines", read_jsonl, None, atomic=False),
)}
IMPORT_FORMATS = [name for name, f in FORMATS.items() if f.read is not None]
EXPORT_FORMATS = [name for name, f in FORMATS.items() if f.writer is not None]
SUFFIXES = {".txt": "text", ".md": "text", ".json": "labelstudio", ".tsv": "klue",
            ".html": "html", ".htm": "html",
            ".conll": "conll", ".iob": "conll", ".iob2": "conll", ".bio": "conll"}


def _json_kind(first: str) -> str:
    """Which JSON-lines format a first line belongs to."""
    try:
        obj = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return "jsonl"  # the plain reader names the bad line
    if not isinstance(obj, dict):
        return "jsonl"
    if "hanmark" in obj or {"uid", "status", "spans"} <= obj.keys():
        return "hanmark"
    if "ner_tags" in obj:
        return "hf"
    if "tokens" in obj or "ents" in obj or isinstance(obj.get("spans"), dict):
        return "spacy"
    if any(k in obj for k in ("label", "labels", "entities", "annotations")):
        return "doccano"
    return "jsonl"


def detect(name: str, head: bytes, folder: bool = False) -> str:
    """The format of a file, from its name and its first bytes."""
    if folder:
        return "brat"
    lower = name.lower()
    first = next((line for line in head.decode("utf-8", "replace").lstrip("\ufeff").splitlines()
                  if line.strip()), "")
    if lower.endswith(JSONL_SUFFIXES) or (first.startswith("{") and not
                                          lower.endswith(tuple(SUFFIXES))):
        return _json_kind(first)
    for suffix, fmt in SUFFIXES.items():
        if lower.endswith(suffix):
            return fmt
    if html.looks_like_html(head):
        return "html"
    if first.startswith("["):
        return "labelstudio"
    if first.startswith("## "):
        return "klue"
    if first.startswith(conll.DOCSTART):
        return "conll"
    return "text"


def choose_reader(source: Source, name: str, head: bytes, fmt: str | None
                  ) -> tuple[Reader, bool]:
    """The reader for ``fmt`` (else the detected format) and whether a bad
    record rejects the whole file. A named format that the file does not
    look like gets a hint on its first error."""
    found = detect(name, head, source.path is not None and source.path.is_dir())
    chosen = FORMATS[fmt or found]
    if chosen.read is None:
        raise HanmarkError(f"{source.where}: {chosen.title} is export-only; hanmark cannot "
                           "import it.")
    if found == chosen.name:
        return chosen.read, chosen.atomic
    hint = f" (it looks like {FORMATS[found].title}: try --format {found})"

    def hinted(src: Source) -> tuple[Iterator, str]:
        records, encoding = chosen.read(src)
        return (_with_hint(r, hint) for r in records), encoding

    return hinted, chosen.atomic


def _with_hint(record, hint: str):
    if isinstance(record, RecordError):
        record.reason += hint
    return record


def parse_label_map(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``("OLD=NEW", ...)`` as a mapping for ``--label-map``."""
    mapping = {}
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise HanmarkError(f"--label-map wants OLD=NEW, not {item!r}.")
        mapping[old.strip()] = new.strip()
    return mapping
