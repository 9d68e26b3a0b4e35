"""Kiwi analysis as character offsets, and its cache in the database."""

from __future__ import annotations

import pytest

from hanmark.nlp.analyzer import (
    Analysis,
    Analyzer,
    ChildAnalyzer,
    analyse_articles,
    analysis_for,
    get_analyzer,
)
from hanmark.store import HanmarkError, Store

TEXT = "엔비디아와 삼성전자가 GPU를 확보했다. 이재명 대통령이 말했다."


def test_tokens_are_character_offsets_into_the_text() -> None:
    # A Kiwi of its own: the shared one keeps words other tests taught (엔비디아와).
    analysis = Analyzer(num_workers=1).analyse(TEXT)
    surfaces = [(TEXT[t.start:t.end], t.tag) for t in analysis.tokens[:4]]
    assert surfaces == [("엔비디아", "NNP"), ("와", "JC"), ("삼성전자", "NNP"), ("가", "JKS")]
    # Kiwi's form is a lemma: 했 is 하 + 었, both covering the one character.
    hae = [t for t in analysis.tokens if TEXT[t.start:t.end] == "했"]
    assert {t.form for t in hae} == {"하", "었"}
    assert [TEXT[s:e] for s, e in analysis.sentences] == [
        "엔비디아와 삼성전자가 GPU를 확보했다.", "이재명 대통령이 말했다."]
    assert TEXT[slice(*analysis.words[0])] == "엔비디아와"


def test_offsets_hold_outside_the_basic_plane() -> None:
    text = "축하 🎉 엔비디아 𠀀 경주"
    analysis = get_analyzer().analyse(text)
    assert [text[t.start:t.end] for t in analysis.tokens if t.tag == "NNP"] == ["엔비디아", "경주"]


def test_cache_round_trip_and_batch(store: Store) -> None:
    uids = [store.articles.add(f"{i}번째 기사에서 삼성전자가 말했다.")[0] for i in range(5)]
    assert analyse_articles(store) == 5
    assert analyse_articles(store) == 0  # nothing analysed twice
    cached = analysis_for(store, uids[0])
    fresh = get_analyzer().analyse(store.articles.get(uids[0]).text)
    assert cached == fresh
    assert Analysis.from_json(fresh.text, fresh.to_json()) == fresh


def test_a_cached_analysis_is_redone_once_a_word_in_it_is_taught(store: Store) -> None:
    from hanmark.nlp.analyzer import Analyzer

    analyzer = Analyzer(num_workers=1)
    uid, _ = store.articles.add("퓨리오사AI와 리벨리온이 손잡았다.")
    before = analysis_for(store, uid, analyzer)
    assert ("퓨리오사", "NNP") in [(t.form, t.tag) for t in before.tokens]  # AI apart
    analyzer.add_user_words([("리벨리온", "NNP")])  # already one morpheme: cache kept
    assert analyzer.agrees(before)
    analyzer.add_user_words([("퓨리오사AI", "NNP")])  # the person labeled it
    assert not analyzer.agrees(before)
    after = analysis_for(store, uid, analyzer)
    assert ("퓨리오사AI", "NNP") in [(t.form, t.tag) for t in after.tokens]
    assert store.analyses.get(uid, analyzer.version) == after.to_json()  # cached again


def test_a_kiwi_that_cannot_load_in_the_child_process_is_one_sentence(
        tmp_path, monkeypatch) -> None:
    (tmp_path / "kiwipiepy.py").write_text("raise ImportError('no model files')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # what the child will import
    analyzer = ChildAnalyzer()
    analyzer.add_user_words([("퓨리오사AI", "NNP")])
    with pytest.raises(HanmarkError, match="could not be loaded .*no model files"):
        analyzer.analyse("엔비디아와 삼성전자")


def test_a_kiwi_process_that_dies_restarts_knowing_the_taught_words() -> None:
    analyzer = ChildAnalyzer()
    analyzer.add_user_words([("퓨리오사AI", "NNP")])
    text = "퓨리오사AI와 만났다"
    assert analyzer.analyse(text).tokens[0].form == "퓨리오사AI"
    analyzer._child.kill()  # as the OOM killer would
    analyzer._child.wait()
    with pytest.raises(HanmarkError, match="Kiwi process stopped"):
        analyzer.analyse(text)
    assert analyzer.analyse(text).tokens[0].form == "퓨리오사AI"  # a new child, taught again
