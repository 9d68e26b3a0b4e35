"""hanmark suggest leaves articles marked done alone unless --all (issue 17, item 4)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hanmark.nlp.crf import CrfModel
from hanmark.store import Store
from hanmark.tui.cli import main

TEXTS = ("삼성전자는 서울에서 새 반도체 공장을 발표했다. 이재용 회장이 참석했다.",
         "현대자동차는 부산에서 전기차 26만 대를 생산한다고 밝혔다.",
         "엔비디아와 SK하이닉스가 2025년 11월 1일 협력을 발표했다.")


def _suggested(db: Path) -> dict[str, int]:
    with Store(db) as store:
        return {row.uid: len(store.spans.of(row.uid, states=("suggested",)))
                for row in store.articles.page()}


def test_done_articles_are_skipped_and_counted_then_all_includes_them(
        tmp_path: Path, tiny_model: CrfModel) -> None:
    model = tmp_path / "tiny.hmcrf"
    tiny_model.save(model)
    db = tmp_path / "h.db"
    with Store(db) as store:
        uids = [store.articles.add(text)[0] for text in TEXTS]
        for uid in uids[1:]:
            store.articles.set_status(uid, "done", "kim")
    run = ["suggest", "--db", str(db), "--model", str(model)]
    result = CliRunner().invoke(main, run)
    assert result.exit_code == 0, result.output
    assert "in 1 article." in result.output
    assert "Skipped 2 articles already done (--all includes them)." in result.output
    counts = _suggested(db)
    assert counts[uids[0]] > 0 and counts[uids[1]] == counts[uids[2]] == 0
    result = CliRunner().invoke(main, [*run, "--all"])
    assert result.exit_code == 0, result.output
    assert "in 3 articles." in result.output and "Skipped" not in result.output
    assert all(_suggested(db).values())
