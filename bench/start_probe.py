"""Time from process start to the first painted screen, for bench/ui.py.

    python bench/start_probe.py bare|app|hanmark [DB]

``app`` opens the store and the app directly; ``hanmark`` goes through the
command's module (tui.cli) as the ``hanmark`` command does.

Prints seconds since the parent's clock reading (passed in HANMARK_T0) at the
first screen update, then exits. Only the app under test is imported, so the
bare app pays for Textual alone and hanmark for everything it loads.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


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
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tui.app import HanmarkApp

        if kind == "app":
            from store import Store

            app = HanmarkApp(Store(sys.argv[2]), "bench")
        else:
            from tui.cli import open_store

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
