"""The installed distribution adds one name, ``hanmark``, to site-packages, its
layers hold (tui above nlp above store; store and nlp never import Textual) and
no two of its modules import each other (but the circles listed here).

``store``, ``nlp``, ``tui`` and ``seeds`` are each another distribution's name
on the package index; installed bare they would shadow or be shadowed. The
layers are checked with import-linter on the installed wheel, where the
folders sit under ``hanmark/`` as Python sees them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the repository and installed into a folder of its own."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(wheels), str(REPO)], check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("hanmark-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=600)
    return target


def test_the_wheel_installs_hanmark_and_nothing_else_at_the_top(site: Path,
                                                                 tmp_path: Path) -> None:
    target = site
    names = {p.name for p in target.iterdir() if p.name != "bin"}
    assert {n for n in names if not n.endswith(".dist-info")} == {"hanmark"}
    installed = target / "hanmark"
    assert (installed / "seeds" / "000_487a5749c62e61c4.txt").is_file()
    assert (installed / "nlp" / "models" / "default.hmcrf").is_file()
    assert (installed / "tui" / "hanmark.tcss").is_file()
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import hanmark.tui.cli, hanmark.store;"
            " print(hanmark.store.__file__)")
    where = subprocess.run([sys.executable, "-c", code, str(target)], cwd=tmp_path, check=True,
                           capture_output=True, text=True, timeout=60).stdout
    assert where.startswith(str(installed))
    lint = Path(sys.executable).with_name("lint-imports")
    contracts = subprocess.run([str(lint), "--config", str(REPO / "pyproject.toml")],
                               cwd=tmp_path, capture_output=True, text=True, timeout=120,
                               env={**os.environ, "PYTHONPATH": str(target)})
    assert contracts.returncode == 0, contracts.stdout
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert f"{len(declared['contracts'])} kept, 0 broken" in contracts.stdout


KNOWN_CIRCLES: list[set[str]] = []  # none: add one only with the reason it must stay
# Each strongly connected group of modules (more than one: a circle), printed as JSON.
CIRCLES = """
import json, grimp
graph = grimp.build_graph("hanmark", cache_dir=None, exclude_type_checking_imports=True)
index, low, stack, on, groups = {}, {}, [], set(), []
def visit(module):
    index[module] = low[module] = len(index)
    stack.append(module)
    on.add(module)
    for other in graph.find_modules_directly_imported_by(module):
        if other not in index:
            visit(other)
            low[module] = min(low[module], low[other])
        elif other in on:
            low[module] = min(low[module], index[other])
    if low[module] == index[module]:
        group = set()
        while module not in group:
            group.add(stack.pop())
        on.difference_update(group)
        if len(group) > 1:
            groups.append(sorted(group))
for module in sorted(graph.modules):
    if module not in index:
        visit(module)
print(json.dumps(groups))
"""


def test_no_import_circle_between_modules(site: Path, tmp_path: Path) -> None:
    """grimp (import-linter's graph) over every import, at the top of a module or
    inside a function: no two modules reach each other but the known ones. Imports
    under ``TYPE_CHECKING`` are left out: they name a type for annotations and never
    run (the table objects name their ``Store``, which builds them)."""
    found = subprocess.run([sys.executable, "-c", CIRCLES], cwd=tmp_path, check=True,
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(site)}).stdout
    assert [set(group) for group in json.loads(found)] == KNOWN_CIRCLES
