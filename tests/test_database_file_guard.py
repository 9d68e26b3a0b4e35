"""Only SQLite touches the database file and its -wal/-shm.

POSIX drops every lock a process holds on a file when any descriptor of it
closes, so one Python ``open()`` of the database while the app's connections
live lets another process delete their write-ahead log. Two guards: a scan
of the source for file operations on anything named like the database, and
an audit hook that watches every file operation while hanmark's commands
and the app run, failing on any that names a database file.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from click.testing import CliRunner

from hanmark.store import Store
from hanmark.store.paths import database_files
from hanmark.tui.app import HanmarkApp
from hanmark.tui.cli import main
from tests.conftest import REPO, SEED_FILE
from tests.tui.conftest import settle

PACKAGES = ("store", "nlp", "tui")
FILE_CALLS = {"open", "read_bytes", "read_text", "write_bytes", "write_text", "unlink",
              "rename", "replace", "remove", "rmtree", "copy", "copy2", "copyfile", "move",
              "truncate"}
DATABASE_NAMES = {"db", "db_path", "database", "conn_path", "other_path"}
# Modules that hold the database's own path: no file operation at all belongs there.
DATABASE_MODULES = {"store/db.py", "store/store.py", "store/paths.py", "store/merge.py",
                    "tui/connections.py"}


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _file_operation(call: ast.Call) -> bool:
    """A call that opens, reads, writes, moves or deletes a file (``os.replace`` yes,
    ``str.replace`` and ``dataclasses.replace`` no)."""
    name = _called_name(call)
    if name == "replace":
        func = call.func
        return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
            func.value.id == "os"
    return name in FILE_CALLS


def _mentions_database(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in DATABASE_NAMES:
            return True
        if isinstance(sub, ast.Attribute) and sub.attr in DATABASE_NAMES | {"path"} and \
                isinstance(sub.value, ast.Name) and sub.value.id in ("store", "other"):
            return True
    return False


def file_operations_on_databases() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not _file_operation(node):
                    continue
                if relative in DATABASE_MODULES or _mentions_database(node):
                    found.append(f"{relative}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_source_runs_a_file_operation_on_a_database_path() -> None:
    assert file_operations_on_databases() == []


class Watch:
    """Every audited file operation on one database's files, while ``active``."""

    def __init__(self, db: Path):
        self.files = {str(p.resolve()) for p in database_files(db)}
        self.hits: list[str] = []
        self.active = False

    def __call__(self, event: str, args: tuple) -> None:
        if not self.active or not (event == "open" or event.startswith(("os.", "shutil."))):
            return
        for arg in args:
            if isinstance(arg, str | bytes | Path):
                name = arg.decode(errors="replace") if isinstance(arg, bytes) else str(arg)
                if str(Path(name).resolve()) in self.files:
                    self.hits.append(f"{event}: {name}")


async def test_commands_and_the_app_never_open_the_database_file(tmp_path: Path) -> None:
    db = tmp_path / "watched.db"
    teammate = tmp_path / "lee.db"
    with Store(teammate) as other:
        uid, _ = other.articles.add("엔비디아와 삼성전자가 경주에서 만났다.")
        other.spans.label_range(uid, 0, 4, "OG", annotator="lee")
    watch = Watch(db)
    sys.addaudithook(watch)  # cannot be removed: inert once ``active`` is False
    watch.active = True
    try:
        runner = CliRunner()
        here = ["--db", str(db)]
        for args in (["import", str(SEED_FILE)], ["stats", "--json"], ["articles"],
                     ["merge", str(teammate)], ["agreement"], ["labels", "add", "EV"],
                     ["labels", "export", str(tmp_path / "labels.json")],
                     ["export", "--format", "doccano", "--status", "all", "--out",
                      str(tmp_path / "out.jsonl")]):
            result = runner.invoke(main, [*args, *here])
            assert result.exit_code == 0, (args, result.output)
        assert json.loads(runner.invoke(main, ["stats", "--json", *here]).output)[
            "articles"]["total"] == 2  # the seed and the merged one
        store = Store(db)
        app = HanmarkApp(store, annotator="kim")
        async with app.run_test() as pilot:
            await settle(pilot)
            await pilot.press("1")
            await settle(pilot)
            assert app.screen.status.message.plain.startswith("saved ")
        store.close()
    finally:
        watch.active = False
    assert watch.hits == []
