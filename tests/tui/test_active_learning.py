"""Active learning in the list: the articles the model is least sure of come first on r."""

from __future__ import annotations

from hanmark.store import Store
from tests.tui.conftest import reader, settle
from tests.tui.screen_text import screen_text


async def test_r_orders_the_list_least_confident_first(store: Store, no_suggestions) -> None:
    uids = [store.articles.add(f"{name} 기사입니다.", title=name)[0]
            for name in ("확실한", "애매한", "중간인")]
    store.articles.set_uncertainty(zip(uids, [0.05, 0.9, 0.4], strict=True))
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = pilot.app.screen.article_list
        articles.focus()
        await pilot.press("r")
        assert [articles.row(i).title for i in range(3)] == ["애매한", "중간인", "확실한"]
        assert "Articles (3) unsure first" in screen_text(pilot.app)
        await pilot.press("r")
        assert [articles.row(i).title for i in range(3)] == ["확실한", "애매한", "중간인"]
