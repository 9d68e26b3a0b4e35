"""No stored string can act on the terminal.

Every string field is hostile (OSC title changes, CSI colours, 8-bit C1
controls, Rich markup): fed through every import format, and written raw
into a database as an older or hostile hanmark could have. Then every
command runs as a real process and the app is driven through Pilot; no
control character may reach standard output, standard error or the screen,
and markup shows as the characters it is made of.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hanmark.store import Label, Store
from hanmark.store.models import NewSpan
from hanmark.tui.app import HanmarkApp
from tests.tui.conftest import settle
from tests.tui.screen_text import screen_text

OSC = "\x1b]2;PWNED\x1b\\"
CSI = "\x1b[31m"
C1 = "\x9b31m\x9d0;x\x9c"
MARKUP = "[bold]x[/bold][link=http://e]y[/link]"
EVIL = OSC + CSI + C1 + MARKUP
# What may reach a terminal: no C0 control but newline and tab, no DEL, no C1.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SHOWN_OSC = "␛]2;PWNED␛\\"  # how a stored escape is drawn: visible, inert
TEXT = "삼성전자가 서울에서 새 반도체를 발표했다. 엔비디아와 경쟁한다는 분석이 나왔다."
HIDDEN = "이 문장은 폴더 밖의 비밀 파일에만 있다."


def evil(word: str) -> str:
    return word + EVIL


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``hanmark ARGS`` as a real process on a pipe, output captured as text."""
    code = "import sys; from hanmark.tui.cli import main; sys.argv[0] = 'hanmark'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=120,
                          env={**os.environ, "COLUMNS": "400", **(env or {})})


def strings_in(value: object):
    """Every string inside a value: dict keys and values, list items, recursively."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.items():
            yield from strings_in(list(item))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def assert_inert(what: str, output: str) -> None:
    bad = FORBIDDEN.search(output)
    assert bad is None, f"{what}: {bad.group()!r} reached the terminal in {output[:600]!r}"


# -- the inputs: one file per import format, every field hostile -------------------

def _jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_inputs(folder: Path) -> list[str]:
    """Hostile files in every format hanmark imports; returns the paths to import."""
    folder.mkdir()
    text = f"삼성전자가{EVIL} 서울에서 발표했다."
    meta = {evil("key"): [evil("value"), {"deep": evil("deep")}], "n": 1}
    files = {
        "plain.jsonl": _jsonl(
            {"text": text, "title": evil("제목"), "source": evil("출처"),
             "url": evil("http://e/"), "collection": evil("모음"), "date": evil("2025"),
             "id": evil("id"), "meta": meta, "spans": [[0, 4, "OG"]]},
            {"text": "라벨만 나쁜 기사", "spans": [[0, 2, evil("LABEL")]]}),
        "doccano.jsonl": _jsonl(
            {"id": evil("d"), "klue_id": evil("k"), "text": "도카노 " + text,
             "label": [[0, 3, "PS"]]},
            {"id": 2, "text": "도카노 나쁜 라벨", "label": [[0, 3, evil("DOC")]]}),
        "spacy.jsonl": _jsonl(
            {"text": "스페이시 " + text, "tokens": [], "meta": meta,
             "spans": [{"start": 0, "end": 4, "label": "LC"}]},
            {"text": "스페이시 나쁜 라벨", "tokens": [],
             "spans": [{"start": 0, "end": 4, "label": evil("SPACY")}]}),
        "studio.json": json.dumps([
            {"data": {"text": "스튜디오 " + text, "meta": meta}, "annotations": [{"result": [
                {"type": "labels", "value": {"start": 0, "end": 4, "labels": ["OG"]}}]}]},
            {"data": {"text": "스튜디오 나쁜 라벨"}, "annotations": [{"result": [
                {"type": "labels", "value": {"start": 0, "end": 4, "labels": [evil("LS")]}}]}]},
        ], ensure_ascii=False),
        "tags.conll": (f"-DOCSTART- O\n\n코넬 B-PS\n{CSI}{C1} O\n끝 O\n\n"
                       f"-DOCSTART- O\n\n나쁜 B-{evil('CONLL')}\n"),
        "klue.tsv": (f"## {evil('klue-1')}\t<클:PS>루\n클\tB-PS\n루\tO\n{OSC}\tO\n\n"
                     f"## 2\t나쁜\n나\tB-{evil('KLUE')}\n쁜\tO\n\n"),
        "page.html": (f"<!DOCTYPE html><html><head><title>{evil('웹 제목')}</title>"
                      f'<meta name="author" content="{evil("기자")}"></head><body><article>'
                      f"<p>{text} {TEXT} {TEXT}</p><p>{TEXT}</p></article></body></html>"),
        f"bad{OSC}.jsonl": "not json\n",
    }
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    native = folder / "native.jsonl"
    native.write_text(_jsonl(
        {"hanmark": 1, "labels": [{"name": "NEW", "description": evil("설명"),
                                   "colour": "#123456", "examples": evil("예")}]},
        _native_article("네이티브 " + TEXT, "kim"),
        _native_article("네이티브 나쁜 주석자 " + TEXT, evil("bob"))), encoding="utf-8")
    bad_header = folder / "native_labels.jsonl"
    bad_header.write_text(_jsonl(
        {"hanmark": 1, "labels": [{"name": evil("N"), "colour": "not-a-colour"},
                                  {"name": "two words"}]},
        _native_article("헤더가 나쁜 " + TEXT, "kim")), encoding="utf-8")
    # brat: a good pair, a pair with a hostile label, and a pair that links out
    brat = folder / "brat"
    brat.mkdir()
    (brat / "a.txt").write_text(text, encoding="utf-8")
    (brat / "a.ann").write_text("T1\tPS 0 4\t삼성전자\n", encoding="utf-8")
    (brat / "b.txt").write_text("브랫 나쁜 라벨", encoding="utf-8")
    (brat / "b.ann").write_text(f"T1\t{evil('BRAT')} 0 2\t브랫\n", encoding="utf-8")
    (folder / "secret.txt").write_text(HIDDEN, encoding="utf-8")
    (folder / "secret.ann").write_text("T1\tPS 0 1\t이\n", encoding="utf-8")
    (brat / "c.txt").symlink_to("../secret.txt")
    (brat / "c.ann").symlink_to("../secret.ann")
    texts = folder / "texts"
    texts.mkdir()
    (texts / "ok.txt").write_text("폴더 안의 기사 " + TEXT, encoding="utf-8")
    (texts / "innocent.txt").symlink_to("../secret.txt")
    return [str(p) for p in (*(folder / n for n in files), native, bad_header, brat, texts)]


def _native_article(text: str, annotator: str) -> dict:
    from hanmark.store import article_uid

    span = [1, 0, 2, "PS", annotator, "human", "accepted", evil("model"), 0.5,
            evil("note"), "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"]
    event = ["2025-01-01T00:00:00+00:00", annotator, 1, "create", 1, None,
             {"id": 1, "label": "PS", "note": evil("note")}, None]
    return {"uid": article_uid(text), "text": text, "title": evil("네이티브"),
            "date": None, "source": evil("src"), "url": None, "collection": evil("col"),
            "status": "done", "meta": {"m": evil("m")}, "cursor": 0,
            "created": "2025-01-01T00:00:00+00:00", "updated": "2025-01-01T00:00:00+00:00",
            "spans": [span], "events": [event]}


# -- a database written raw, as an older or hostile hanmark could have -------------

BOB, AMY = evil("bob"), evil("amy")
BAD_LABEL = evil("BAD")


def write_hostile_db(path: Path) -> None:
    with Store(path) as store:
        store.labels.add(Label(BAD_LABEL, evil("설명"), "7", "not-a-colour", parent=None,
                              examples=evil("예")))
        store.labels.add(Label("LINKY", "", "8", "red link http://e", parent=BAD_LABEL))
        uid, _ = store.articles.add(
            f"{TEXT}{EVIL}\n둘째 줄", title=evil("제목"), source=evil("출처"),
            url=evil("http://e/"), collection=evil("모음"), meta={evil("k"): [evil("v")]})
        for who, note in ((BOB, evil("note")), (AMY, "")):
            store.spans.add(uid, [NewSpan(0, 4, BAD_LABEL, who, note=note),
                                  NewSpan(6, 8, "LINKY", who)], actor=who)
            store.articles.set_status(uid, "done", who)
        store.spans.add(uid, [NewSpan(10, 12, "PS", "crf", origin="suggestion",
                                      state="suggested", model=evil("crf"),
                                      confidence=0.5)], actor="crf", log=False)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hostile inputs, the database they were imported into (by a real
    ``hanmark import``), and a database written raw."""
    root = tmp_path_factory.mktemp("hostile")
    inputs = write_inputs(root / "inputs")
    imported = root / "imported.db"
    result = run("import", *inputs, "--db", str(imported), "--add-labels", "--keep-good")
    hostile = root / "hostile.db"
    write_hostile_db(hostile)
    config = root / "config.toml"
    config.write_text(f"[keymap]\n{json.dumps(evil('next-span'))} = {json.dumps(evil('j'))}\n",
                      encoding="utf-8")
    bad_config = root / "bad-config.toml"
    bad_config.write_text(f"annotator = {json.dumps(BOB)}\n[label_colours]\n"
                          f"{json.dumps(BAD_LABEL)} = \"#ffffff\"\n", encoding="utf-8")
    models = root / "models"  # a model version's description, as anyone could edit it
    models.mkdir()
    (models / "1.json").write_text(json.dumps({
        "created": evil("2025"), "decision": evil("kept"), "scores": {},
        "training": {"gold_texts": 1, "gold_files": [evil("gold.tsv")], "db_articles": 1,
                     "db": evil("news.db"), "entities": 1}}), encoding="utf-8")
    return {"root": root, "imported": imported, "hostile": hostile, "import": result,
            "config": config, "bad_config": bad_config, "models": models}


# -- the commands ---------------------------------------------------------------------

def commands(world: dict) -> dict[str, tuple[tuple[str, ...], dict[str, str]]]:
    """Every command that prints something, on both databases; ``name: (args, env)``."""
    root = world["root"]
    cmds: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {}
    every = (("articles",), ("stats",), ("labels", "list"), ("agreement",))
    raw_only = (("articles", "--json"), ("stats", "--json"), ("labels", "list", "--json"),
                ("labels", "export"), ("agreement", "--json"))
    for name, shapes in (("imported", every), ("hostile", every + raw_only)):
        db = ("--db", str(world[name]))
        for args in shapes:
            cmds[f"{name}: {' '.join(args)}"] = ((*args, *db), {})
        cmds[f"merge {name}"] = (("merge", str(world[name]), "--db",
                                  str(root / f"merged-{name}.db"), "--add-labels"), {})
    cmds["hostile: suggest"] = (("suggest", "--db", str(world["hostile"])), {})
    cmds["hostile: export"] = (("export", "--db", str(world["hostile"]), "--format", "doccano",
                                "--status", "all", "--annotator", "kim", "--out",
                                str(root / "hostile-out.jsonl")), {})
    scratch = ("--db", str(root / "scratch.db"))
    cmds.update({
        "labels add hostile name": (("labels", "add", BAD_LABEL, *scratch), {}),
        "labels add hostile description": (
            ("labels", "add", "GOOD", "--description", evil("d"), "--examples", evil("e"),
             *scratch), {}),
        "labels rename to hostile": (("labels", "rename", "PS", BAD_LABEL, *scratch), {}),
        "labels add hostile colour": (("labels", "add", "HUE", "--colour", evil("red"),
                                       *scratch), {}),
        "import --annotator hostile": (("import", str(root / "inputs" / "plain.jsonl"),
                                        "--annotator", BOB, *scratch), {}),
        "export --annotator hostile": (("export", *scratch, "--format", "doccano",
                                        "--annotator", BOB, "--out", str(root / "x.jsonl")),
                                       {}),
        "config show": (("config", "show"), {"HANMARK_CONFIG": str(world["config"])}),
        "config show, hostile annotator": (("config", "show"),
                                           {"HANMARK_CONFIG": str(world["config"]),
                                            "HANMARK_ANNOTATOR": BOB}),
        "config show, hostile file": (("config", "show"),
                                      {"HANMARK_CONFIG": str(world["bad_config"])}),
        "config path": (("config", "path"), {"HANMARK_CONFIG": str(root / evil("c"))}),
        "models": (("models",), {"HANMARK_MODELS": str(world["models"])}),
        "models --json": (("models", "--json"), {"HANMARK_MODELS": str(world["models"])}),
    })
    return cmds


@pytest.fixture(scope="module")
def outputs(world: dict) -> dict[str, subprocess.CompletedProcess]:
    cmds = commands(world)
    run("labels", "list", "--db", str(world["root"] / "scratch.db"))  # create it first
    with ThreadPoolExecutor(4) as pool:
        done = dict(zip(cmds, pool.map(lambda c: run(*c[0], env=c[1]), cmds.values()),
                        strict=True))
    return {"import": world["import"], **done}


def test_no_command_sends_a_control_character_to_the_terminal(outputs: dict) -> None:
    broken = {f"{what} ({stream})": FORBIDDEN.search(out) or "Traceback"
              for what, result in outputs.items()
              for stream, out in (("stdout", result.stdout), ("stderr", result.stderr))
              if FORBIDDEN.search(out) or "Traceback" in out}
    assert broken == {}


def test_every_imported_field_is_clean_and_the_report_says_so(world: dict) -> None:
    result = world["import"]
    with Store(world["imported"], readonly=True) as store:
        articles = list(store.articles.stream())
        stored = [*articles, *store.labels.all()]
        for article in articles:
            stored += [*store.spans.of(article.uid), *store.journal.of(article.uid)]
        texts = [a.text for a in articles]
    values = [s for record in stored for s in strings_in(vars(record))]
    formats = ["삼성전자가 서울", "도카노", "스페이시", "스튜디오", "코넬", "클루", "네이티브",
               "폴더 안의", TEXT[:10]]
    for start in formats:  # every format's good record came in
        assert any(start in t for t in texts), (start, result.stdout, result.stderr)
    assert [v for v in values if FORBIDDEN.search(v)] == []
    assert any(MARKUP in v for v in values)  # markup is text: kept, literally
    assert "fields besides the text" in result.stdout
    for name in ("LABEL", "DOC", "SPACY", "LS", "CONLL", "KLUE", "BRAT"):  # refused, named
        assert re.search(rf"{name}\\x1b\]2;PWNED", result.stderr), (name, result.stderr)
    assert r"'bob\x1b]2;PWNED" in result.stderr  # a native annotator with escapes
    assert r"native_labels.jsonl:1: 'N\x1b]2;PWNED" in result.stderr  # a header's label
    assert not any("나쁜 주석자" in t for t in texts)


def test_links_out_of_an_imported_folder_are_skipped_and_named(world: dict) -> None:
    with Store(world["imported"], readonly=True) as store:
        texts = [a.text for a in store.articles.stream()]
    assert not any(HIDDEN in t for t in texts)
    err = world["import"].stderr
    assert "innocent.txt" in err and "c.ann" in err and "outside" in err, err


def test_stored_values_are_drawn_literally(outputs: dict) -> None:
    for what in ("hostile: articles", "hostile: stats", "hostile: labels list",
                 "hostile: agreement"):
        assert SHOWN_OSC in outputs[what].stdout, (what, outputs[what].stdout)
        assert "[bold]x[/bold]" in outputs[what].stdout, (what, outputs[what].stdout)
    assert "[link=http://e]y[/link]" in outputs["imported: articles"].stdout
    listed = [json.loads(line) for line in outputs["hostile: articles --json"].stdout.splitlines()]
    assert listed[0]["title"] == evil("제목")  # JSON escapes it, and keeps the data exact


def test_bad_names_are_refused_in_one_sentence_that_shows_them(outputs: dict) -> None:
    for what in ("labels add hostile name", "labels rename to hostile",
                 "import --annotator hostile", "export --annotator hostile",
                 "config show, hostile annotator", "config show, hostile file",
                 "merge hostile"):
        result = outputs[what]
        assert result.returncode == 1, (what, result.stdout, result.stderr)
        assert r"\x1b]2;PWNED" in result.stderr and len(result.stderr.splitlines()) == 1, (
            what, result.stderr)
    assert "not a colour" in outputs["labels add hostile colour"].stderr
    listed = outputs["hostile: labels list"]
    assert listed.returncode == 0 and "LINKY" in listed.stdout, listed.stderr


async def test_the_app_draws_hostile_fields_as_inert_characters(
        world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    # Suggestions are not what is tested here, and loading their model takes seconds.
    monkeypatch.setattr("hanmark.nlp.suggest.suggest_article", lambda *args, **kwargs: 0)
    monkeypatch.setattr("hanmark.nlp.suggest.teach_analyzer", lambda *args, **kwargs: None)
    monkeypatch.setattr("hanmark.nlp.crf.default_model", lambda *args, **kwargs: None)
    with Store(world["hostile"]) as store:
        app = HanmarkApp(store, annotator=BOB)
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot)
            screens = {"reader": screen_text(app)}
            for key, name in (("o", "overlay"), ("S", "statistics"), ("escape", None),
                              ("l", "label picker"), ("escape", None), ("R", "review"),
                              ("escape", None), ("ctrl+p", None), ("l", None),
                              ("a", "command palette"), ("escape", None)):
                await pilot.press(key)
                await settle(pilot)
                if name:
                    screens[name] = screen_text(app)
            await pilot.press("e")  # the note on the span under the cursor
            await settle(pilot)
            screens["note"] = screen_text(app)
    for name, shown in screens.items():
        assert_inert(name, shown)
    assert SHOWN_OSC in screens["reader"] and "[bold]x[/bold]" in screens["reader"]
    assert "bob␛]2;PWNED" in screens["statistics"]
