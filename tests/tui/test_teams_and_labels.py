"""The reader with large label sets and several annotators: picker, keys, overlay, review."""

from __future__ import annotations

from hanmark.store import Label, Store
from hanmark.store.labels import add_labels, preset
from hanmark.tui.app import HanmarkApp
from hanmark.tui.screens.review import ReviewScreen
from hanmark.tui.screens.stats import StatsScreen
from tests.tui.conftest import ANNOTATOR, goto, reader, settle
from tests.tui.screen_text import screen_text

TEXT = "김철수가 서울 삼성전자에 갔다. 이재명 대통령은 경주에서 엔비디아와 만났다."


async def test_picker_labels_with_a_150_label_set(store: Store, seeded, seed_text,
                                                  no_suggestions) -> None:
    add_labels(store, preset("nikl150"))
    start = seed_text.index("엔비디아")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, start)
        await pilot.press("l", "o", "g", "m", "enter")  # four presses after opening
        await settle(pilot)
    labels = {(s.start, s.label) for s in store.spans.of(seeded, annotator=ANNOTATOR)}
    assert (start, "OGG_MEDIA") in labels


async def test_number_keys_follow_label_keys(store: Store, seeded, seed_text,
                                             no_suggestions) -> None:
    add_labels(store, [Label("PRODUCT", "제품", "7", "#ff8800")])
    start = seed_text.index("엔비디아")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "7  PRODUCT" in screen_text(pilot.app)  # the legend shows the key
        await goto(pilot, start)
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("9")  # no label has key 9
        assert "No label on key 9" in screen_text(pilot.app)
    assert (start, start + 4, "PRODUCT") in {
        (s.start, s.end, s.label) for s in store.spans.of(seeded, annotator=ANNOTATOR)}


def _two_annotators(store: Store) -> str:
    uid, _ = store.articles.add(TEXT, title="만남")
    for who, spans in (("lee", [(0, 3, "PS"), (5, 12, "OG")]), (ANNOTATOR, [(0, 3, "PS")])):
        for start, end, label in spans:
            store.spans.label_range(uid, start, end, label, annotator=who)
        store.articles.set_status(uid, "done", who)
    return uid


async def test_own_layer_by_default_and_overlay_toggles(store: Store, no_suggestions) -> None:
    uid = _two_annotators(store)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.article.uid == uid
        assert [(s.annotator, s.start) for s in screen.session.spans] == [(ANNOTATOR, 0)]
        await pilot.press("o")
        assert [(s.annotator, s.end) for s in screen.text_view.overlay] == [("lee", 3),
                                                                           ("lee", 12)]
        assert "Overlay: lee's 2 labels" in screen_text(pilot.app)
        strip = screen.text_view.render_line(0)
        assert any(seg.style and seg.style.italic for seg in strip)
        await pilot.press("o")
        assert screen.text_view.overlay == [] or screen.overlaid is None
        assert "Overlay off." in screen_text(pilot.app)


async def test_review_and_statistics_open_from_the_reader(store: Store, no_suggestions) -> None:
    uid = _two_annotators(store)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert (pilot.app.screen.a, pilot.app.screen.b) == (ANNOTATOR, "lee")
        await pilot.press("b", "escape")  # take lee's 서울 삼성전자 OG into gold
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(pilot.app.screen, StatsScreen)
        assert "Accepted spans by label" in screen_text(pilot.app)
    assert {(s.start, s.end, s.label) for s in store.spans.of(uid, annotator="gold")} == {
        (5, 12, "OG")}


async def _app_session(path, annotator: str, keys_at: list[tuple[str, str]]) -> str:
    """One person's session in the reader on their own database file."""
    with Store(path) as own:
        uid, _ = own.articles.add(TEXT, title="만남")
        async with HanmarkApp(own, annotator=annotator).run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            for word, key in keys_at:
                await goto(pilot, TEXT.index(word))
                await pilot.press(key)
                await settle(pilot)
            await pilot.press("d")  # done
            await settle(pilot)
    return uid


async def test_two_app_sessions_merge_into_agreement_and_gold(tmp_path, no_suggestions) -> None:
    from hanmark.store.agreement import agreement
    from hanmark.store.merge import merge_database

    uid = await _app_session(tmp_path / "kim.db", "kim", [("김철수", "1"), ("서울", "2")])
    await _app_session(tmp_path / "lee.db", "lee", [("김철수", "1"), ("서울", "3")])
    with Store(tmp_path / "kim.db") as store:
        report = merge_database(store, tmp_path / "lee.db")
        assert report.annotators == {"lee"} and report.spans == 2
        [pair] = agreement(store)
        # 김철수 PS agreed, 서울 LC vs OG not: F1 = 2 * 1 / (2 + 2)
        assert (pair.a, pair.b, pair.articles, pair.entity_f1) == ("kim", "lee", 1, 0.5)
        async with HanmarkApp(store, annotator="kim").run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await pilot.pause()
            await pilot.press("b", "g", "escape")  # lee's OG for 서울, and the agreed PS
            await pilot.pause()
        gold = {(TEXT[s.start:s.end], s.label) for s in store.spans.of(uid, annotator="gold")}
    assert gold == {("김철수", "PS"), ("서울", "OG")}
