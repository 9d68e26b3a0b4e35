"""The installed distribution adds one name, ``hanmark``, to site-packages, and its
layers hold (tui above nlp above store; store and nlp never import Textual).

``store``, ``nlp``, ``tui`` and ``seeds`` are each another distribution's name
on the package index; installed bare they would shadow or be shadowed. The
layers are checked with import-linter on the installed wheel, where the
folders sit under ``hanmark/`` as Python sees them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO


def test_the_wheel_installs_hanmark_and_nothing_else_at_the_top(tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(wheels), str(REPO)], check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("hanmark-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=600)
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
