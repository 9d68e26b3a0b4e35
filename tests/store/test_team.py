"""Two annotators' databases: merge, then agreement checked against a hand-worked case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.store import Event, Label, NewSpan, Store
from hanmark.store.agreement import agreement, cohen_kappa
from hanmark.store.merge import merge_database
from hanmark.tui.cli import main

#        0123456789012345678901
TEXT = "김철수가 서울 삼성전자에 갔다."
# kim: 김철수 PS (0-3), 서울 LC (5-7), 삼성전자 OG (8-12)
KIM = [(0, 3, "PS"), (5, 7, "LC"), (8, 12, "OG")]
# lee: 김철수 PS (0-3), 서울 삼성전자 OG (5-12)
LEE = [(0, 3, "PS"), (5, 12, "OG")]


def _session(path: Path, annotator: str, spans: list[tuple[int, int, str]]) -> str:
    """What one app session does: label the article and mark it done."""
    with Store(path) as store:
        uid, _ = store.articles.add(TEXT, title="만남")
        for start, end, label in spans:
            store.spans.label_range(uid, start, end, label, annotator=annotator)
        store.articles.set_status(uid, "done", annotator)
        return uid


@pytest.fixture
def merged(tmp_path: Path) -> tuple[Store, str]:
    uid = _session(tmp_path / "kim.db", "kim", KIM)
    _session(tmp_path / "lee.db", "lee", LEE)
    store = Store(tmp_path / "kim.db")
    report = merge_database(store, tmp_path / "lee.db")
    assert (report.articles, report.spans) == (0, 2)
    yield store, uid
    store.close()


def _by_hand_kappa() -> float:
    """Independent per-character computation: label every non-space character."""
    def layer(spans):
        labels = ["O"] * len(TEXT)
        for start, end, label in spans:
            for i in range(start, end):
                labels[i] = label
        return [lab for i, lab in enumerate(labels) if not TEXT[i].isspace()]

    a, b = layer(KIM), layer(LEE)
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    cats = set(a) | set(b)
    expected = sum((a.count(c) / n) * (b.count(c) / n) for c in cats)
    return (observed - expected) / (1 - expected)


def test_merge_keeps_annotators_and_events(merged) -> None:
    store, uid = merged
    by_annotator = {(s.annotator, s.start, s.end, s.label) for s in store.spans.of(uid)}
    assert by_annotator == {("kim", *s) for s in KIM} | {("lee", *s) for s in LEE}
    events = store.journal.of(uid)
    assert [e.annotator for e in events].count("lee") == 3  # two labels and done
    # lee's undo history came along: lee can undo lee's last label in this database
    assert store.stats.done_by_annotator() == {"kim": {uid}, "lee": {uid}}


def test_merging_twice_adds_nothing(merged, tmp_path: Path) -> None:
    store, uid = merged
    before = (len(store.spans.of(uid)), len(store.journal.of(uid)))
    report = merge_database(store, tmp_path / "lee.db")
    assert (report.articles, report.spans, report.events) == (0, 0, 0)
    assert (len(store.spans.of(uid)), len(store.journal.of(uid))) == before


def test_agreement_matches_hand_computation(merged) -> None:
    store, _ = merged
    [pair] = agreement(store)
    assert (pair.a, pair.b, pair.articles) == ("kim", "lee", 1)
    # one exact match (김철수 PS) out of 3 + 2 spans
    assert pair.entity_f1 == pytest.approx(2 * 1 / 5)
    assert pair.kappa() == pytest.approx(_by_hand_kappa())
    per_label = pair.as_dict()["per_label"]
    assert per_label["PS"]["entity_f1"] == 1.0 and per_label["PS"]["kappa"] == 1.0
    assert per_label["LC"]["entity_f1"] == 0.0


def test_kappa_worked_example() -> None:
    # the classic 50-item example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4
    counts = {("y", "y"): 20, ("y", "n"): 5, ("n", "y"): 10, ("n", "n"): 15}
    assert cohen_kappa(counts) == pytest.approx(0.4)


def test_only_articles_both_marked_done_count(tmp_path: Path) -> None:
    _session(tmp_path / "kim.db", "kim", KIM)
    with Store(tmp_path / "lee.db") as lee:
        uid, _ = lee.articles.add(TEXT)
        lee.spans.label_range(uid, 0, 3, "PS", annotator="lee")  # not marked done
    with Store(tmp_path / "kim.db") as store:
        merge_database(store, tmp_path / "lee.db")
        assert agreement(store) == []  # lee has marked nothing done
        [pair] = agreement(store, ["kim", "lee"])
        assert pair.articles == 0


def test_conflicting_label_sets_are_reported(tmp_path: Path) -> None:
    _session(tmp_path / "kim.db", "kim", KIM)
    with Store(tmp_path / "lee.db") as lee:
        lee.labels.add(Label("PRODUCT", "제품"))
        uid, _ = lee.articles.add(TEXT)
        lee.spans.label_range(uid, 8, 12, "PRODUCT", annotator="lee")
    with Store(tmp_path / "kim.db") as store:
        report = merge_database(store, tmp_path / "lee.db")
        assert report.missing_labels == ["PRODUCT"] and report.skipped_spans == 1
        assert "Labels missing here: PRODUCT (1 spans left out" in report.summary(Path("x"))
        assert "lee" not in store.stats.summary()["spans"]["by_annotator"]
        report = merge_database(store, tmp_path / "lee.db", add_labels=True)
        assert report.spans == 1
        assert "PRODUCT" in store.labels.names()


def test_cli_merge_and_agreement_json(tmp_path: Path) -> None:
    _session(tmp_path / "kim.db", "kim", KIM)
    _session(tmp_path / "lee.db", "lee", LEE)
    runner = CliRunner()
    result = runner.invoke(main, ["merge", str(tmp_path / "lee.db"), "--db",
                                  str(tmp_path / "kim.db")])
    assert result.exit_code == 0 and "2 spans" in result.output
    result = runner.invoke(main, ["agreement", "--db", str(tmp_path / "kim.db"), "--json"])
    data = json.loads(result.output)
    [pair] = data["pairs"]
    assert set(pair) == {"a", "b", "articles", "entity_f1", "kappa", "per_label"}
    assert pair["entity_f1"] == pytest.approx(0.4)
    assert pair["kappa"] == pytest.approx(_by_hand_kappa(), abs=1e-6)


def test_cli_merge_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "nope.db"), "--db",
                                       str(tmp_path / "kim.db")])
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_labels_per_hour_counts_active_time_only(store: Store) -> None:
    uid, _ = store.articles.add(TEXT)
    span = {"state": "accepted"}
    for grp, moment in enumerate(["09:00:00", "09:01:00", "09:02:00", "11:02:00"], start=1):
        store.journal.append(Event(0, f"2026-01-05T{moment}.000+00:00", "kim", uid, grp,
                                   "create", None, None, span, None))
    activity = store.stats.labeling_activity()["kim"]
    # 60 s + 60 s + a two-hour break counted as at most 300 s
    assert activity["active_seconds"] == 420
    assert activity["labels"] == 4
    assert activity["labels_per_hour"] == round(4 / (420 / 3600), 1)


def test_stats_text_shows_charts(merged) -> None:
    store, _ = merged
    result = CliRunner().invoke(main, ["stats", "--db", str(store.path)])
    assert result.exit_code == 0
    assert "Accepted spans by label (5: " in result.output
    assert "Agreement (character kappa), by pair" in result.output
    assert "kim / lee" in result.output and "█" in result.output


def test_majority_keeps_spans_most_annotators_gave() -> None:
    from hanmark.store.review import majority

    layers = {"kim": KIM, "lee": LEE, "park": [(0, 3, "PS"), (8, 12, "OG")]}
    assert majority(layers) == [(0, 3, "PS"), (8, 12, "OG")]
    assert majority({"kim": KIM, "lee": LEE}) == [(0, 3, "PS")]


def test_export_gold_and_majority(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    uid = _session(db, "kim", KIM)
    _session(db, "lee", LEE)
    _session(db, "park", [(0, 3, "PS"), (8, 12, "OG")])
    with Store(db) as store:
        store.spans.set_layer(uid, "gold", 0, len(TEXT), [(0, 3, "PS"), (5, 12, "OG")])
    runner = CliRunner()
    for args, expected in ((["--merge", "majority"], [[0, 3, "PS"], [8, 12, "OG"]]),
                           (["--annotator", "gold"], [[0, 3, "PS"], [5, 12, "OG"]])):
        out = tmp_path / f"{args[1]}.jsonl"
        result = runner.invoke(main, ["export", "--db", str(db), "--format", "doccano",
                                      "--out", str(out), *args])
        assert result.exit_code == 0, result.output
        [line] = out.read_text(encoding="utf-8").splitlines()
        assert json.loads(line)["label"] == expected


def test_stats_split_spans_by_state_and_say_whose(tmp_path: Path) -> None:
    """People's labels, pending suggestions and rejected ones are counted apart."""
    with Store(tmp_path / "states.db") as store:
        uid, _ = store.articles.add("김민수 회장은 서울에서 삼성전자를 방문했다.")
        store.spans.label_range(uid, 0, 3, "PS", annotator="kim")
        store.spans.replace_suggestions(uid, [
            NewSpan(8, 10, "LC", "hanmark", origin="suggestion", state="suggested", model="crf"),
            NewSpan(13, 17, "OG", "hanmark", origin="suggestion", state="suggested",
                    model="crf")], model="crf")
        og = next(s for s in store.spans.of(uid) if s.label == "OG")
        store.spans.remove(og.id, actor="kim")
        path = store.path
    output = CliRunner().invoke(main, ["stats", "--db", str(path)]).output
    assert "Accepted spans by label (1: kim 1)" in output
    assert "Pending suggestions by label (1)" in output
    assert "Rejected suggestions by label (1)" in output


def test_gold_exports_hold_reviewed_articles_and_say_how_many_were_left_out(
        tmp_path: Path) -> None:
    with Store(tmp_path / "gold.db") as store:
        uids = [store.articles.add(f"{n}번 기사: 김민수 회장이 말했다.")[0] for n in range(3)]
        for uid in uids:
            store.spans.label_range(uid, 7, 10, "PS", annotator="kim")
            store.articles.set_status(uid, "done", "kim")
        store.spans.set_layer(uids[0], "gold", 0, 20, [(7, 10, "PS")])  # one reviewed
        path = store.path
    out = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(main, ["export", "--db", str(path), "--format", "doccano",
                                       "--annotator", "gold", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Exported 1 article" in result.output
    assert "2 articles nobody reviewed left out" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    everything = CliRunner().invoke(main, ["export", "--db", str(path), "--format", "doccano",
                                           "--annotator", "gold", "--status", "all",
                                           "--out", str(out), "--force"])
    assert "Exported 3 articles" in everything.output and "left out" not in everything.output
