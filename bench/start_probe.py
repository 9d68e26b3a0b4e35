"""Time from process start to the first painted screen, for bench/ui.py.

    python bench/start_probe.py bare|app|hanmark [DB]

``app`` opens the store and the app directly; ``hanmark`` goes through the
command's module (tui.cli) as the ``hanmark`` command does.

Prints seconds since the parent's clock reading (passed in HANMARK_T0) at the
first screen update, then exits. Only the app under test is imported, so the
bare app pays for Textual alone and hanmark for everything it loads.
Benchmarks call ``process_start`` rather than running this file themselves.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def byte_compile() -> None:
    """Compile hanmark's modules as ``pip install`` does. Textual's modules are
    compiled in site-packages; a checkout run with PYTHONDONTWRITEBYTECODE would
    compile each of ours from source at every start, which no installed copy pays."""
    for package in ("store", "nlp", "tui", "seeds"):
        compileall.compile_dir(REPO / package, quiet=1)


def process_start(kind: str, db: Path) -> float:
    """Seconds from launching a fresh ``kind`` process to its first painted screen."""
    env = {**os.environ, "HANMARK_T0": repr(time.time())}
    out = subprocess.run([sys.executable, __file__, kind, str(db)],
                         env=env, capture_output=True, text=True, check=True).stdout
    return float(out.split()[-1])


def main() -> None:
    kind = sys.argv[1]
    from textual.app import App

    if kind == "bare":
        from textual.widgets import Static

        class Bare(App):
            def compose(self):
                yield Static("hello")

        app: App = Bare()
    else:
        sys.path.insert(0, str(REPO))
        from hanmark.tui.app import HanmarkApp

        if kind == "app":
            from hanmark.store import Store

            app = HanmarkApp(Store(sys.argv[2]), "bench")
        else:
            from hanmark.tui.cli import open_store

            app = HanmarkApp(open_store(sys.argv[2]), "bench")
    display = app._display

    def first(screen, renderable):
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)
            print(time.time() - float(os.environ["HANMARK_T0"]), flush=True)
            app._display = display
            app.call_later(app.exit)
        return display(screen, renderable)

    app._display = first
    app.run(headless=True, size=(120, 40))


if __name__ == "__main__":
    main()
