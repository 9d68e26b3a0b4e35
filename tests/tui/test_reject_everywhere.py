"""X: a suggestion's form rejected with its label everywhere, never suggested again
(the negative gazetteer), undone in one step, listed and taken back on the CLI."""

from __future__ import annotations

from click.testing import CliRunner

from hanmark.store import NewSpan, Store
from hanmark.tui.cli import main
from tests.tui.conftest import goto, reader, settle

FIRST = "GPU 수요가 늘자 GPU 가격이 올랐다."
SECOND = "엔비디아는 GPU 공급을 늘린다고 밝혔다."


def _suggest_gpu(store: Store, uid: str, text: str) -> int:
    return store.spans.replace_suggestions(uid, [
        NewSpan(i, i + 3, "OG", "hanmark", origin="suggestion", state="suggested", model="crf")
        for i in range(len(text)) if text.startswith("GPU", i)], model="crf")


def _states(store: Store, uid: str) -> list[str]:
    return [s.state for s in store.spans.of(uid) if s.label == "OG"]


async def test_x_rejects_the_form_everywhere_and_undo_brings_it_back(
        store: Store, no_suggestions: None) -> None:
    first, _ = store.articles.add(FIRST, title="first")
    second, _ = store.articles.add(SECOND, title="second")
    _suggest_gpu(store, first, FIRST)
    _suggest_gpu(store, second, SECOND)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await goto(pilot, 0)
        await pilot.press("X")
        assert "rejected GPU as OG everywhere (3 suggestions)" in screen.status.message.plain
        assert _states(store, first) == ["rejected", "rejected"]
        assert _states(store, second) == ["rejected"]
        assert _suggest_gpu(store, second, SECOND) == 0  # never suggested again
        await pilot.press("u")  # one step back: the suggestions and the gazetteer entry
        assert _states(store, first) == ["suggested", "suggested"]
        assert _states(store, second) == ["suggested"]
        assert store.rejected.pairs() == set()
        await pilot.press("U")
        assert store.rejected.pairs() == {("GPU", "OG")}


def test_the_cli_lists_and_takes_back_a_rejected_form(store: Store) -> None:
    uid, _ = store.articles.add(FIRST)
    _suggest_gpu(store, uid, FIRST)
    gpu = store.spans.of(uid)[0]
    assert store.spans.reject_everywhere(gpu.id, actor="kim") == 2
    path = str(store.path)
    listed = CliRunner().invoke(main, ["labels", "rejected", "--db", path])
    assert listed.exit_code == 0 and "GPU\tOG\tkim" in listed.output
    back = CliRunner().invoke(main, ["labels", "unreject", "GPU", "OG", "--db", path])
    assert back.exit_code == 0 and "GPU may be suggested as OG again" in back.output
    assert store.rejected.pairs() == set()
    again = CliRunner().invoke(main, ["labels", "unreject", "GPU", "OG", "--db", path])
    assert again.exit_code == 1 and "GPU is not rejected as OG" in again.output
