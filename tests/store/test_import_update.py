"""``hanmark import --update``: corrected labels for articles already in the database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hanmark.store import Store

HANMARK = str(Path(sys.executable).with_name("hanmark"))  # the console script, as users run it
FIRST = "김철수는 서울에 산다."
SECOND = "삼성전자는 수원에 있다."


def _doccano(path: Path, first: list, second: list) -> Path:
    lines = [{"text": FIRST, "label": first}, {"text": SECOND, "label": second}]
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in lines),
                    encoding="utf-8")
    return path


def _import(db: Path, path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([HANMARK, "import", str(path), "--db", str(db), "--format", "doccano",
                           *args], capture_output=True, text=True, timeout=120)


def _layer(db: Path, text: str, annotator: str) -> list[tuple[int, int, str, str]]:
    with Store(db) as store:
        uid = next(a.uid for a in store.articles.stream() if a.text == text)
        return [(s.start, s.end, s.label, s.origin)
                for s in store.spans.of(uid, annotator=annotator)]


def test_update_replaces_the_annotators_import_labels_and_says_what_changed(tmp_path):
    db = tmp_path / "h.db"
    wrong = _doccano(tmp_path / "a.jsonl", [[0, 3, "PS"], [5, 7, "OG"]], [[0, 4, "OG"]])
    assert _import(db, wrong, "--annotator", "kim").returncode == 0
    with Store(db) as store:  # kim also labels by hand: that layer is not an import's
        uid = next(a.uid for a in store.articles.stream() if a.text == FIRST)
        store.spans.label_range(uid, 9, 11, "LC", annotator="kim")
    fixed = _doccano(tmp_path / "b.jsonl", [[0, 3, "PS"], [5, 7, "LC"]], [[0, 4, "OG"]])

    plain = _import(db, fixed, "--annotator", "kim")  # without --update: skipped, as before
    assert "2 duplicates skipped" in plain.stdout
    assert (5, 7, "OG", "import") in _layer(db, FIRST, "kim")

    updated = _import(db, fixed, "--annotator", "kim", "--update")
    assert updated.returncode == 0, updated.stderr
    assert "2 already there, of which 1 updated (1 spans added, 1 removed)" in updated.stdout
    assert _layer(db, FIRST, "kim") == [(0, 3, "PS", "import"), (5, 7, "LC", "import"),
                                        (9, 11, "LC", "human")]
    assert _layer(db, SECOND, "kim") == [(0, 4, "OG", "import")]

    again = _import(db, fixed, "--annotator", "kim", "--update")
    assert "of which 0 updated (0 spans added, 0 removed)" in again.stdout


def test_update_leaves_other_annotators_alone_and_removes_labels_gone_from_the_file(tmp_path):
    db = tmp_path / "h.db"
    first = _doccano(tmp_path / "a.jsonl", [[0, 3, "PS"]], [[0, 4, "OG"]])
    assert _import(db, first).returncode == 0  # annotator "import"
    assert _import(db, first, "--annotator", "lee").returncode == 0  # duplicates: no layer
    assert _import(db, first, "--annotator", "lee", "--update").returncode == 0
    emptied = _doccano(tmp_path / "b.jsonl", [], [[0, 4, "OG"]])

    result = _import(db, emptied, "--annotator", "lee", "--update")
    assert "of which 1 updated (0 spans added, 1 removed)" in result.stdout
    assert _layer(db, FIRST, "lee") == []
    assert _layer(db, FIRST, "import") == [(0, 3, "PS", "import")]
    with Store(db) as store:  # what was removed stays in the event log
        uid = next(a.uid for a in store.articles.stream() if a.text == FIRST)
        bulk = [e for e in store.journal.of(uid) if e.action == "bulk" and e.annotator == "lee"]
        assert bulk[-1].before["removed"][0]["label"] == "PS"
