"""store and nlp never import Textual: the data layer must work without the UI."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", [
    "hanmark.store", "hanmark.store.importer", "hanmark.store.labels", "hanmark.store.html",
    "hanmark.nlp", "hanmark.nlp.analyzer", "hanmark.nlp.suggest", "hanmark.nlp.training"])
def test_layer_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
