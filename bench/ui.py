"""The reader's speed, headless (Textual Pilot), against a bare app in the same run.

    python bench/ui.py [--articles 100000] [--runs 15] [--keys 90] [--reuse DIR]

1. Start to the first painted screen: hanmark on a database holding the seed
   article against a bare Textual app with one Static widget; runs
   alternate, medians compared. Twice: in this process (imports already
   paid: app construction, store opening, compose, first paint) and as a
   fresh process each (bench/start_probe.py: what a person waits for).
2. Opening a 100,000-character article with 3,000 spans (analysis already
   cached, as it is after the first visit), alternating with a short one.
3. Key press to repainted screen on that article: morpheme moves, line moves,
   selection, a label key and its undo.
4. Jumping to the end of a list of N articles.
5. The screen's longest stall during the first three seconds, while Kiwi
   loads to analyse the first article: Kiwi in the app's own process (as
   before) and in the child process the app now uses.

"Painted" means the compositor produced the screen update and it was encoded
for the terminal (the ANSI text is built, then dropped: the run is headless).
Workers (analysis, label propagation) are waited for between measurements,
never timed. The suggester is switched off so the article keeps exactly
3,000 spans (with it on, the rules add thousands more to this text).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textual.app import App  # noqa: E402
from textual.widgets import Static  # noqa: E402

from bench.corpus import SEED, make_article, make_spans  # noqa: E402
from bench.start_probe import byte_compile, process_start  # noqa: E402
from hanmark.nlp.analyzer import analysis_for, get_analyzer  # noqa: E402
from hanmark.store import NewSpan, Store  # noqa: E402
from hanmark.tui.app import HanmarkApp  # noqa: E402

SIZE = (120, 40)


class Bare(App):
    def compose(self):
        yield Static("hello")


def watch_paints(app: App) -> list[float]:
    """Record the time of every screen update the app would send to the terminal."""
    paints: list[float] = []
    display = app._display

    def timed(screen, renderable):
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)
            paints.append(time.perf_counter())
        return display(screen, renderable)

    app._display = timed
    return paints


async def first_paint(make_app) -> float:
    start = time.perf_counter()
    app = make_app()
    paints = watch_paints(app)
    async with app.run_test(size=SIZE) as pilot:
        while not paints:
            await pilot.pause(0.001)
    return paints[0] - start


async def settle(pilot) -> None:
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


async def paint_after(pilot, paints: list[float], act) -> float:
    """Seconds from ``act`` starting to the first screen update after it."""
    before = len(paints)
    start = time.perf_counter()
    await act()
    while len(paints) == before:
        await pilot.pause(0.0005)
    return paints[before] - start


async def key_presses(pilot, paints: list[float], count: int) -> dict[str, list[float]]:
    """Seconds from each key press to the repaint, by key, from the middle of the
    open article: morpheme and line moves, selection, a label key and its undo."""
    await settle(pilot)
    view = pilot.app.screen.text_view
    view.move_to(len(view.text) // 2)
    await settle(pilot)
    keys = ["right", "right", "left", "down", "up", "shift+right", "escape", "1 (label)",
            "u (undo)"]
    kinds: dict[str, list[float]] = {key: [] for key in keys}
    for k in range(count):
        key = keys[k % len(keys)]

        async def press(key=key):
            await pilot.press(key.split(" ")[0])

        kinds[key].append(await paint_after(pilot, paints, press))
        await settle(pilot)
    return kinds


async def stalls_while_kiwi_loads(db: Path, *, in_child: bool) -> tuple[float, int]:
    """The longest time the screen could not answer during the app's first three
    seconds, while a Kiwi not yet loaded loads for the first article (in the
    child process, or in the app's own), and how many right-arrow presses
    were painted meanwhile. A 5 ms timer ticks in the app: the longest gap
    between ticks is the longest a key press would have waited."""
    import hanmark.nlp.analyzer
    import hanmark.tui.screens.main

    hanmark.nlp.analyzer._shared = None  # a Kiwi that still has to load, for an article
    with Store(db) as store:     # whose analysis is not cached
        with store.transaction():
            store.conn.execute("DELETE FROM analyses")
    switch = hanmark.tui.screens.main.kiwi_in_child_process
    if not in_child:
        hanmark.tui.screens.main.kiwi_in_child_process = lambda: None
    try:
        app = HanmarkApp(Store(db), "bench")
        paints = watch_paints(app)
        ticks: list[float] = []
        presses = 0
        async with app.run_test(size=SIZE) as pilot:
            app.set_interval(0.005, lambda: ticks.append(time.perf_counter()))
            end = time.perf_counter() + 3
            while time.perf_counter() < end:
                await paint_after(pilot, paints, lambda: pilot.press("right"))
                presses += 1
                await pilot.pause(0.02)
            await settle(pilot)
    finally:
        hanmark.tui.screens.main.kiwi_in_child_process = switch
    return max(b - a for a, b in itertools.pairwise(ticks)), presses


def figures(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (f"{name:<44} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"
            f"   max {ms[-1]:7.1f} ms   (n={len(ms)})")


def build(folder: Path, n_articles: int) -> tuple[Path, Path, str, str]:
    seed_db = folder / "seed.db"
    with Store(seed_db) as store:
        store.articles.add(SEED, title="APEC", collection="seeds")
    big_db = folder / "big.db"
    rng = random.Random(3)
    with Store(big_db) as store:
        big = make_article(0, rng, size=100_000)
        big_uid, _ = store.articles.add(big["text"], title="100,000 characters")
        small_uid, _ = store.articles.add(SEED, title="seed")
        spans = [NewSpan(s, e, label, "bench") if k % 3 else
                 NewSpan(s, e, label, "rules", origin="suggestion", state="suggested",
                         model="rules")
                 for k, (s, e, label) in enumerate(make_spans(big["text"], 3000, rng))]
        store.spans.add(big_uid, spans, actor="bench", log=False)
        with store.transaction():
            for i in range(n_articles):
                store.articles.add(f"목록 기사 {i}번: 삼성전자와 네이버가 {i}건을 발표했다.",
                                  title=f"목록 {i}", collection="list")
        t = time.perf_counter()
        for uid in (big_uid, small_uid):
            analysis_for(store, uid)
        print(f"(setup: Kiwi analysed the 100,000-character article in "
              f"{time.perf_counter() - t:.1f} s; cached)")
    return seed_db, big_db, big_uid, small_uid


async def main(args: argparse.Namespace) -> None:
    if args.reuse:
        seed_db, big_db = Path(args.reuse) / "seed.db", Path(args.reuse) / "big.db"
        with Store(big_db) as store:
            big_uid, small_uid = (row.uid for row in store.articles.page(limit=2))
    else:
        folder = Path(tempfile.mkdtemp(prefix="hanmark-bench-"))
        print(f"building {folder} ({args.articles} list articles) ...")
        seed_db, big_db, big_uid, small_uid = build(folder, args.articles)
    for in_child, where in ((False, "in the app's process"), (True, "in a child process")):
        stall, presses = await stalls_while_kiwi_loads(seed_db, in_child=in_child)
        print(f"Kiwi loading {where}: the screen's longest stall {stall * 1000:.0f} ms,"
              f" {presses} key presses painted in 3 s")
    get_analyzer().warm_up()
    import hanmark.nlp.suggest

    hanmark.nlp.suggest.suggest_article = lambda *args, **kwargs: 0

    bare, ours = [], []
    await first_paint(Bare)  # import and first-use costs, paid by neither side
    for _ in range(args.runs):
        bare.append(await first_paint(Bare))
        ours.append(await first_paint(lambda: HanmarkApp(Store(seed_db), "bench")))
    print(figures("start: bare Textual app (one Static)", bare))
    print(figures("start: hanmark on the seed database", ours))
    print(f"start ratio hanmark / bare (medians, imports already paid): "
          f"{statistics.median(ours) / statistics.median(bare):.2f}")
    byte_compile()
    starts: dict[str, list[float]] = {"bare": [], "app": [], "hanmark": []}
    for _ in range(max(args.runs // 2, 3)):
        for kind, times in starts.items():
            times.append(process_start(kind, seed_db))
    print(figures("process start: bare Textual app", starts["bare"]))
    print(figures("process start: store + HanmarkApp", starts["app"]))
    print(figures("process start: hanmark via tui.cli", starts["hanmark"]))
    app, cli, bare = (statistics.median(starts[k]) for k in ("app", "hanmark", "bare"))
    print(f"process start ratio / bare (medians): app {app / bare:.2f},"
          f" via tui.cli {cli / bare:.2f}  (target <= 1.5)")

    store = Store(big_db)
    app = HanmarkApp(store, "bench")
    paints = watch_paints(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await settle(pilot)
        opens = []
        for _ in range(args.runs):
            screen.open_article(small_uid)
            await settle(pilot)

            async def open_big():
                screen.open_article(big_uid)

            opens.append(await paint_after(pilot, paints, open_big))
            await settle(pilot)
        print(figures("open 100,000 chars / 3,000 spans", opens))

        kinds = await key_presses(pilot, paints, args.keys)
        every = [t for times in kinds.values() for t in times]
        for key, times in kinds.items():
            print(figures(f"key {key}", times))
        print(figures("key press to repaint, all keys", every) + "  (target median <= 16,"
              " p95 <= 50)")

        await pilot.press("shift+tab")
        jumps = []
        for _ in range(args.runs):
            async def end():
                await pilot.press("end")

            async def home():
                await pilot.press("home")

            jumps.append(await paint_after(pilot, paints, end))
            await paint_after(pilot, paints, home)
        print(figures(f"list of {screen.article_list.row_count} articles: end key", jumps))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keys", type=int, default=90)
    parser.add_argument("--reuse", metavar="DIR", help="a folder an earlier run built")
    asyncio.run(main(parser.parse_args()))
