"""The reader driven by keys against a real database file, read back with the store API."""

from __future__ import annotations

import os
from pathlib import Path

import pyperclip

from hanmark.nlp.analyzer import get_analyzer
from hanmark.store import Store
from hanmark.tui.screens.help import HelpScreen
from hanmark.tui.screens.main import MainScreen
from tests.tui.conftest import ANNOTATOR, goto, reader, settle
from tests.tui.screen_text import screen_text


def mine(store: Store, uid: str) -> list[tuple[int, int, str, str]]:
    return [(s.start, s.end, s.label, s.state) for s in store.spans.of(uid, annotator=ANNOTATOR)]


async def test_selection_by_morpheme_leaves_the_particle_out(store, seeded, seed_text,
                                                            no_suggestions):
    start = seed_text.index("엔비디아와")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, start)
        await pilot.press("shift+right", "3")
        await settle(pilot)
        assert "saved" in screen_text(pilot.app)
    assert (start, start + 4, "OG", "accepted") in mine(store, seeded)
    assert all(s.end != start + 5 for s in store.spans.of(seeded, annotator=ANNOTATOR))


async def test_label_key_tags_the_morpheme_and_relabels_a_span(store, seeded, seed_text,
                                                               no_suggestions):
    start = seed_text.index("경북")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, start)
        await pilot.press("1")  # label the morpheme (or the suggestion there) as PS
        assert (start, start + 2, "PS", "accepted") in mine(store, seeded)
        await pilot.press("2")  # on an existing span: change its label
        await settle(pilot)
    assert (start, start + 2, "LC", "accepted") in mine(store, seeded)
    assert not any(s[2] == "PS" and s[0] == start for s in mine(store, seeded))


async def test_moves_go_by_morpheme_and_character_keys_fix_boundaries(store, seeded, seed_text,
                                                                      no_suggestions):
    start = seed_text.index("이재명")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, start)
        await pilot.press("right")  # 이재명 -> 대통령, one morpheme on
        assert pilot.app.screen.text_view.cursor == seed_text.index("대통령", start)
        await pilot.press("left", "shift+right", "shift+right", "shift+left", "1")
        assert (start, start + 3, "PS", "accepted") in mine(store, seeded)
        await pilot.press("right_curly_bracket")  # end one character right
        assert (start, start + 4, "PS", "accepted") in mine(store, seeded)
        await pilot.press("left_curly_bracket", "right_square_bracket")  # back; start right
        await settle(pilot)
    assert (start + 1, start + 3, "PS", "accepted") in mine(store, seeded)


async def test_accept_reject_and_accept_all(store, seeded):
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        suggested = store.spans.of(seeded, states=("suggested",))
        assert len(suggested) >= 3, "the suggester should have proposed entities"
        first, second = suggested[0], suggested[1]
        await goto(pilot, first.start)
        await pilot.press("enter")
        await goto(pilot, second.start)
        await pilot.press("x")
        await pilot.press("A")  # asks first, saying how many
        pending = len(store.spans.of(seeded, states=("suggested",)))
        assert f"Accept {pending} suggestions?" in screen_text(pilot.app)
        await pilot.press("A")
        await settle(pilot)
    assert store.spans.get(first.id).state == "accepted"
    assert store.spans.get(first.id).annotator == ANNOTATOR
    assert store.spans.get(second.id).state == "rejected"  # accept-all leaves it rejected
    states = {s.id: s.state for s in store.spans.of(seeded)}
    assert "suggested" not in states.values()


async def test_undo_redo_survive_a_restart(db_path: Path, store, seeded, seed_text,
                                           no_suggestions):
    start = seed_text.index("경주")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, start)
        await pilot.press("2")
        assert (start, start + 2, "LC", "accepted") in mine(store, seeded)
        await pilot.press("u")
        assert (start, start + 2, "LC", "accepted") not in mine(store, seeded)
        await pilot.press("U")
        assert (start, start + 2, "LC", "accepted") in mine(store, seeded)
        await pilot.press("q")
    with Store(db_path) as again:
        async with reader(again).run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert pilot.app.screen.text_view.cursor == start  # reopened where we left
            await pilot.press("ctrl+z")
            assert (start, start + 2, "LC", "accepted") not in mine(again, seeded)
            await pilot.press("ctrl+y")
            assert "saved" in screen_text(pilot.app)
        assert (start, start + 2, "LC", "accepted") in mine(again, seeded)


async def test_done_opens_the_next_article_and_skip_skips(store, seeded):
    second, _ = store.articles.add("삼성전자는 서울에 있다.", title="second")
    third, _ = store.articles.add("네이버는 성남에 있다.", title="third")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert pilot.app.screen.article.uid == second
        assert "second" in screen_text(pilot.app)
        await pilot.press("s")
        assert pilot.app.screen.article.uid == third
        await settle(pilot)
    assert store.articles.get(seeded).status == "done"
    assert store.articles.get(second).status == "skipped"
    assert store.articles.get(third).status == "new"


async def test_list_search_filter_and_enter(store, seeded):
    other, _ = store.articles.add("네이버는 성남에 있다.", title="naver")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab")  # text -> list
        listing = pilot.app.screen.article_list
        assert pilot.app.focused is listing
        await pilot.press("slash", *"성남에", "enter")
        assert listing.row_count == 1
        assert "Articles (1) /성남에" in screen_text(pilot.app)
        await pilot.press("enter")
        assert pilot.app.screen.article.uid == other
        assert pilot.app.focused is pilot.app.screen.text_view
        await settle(pilot)
        await pilot.press("shift+tab", "slash", "enter")  # clear the search
        await pilot.press("f")  # status filter: new
        assert listing.status == "new" and listing.row_count == 1  # the seed is in progress


def add_numbered(store, n: int, text: str, title: str) -> None:
    """n articles in one transaction; ``{}`` in text and title is the number."""
    with store.transaction():
        for i in range(n):
            store.articles.add(text.format(i), title=title.format(i))


async def test_a_search_with_many_matches_shows_at_once_and_counts_them_all(store, seeded):
    add_numbered(store, 1200, "{}번째 기사: 성남에서 열린 회의.", "성남 {}")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = pilot.app.screen.article_list
        listing.search = "성남에서"
        listing.reload()
        assert listing.row(0).title == "성남 0"  # the first page, before the total
        assert "(1,000+, counting)" in str(listing.border_title)
        await settle(pilot)
        assert listing.row_count == 1200
        assert "Articles (1,200)" in screen_text(pilot.app)
        listing.focus()
        await pilot.press("end")
        assert listing.row(listing.cursor_row).title == "성남 1199"


async def test_a_search_too_short_for_the_index_is_read_off_the_screen_thread(store, seeded):
    other, _ = store.articles.add("네이버는 성남에 있다.", title="naver")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = pilot.app.screen.article_list
        shown, show = [], listing._show_title
        listing._show_title = lambda count: (shown.append(count), show(count))
        listing.focus()
        await pilot.press("slash", *"성남", "enter")
        await settle(pilot)
        assert shown == ["searching", "1"]  # the screen went on before the scan ended
        assert listing.row_count == 1 and listing.row(0).uid == other
        assert "Articles (1) /성남" in screen_text(pilot.app)


async def test_table_and_cursor_follow_each_other(store, seeded, seed_text, no_suggestions):
    start, later = seed_text.index("경북"), seed_text.index("경주")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await goto(pilot, later)
        await pilot.press("2")
        await goto(pilot, start)
        await pilot.press("2")
        await goto(pilot, later + 1)
        assert screen.table.current_span().start == later
        await pilot.press("tab")
        assert pilot.app.focused is screen.table
        await pilot.press("up")
        assert screen.text_view.cursor == screen.table.current_span().start == start
        await pilot.press("e", *"검토", "enter")
        await settle(pilot)
    assert [s.note for s in store.spans.of(seeded, annotator=ANNOTATOR) if s.start == start] == [
        "검토"]


async def test_copy_uses_pyperclip_or_says_it_fell_back(store, seeded, seed_text, monkeypatch,
                                                       no_suggestions):
    copied = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, seed_text.index("이재명"))
        await pilot.press("c")
        assert copied == ["이재명"]
        assert "system clipboard" in screen_text(pilot.app)

        def no_clipboard(text):
            raise pyperclip.PyperclipException("no copy/paste mechanism")

        monkeypatch.setattr(pyperclip, "copy", no_clipboard)
        await pilot.press("C")
        assert '"text": ' in pilot.app.clipboard and seed_text[:20] in pilot.app.clipboard
        assert "OSC 52" in screen_text(pilot.app)


async def test_kiwi_works_in_a_child_process_and_learns_labeled_words(store, seeded):
    uid, _ = store.articles.add("퓨리오사AI가 투자를 받았다. 퓨리오사AI와 협력한다.", title="new")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        analyzer = get_analyzer()
        assert analyzer._child.pid != os.getpid()  # loading and rebuilding Kiwi hold the
        assert analyzer._kiwi is None  # GIL for seconds: never in the screen's process
        pilot.app.screen.open_article(uid)
        await settle(pilot)
        await pilot.press("shift+right", "shift+right", "3")  # 퓨리오사 + AI
        await settle(pilot)
        assert (0, 6, "OG", "accepted") in mine(store, uid)
        await pilot.press("d")  # to the seed article, then back: Kiwi learned the word
        await settle(pilot)
        pilot.app.screen.open_article(uid)
        await settle(pilot)
        tokens = pilot.app.screen.text_view.analysis.tokens
        assert ("퓨리오사AI", "NNP") in [(t.form, t.tag) for t in tokens]


async def test_cursor_moves_by_character_until_the_analysis_arrives(store, seeded, monkeypatch):
    import threading

    import hanmark.nlp.analyzer

    release = threading.Event()
    real = hanmark.nlp.analyzer.analysis_for

    def slow_analysis(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(hanmark.nlp.analyzer, "analysis_for", slow_analysis)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        view = pilot.app.screen.text_view
        await pilot.pause()  # the first frame: the article fills in right after it
        await pilot.press("right", "right")
        assert view.cursor == 2  # usable at once, one character per press
        release.set()
        await settle(pilot)
        await goto(pilot, 49)  # 이재명
        await pilot.press("right")
        assert view.cursor == 53  # a whole morpheme (대통령)


async def test_markup_and_escapes_in_articles_show_literally(store):
    text = "[bold red]굵게[/bold red] [link=file:///etc/passwd]x[/link] \x1b[31m빨강\u202e끝"
    store.articles.add(text, title="[bold]제목[/bold]")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = screen_text(pilot.app)
        assert "[bold red]굵게[/bold red]" in shown
        assert "[link=file:///etc/passwd]x[/link]" in shown
        assert "␛[31m빨강\ufffd끝" in shown  # ESC and the bidi override drawn visibly
        assert "[bold]제목[/bold]" in shown
        assert "\x1b" not in shown and "\u202e" not in shown
        segments = [seg for y in range(5) for seg in pilot.app.screen.text_view.render_line(y)]
        assert not any(seg.style and seg.style.link for seg in segments)


async def test_help_lists_every_key_and_the_palette_runs_actions(store, seeded):
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        for _pane, _node, bindings in screen.binding_sections():
            assert all(binding.id for binding in bindings)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        shown = screen_text(pilot.app)
        assert "Accept all" in shown and "Undo" in shown
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)
        await pilot.press("ctrl+p", *"Accept all", "enter")
        await settle(pilot)
        await pilot.press("enter")  # accept-all asks once
    assert not store.spans.of(seeded, states=("suggested",))
    assert store.spans.of(seeded, annotator=ANNOTATOR)


async def test_the_list_pages_through_thousands_of_articles(store, seeded):
    add_numbered(store, 3000, "{}번째 기사: 네이버가 발표했다.", "기사 {:04d}")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab", "end")
        shown = screen_text(pilot.app)
        assert "기사 2999" in shown and "Articles (3,001)" in shown
        assert len(pilot.app.screen.query("*")) < 60  # no widget per article
        await pilot.press("enter")
        assert pilot.app.screen.article.title == "기사 2999"


async def test_keys_can_be_remapped_by_binding_id(store, seeded, seed_text, no_suggestions):
    start = seed_text.index("경주")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        pilot.app.set_keymap({"undo": "z", "label-2": "l"})
        await settle(pilot)
        await goto(pilot, start)
        await pilot.press("l")
        assert (start, start + 2, "LC", "accepted") in mine(store, seeded)
        await pilot.press("z")
        assert mine(store, seeded) == []


async def test_a_read_only_database_says_so_instead_of_crashing(db_path, store, seeded, seed_text):
    with Store(db_path, readonly=True) as readonly:
        async with reader(readonly).run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await goto(pilot, seed_text.index("경주"))
            await pilot.press("2", "u", "d")
            assert "read-only" in screen_text(pilot.app)
            assert pilot.app.is_running
    assert store.spans.of(seeded, annotator=ANNOTATOR) == []
