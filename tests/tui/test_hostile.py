"""Hostile article text: stored safely, shown literally, offsets consistent, terminal untouched."""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path

from hanmark.nlp.analyzer import Analysis, get_analyzer
from hanmark.store import Store
from hanmark.store.importer import import_sources
from tests.tui.conftest import goto, reader, settle
from tests.tui.screen_text import screen_text

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
OSC_LINK = "\x1b]8;;http://evil.example\x1b\\여기\x1b]8;;\x1b\\"
CSI = "\x1b[1m\x1b[2J"
HOSTILE = (f"제목{OSC_TITLE} 복사{OSC_CLIPBOARD} 링크{OSC_LINK} 굵게{CSI}끝 "
           "bidi\u202eevil\u202c zw\u200b\u200d끝 [bold]마크업[/bold]")


def _terminal_safe(shown: str) -> None:
    """Nothing on screen could act on a terminal: no C0/C1 controls, no bidi or zero-width."""
    bad = [c for c in shown if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")]
    assert bad == []


async def test_imported_hostile_file_is_cleaned_and_reported(store: Store,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    report = import_sources(store, [str(path)])
    [row] = store.articles.page()
    text = store.articles.get(row.uid).text
    assert "\x1b" not in text and "\x07" not in text
    assert "terminal escape sequences removed" in report.summary()
    assert "\u202e" in text  # bidi marks are text: kept, and drawn visibly
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = screen_text(pilot.app)
    _terminal_safe(shown)
    assert "[bold]마크업[/bold]" in shown
    assert "제목 복사 링크여기 굵게끝" in shown  # whole sequences gone, the text around kept


async def test_raw_escapes_stored_through_the_api_never_reach_the_terminal(store: Store) -> None:
    store.articles.add(HOSTILE, title=f"제목{OSC_TITLE}")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = screen_text(pilot.app)
    _terminal_safe(shown)
    assert "␛]52;c;ZXZpbA==␇" in shown  # the clipboard write is drawn, not sent


async def test_offsets_hold_across_emoji_astral_nfd_and_jamo(store: Store, tmp_path: Path,
                                                            no_suggestions) -> None:
    text = "🎉 𠀀 " + unicodedata.normalize("NFD", "엔비디아와") + " \u1100\u119e 경주에서"
    path = tmp_path / "wide.txt"
    path.write_text(text, encoding="utf-8")
    import_sources(store, [str(path)])
    [row] = store.articles.page()
    stored = store.articles.get(row.uid).text
    assert stored == "🎉 𠀀 엔비디아와 \u1100\u119e 경주에서"  # NFC; old-Hangul jamo kept
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, stored.index("엔비디아"))
        await pilot.press("3")  # OG on the morpheme under the cursor
        await settle(pilot)
        await goto(pilot, stored.index("경주"))
        await pilot.press("2")
        await settle(pilot)
        shown = screen_text(pilot.app)
    labeled = sorted((stored[s.start:s.end], s.label) for s in store.spans.of(row.uid)
                     if s.state == "accepted")
    # after an emoji, an astral character and old-Hangul jamo, offsets still land on
    # the morphemes (Kiwi reads 엔비디아와 here as one proper noun)
    morpheme = next(stored[t.start:t.end] for t in get_analyzer().analyse(stored).tokens
                    if t.start == stored.index("엔비디아"))
    assert labeled == [("경주", "LC"), (morpheme, "OG")]
    assert "🎉 𠀀 엔비디아와" in shown


async def test_one_megabyte_line_and_hundred_thousand_lines_open(store: Store,
                                                                 no_suggestions) -> None:
    """Both open and draw their far end. Their analyses are cached as empty (Kiwi would
    take a minute on a megabyte, in a worker) and nothing is suggested (half a minute
    each, which the test's end waited for): this is about drawing, not morphemes."""
    long_line = ("가나다라마바사 " * 130_000)[:1_000_000] + "끝줄"
    many_lines = "\n".join(f"{i}번째 줄" for i in range(100_000))
    version = get_analyzer().version
    for text in (long_line, many_lines):
        uid, _ = store.articles.add(text)
        store.analyses.put([(uid, version, Analysis(text, (), ((0, len(text)),)).to_json())])
    async with reader(store).run_test(size=(100, 30)) as pilot:
        for row, text in enumerate((long_line, many_lines)):
            pilot.app.screen.query_one("ArticleList").focus()
            await pilot.press("home", *["down"] * row, "enter")
            await pilot.pause()
            assert pilot.app.screen.text_view.text == text
            await goto(pilot, len(text) - 1)
            shown = screen_text(pilot.app)
            assert text[-2:] in shown
            _terminal_safe(shown)


async def _press_q_once(pilot, busy) -> None:
    for _ in range(600):
        if busy():
            break
        await pilot.pause(0.05)
    assert busy()
    await pilot.press("q")


async def _worker_threads_end() -> None:
    """What the app's process waits for once the app has ended."""
    await asyncio.get_running_loop().shutdown_default_executor()


async def test_quitting_stops_kiwi_mid_megabyte(store: Store) -> None:
    """Kiwi takes 20 s on a megabyte article; quitting stops it rather than wait."""
    uid, _ = store.articles.add(("가나다라마바사 " * 130_000)[:1_000_000])
    async with reader(store).run_test(size=(100, 30)) as pilot:
        await _press_q_once(pilot, lambda: getattr(get_analyzer(), "_answering", None))
    await _worker_threads_end()
    assert store.analyses.get(uid, get_analyzer().version) is None  # given up, not finished


async def test_quitting_stops_suggestions_mid_megabyte(store: Store) -> None:
    """A hundred thousand lines hold as many quantities; quitting stops the model half a
    minute early and writes none of them."""
    text = "\n".join(f"{i}번째 줄" for i in range(100_000))
    uid, _ = store.articles.add(text)
    store.analyses.put([(uid, get_analyzer().version,
                         Analysis(text, (), ((0, len(text)),)).to_json())])
    async with reader(store).run_test(size=(100, 30)) as pilot:
        await _press_q_once(pilot, lambda: any(w.description == "suggest entities"
                                               and w.is_running for w in pilot.app.workers))
    await _worker_threads_end()
    assert store.spans.of(uid) == []
