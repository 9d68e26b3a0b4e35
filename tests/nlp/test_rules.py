"""Rule candidates: what a reader of the seed article expects to be suggested."""

from __future__ import annotations

import pytest

from hanmark.nlp.analyzer import get_analyzer
from hanmark.nlp.rules import rule_candidates


@pytest.fixture(scope="module")
def seed_found(request) -> tuple[str, list]:
    from tests.conftest import SEED_FILE

    text = SEED_FILE.read_text(encoding="utf-8")
    analysis = get_analyzer().analyse(text)
    return text, analysis, rule_candidates(analysis)


def _labels(text: str, found: list) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for cand in found:
        out.setdefault(text[cand.start:cand.end], set()).add(cand.label)
    return out


def test_seed_article_names_numbers_and_organisations(seed_found) -> None:
    text, _, found = seed_found
    labels = _labels(text, found)
    assert labels["이재명"] == {"PS"}  # not 이재명이 / 이재명 대통령
    assert labels["26만 장"] == {"QT"}
    assert labels["엔비디아"] == {"OG"}
    assert labels["도널드 트럼프"] == {"PS"}  # first name joins the cued surname
    assert labels["미국"] == {"LC"}  # a place before 대통령 is not the person
    assert labels["더불어민주당"] == {"OG"}
    assert "엔비디아와" not in labels  # the glued particle is split off


def test_spans_never_end_in_a_particle_or_ending(seed_found) -> None:
    text, analysis, found = seed_found
    last_tag = {t.end: t.tag for t in analysis.tokens}
    for cand in found:
        assert not last_tag.get(cand.end, "NNP").startswith(("J", "E")), text[cand.start:cand.end]
        assert text[cand.start:cand.end] == text[cand.start:cand.end].strip()


@pytest.mark.parametrize(("text", "expected"), [
    ("행사는 2025년 11월 1일 오후 3시 30분에 열렸다.",
     {"2025년 11월 1일": "DT", "오후 3시 30분": "TI"}),
    ("발표는 2025-11-01에 있었고 관객 175만명, 매출 3천만 원, 점유율 30%였다.",
     {"2025-11-01": "DT", "175만명": "QT", "3천만 원": "QT", "30%": "QT"}),
    ("서울시와 경기도, 강남구는 국토교통부, 경찰청과 협의했다.",
     {"서울시": "LC", "경기도": "LC", "강남구": "LC", "국토교통부": "OG", "경찰청": "OG"}),
    ("김철수 씨와 박 모씨를 만났다.", {"김철수": "PS", "박": "PS"}),
])
def test_patterns(text: str, expected: dict[str, str]) -> None:
    found = rule_candidates(get_analyzer().analyse(text))
    got = {text[c.start:c.end]: c.label for c in found}
    assert {k: got.get(k) for k in expected} == expected
