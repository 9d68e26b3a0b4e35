"""The negative gazetteer travels: merging another annotator's database and a native
backup bring the forms rejected everywhere (X), so they are not suggested there either."""

from __future__ import annotations

import json
from pathlib import Path

from hanmark.store import NewSpan, Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources
from hanmark.store.merge import merge_database

TEXT = "MBC는 오늘 서울에서 김민수 회장을 만났다."


def _suggest(store: Store, uid: str) -> int:
    """A model's suggestion of MBC as OG; how many were written."""
    return store.spans.replace_suggestions(uid, [NewSpan(
        0, 3, "OG", "hanmark", origin="suggestion", state="suggested", model="crf")],
        model="crf")


def _rejected_everywhere(path: Path) -> None:
    with Store(path) as store:
        uid, _ = store.articles.add(TEXT)
        _suggest(store, uid)
        [span] = store.spans.of(uid)
        store.spans.reject_everywhere(span.id, actor="lee")


def test_merge_brings_the_forms_never_to_suggest(tmp_path: Path) -> None:
    _rejected_everywhere(tmp_path / "lee.db")
    with Store(tmp_path / "kim.db") as kim:
        report = merge_database(kim, tmp_path / "lee.db")
        assert report.rejected_forms == 1
        assert "1 form never to suggest" in report.summary(tmp_path / "lee.db")
        [entry] = kim.rejected.all()
        assert (entry["form"], entry["label"], entry["annotator"]) == ("MBC", "OG", "lee")
        assert _suggest(kim, kim.articles.page()[0].uid) == 0
        assert merge_database(kim, tmp_path / "lee.db").rejected_forms == 0  # once only


def test_a_native_backup_keeps_them(tmp_path: Path) -> None:
    _rejected_everywhere(tmp_path / "lee.db")
    out = tmp_path / "backup.jsonl"
    with Store(tmp_path / "lee.db") as lee:
        export(lee, ExportOptions("hanmark", out, status=None))
        kept = lee.rejected.all()
    with Store(tmp_path / "copy.db") as copy:
        assert import_sources(copy, [str(out)]).errors == []
        assert copy.rejected.all() == kept
        assert _suggest(copy, copy.articles.page()[0].uid) == 0


def test_a_bad_entry_is_one_sentence_and_nothing_is_stored(tmp_path: Path) -> None:
    _rejected_everywhere(tmp_path / "lee.db")
    out = tmp_path / "backup.jsonl"
    with Store(tmp_path / "lee.db") as lee:
        export(lee, ExportOptions("hanmark", out, status=None))
    header, *rest = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join([json.dumps({**json.loads(header), "rejected_forms": ["MBC"]}),
                              *rest]) + "\n", encoding="utf-8")
    with Store(tmp_path / "copy.db") as copy:
        [error] = import_sources(copy, [str(out)]).errors
        assert (":1: 'rejected_forms' must be a list of {form, label, annotator, created}"
                " with text values (nothing from this file was imported") in error
        assert copy.rejected.all() == [] and copy.articles.count() == 0
