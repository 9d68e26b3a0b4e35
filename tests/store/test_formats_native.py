"""Native hanmark JSONL: export then import gives an identical database."""

from __future__ import annotations

from pathlib import Path

from hanmark.store import Label, NewSpan, Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources

TEXTS = ["엔비디아와 삼성전자가 GPU 26만 장을 확보했다.", "이재명 대통령이 경주에서 말했다.",
         "오늘은 아무 일도 없었다."]


def _tables(store: Store) -> tuple[list, list, list]:
    """Every article column, every span column but the id, every label."""
    articles = list(store.articles.stream())
    spans = [s.__dict__ | {"id": None} for a in articles for s in store.spans.of(a.uid)]
    return articles, spans, store.labels.all()


def _log(store: Store) -> list[tuple]:
    """Each article's event log in order, without ids (a copy renumbers them)."""

    def bare(state: dict | None) -> dict | None:
        return state and {k: v for k, v in state.items() if k != "id"}

    return sorted(((e.article, e.time, e.annotator, e.action, bare(e.before), bare(e.after),
                    e.target is None) for e in store.journal.of()), key=lambda e: e[0])


def test_native_round_trip_is_identical(store: Store, tmp_path: Path) -> None:
    store.labels.add(Label("EV", "사건", "7", "#123456"))
    a, _ = store.articles.add(TEXTS[0], title="GPU", date="2025-11-01", source="연합",
                             url="https://example.com/1", collection="news",
                             meta={"id": 7, "tags": ["반도체"]})
    b, _ = store.articles.add(TEXTS[1], collection="news")
    c, _ = store.articles.add(TEXTS[2], collection="other")
    store.spans.label_range(a, 0, 4, "OG", annotator="kim", note="회사")
    store.spans.label_range(a, 6, 10, "OG", annotator="lee")
    store.spans.add(a, [NewSpan(11, 14, "QT", "crf", origin="suggestion", state="suggested",
                                model="crf-1", confidence=0.42)], actor="crf")
    store.spans.add(b, [NewSpan(0, 3, "PS", "crf", origin="suggestion", state="suggested",
                                model="crf-1", confidence=0.9),
                        NewSpan(0, 6, "EV", "kim")], actor="crf")
    store.spans.remove(store.spans.of(b, states=["suggested"])[0].id, actor="kim")  # rejected
    store.articles.set_status(a, "done", "kim")
    store.articles.set_status(c, "skipped", "kim")
    store.articles.set_cursor(b, 5)
    out = tmp_path / "all.jsonl"
    report = export(store, ExportOptions("hanmark", out, status=None, annotator="kim"))
    assert (report.articles, report.spans) == (3, 5)

    with Store(tmp_path / "copy.db") as copy:
        result = import_sources(copy, [str(out)], collection="ignored")
        assert result.errors == [] and (result.imported, result.spans) == (3, 5)
        assert _tables(copy) == _tables(store)
        again = import_sources(copy, [str(out)])
        assert again.duplicates == 3 and _tables(copy) == _tables(store)
        assert _log(copy) == _log(store)
        assert copy.stats.done_by_annotator() == store.stats.done_by_annotator()
        for db in (store, copy):  # undo works in the copy as in the original
            assert db.journal.undo(a, "lee")
        assert _tables(copy) == _tables(store)


def test_native_refuses_hand_edited_text(store: Store, tmp_path: Path) -> None:
    store.articles.add(TEXTS[0], status="done")
    out = tmp_path / "n.jsonl"
    export(store, ExportOptions("hanmark", out))
    lines = out.read_text(encoding="utf-8").splitlines()
    out.write_text(lines[0] + "\n" + lines[1].replace("엔비디아", "엔디비아") + "\n",
                   encoding="utf-8")
    with Store(tmp_path / "b.db") as other:
        [error] = import_sources(other, [str(out)]).errors
        assert error.startswith(f"{out}:2: 'uid' does not match the text")
        assert other.articles.count() == 0
