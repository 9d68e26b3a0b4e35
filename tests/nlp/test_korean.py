"""The one set of Korean rules (nlp/korean.py) that the rules, the gazetteer,
the taught words and the text view share."""

from __future__ import annotations

from hanmark.nlp.analyzer import Analysis, Token
from hanmark.nlp.gazetteer import Gazetteer
from hanmark.nlp.korean import name_end, unglued
from hanmark.nlp.rules import rule_candidates

TEXT = "엔비디아에서 발표했다. 엔비디아 주가"
TOKENS = (Token(0, 6, "NNP", "엔비디아에서"), Token(7, 9, "NNG", "발표"),
          Token(13, 17, "NNP", "엔비디아"), Token(18, 20, "NNG", "주가"))


def test_a_particle_glued_to_a_known_name_comes_off() -> None:
    for glued in ("엔비디아와", "엔비디아에서", "엔비디아만", "엔비디아으로"):
        assert unglued(glued, {"엔비디아"}) == "엔비디아"
    assert unglued("엔비디아와", {"삼성"}) == "엔비디아와"


def test_a_name_ending_in_a_particle_syllable_stays_whole() -> None:
    # 지은 is a name, not 지 (a noun of its own) + 은: stems have two syllables or more
    assert unglued("지은", {"지"}) == "지은"


def test_rules_and_gazetteer_cut_a_two_syllable_particle() -> None:
    analysis = Analysis(TEXT, TOKENS, ((0, len(TEXT)),))
    assert (0, 4) in {(c.start, c.end) for c in rule_candidates(analysis)}
    gazetteer = Gazetteer.from_pairs([("엔비디아", "OG", 1)])
    assert [(c.start, c.end) for c in gazetteer.find_in(analysis)] == [(0, 4), (13, 17)]
    assert [(c.start, c.end) for c in gazetteer.find_in_text(TEXT)] == [(0, 4), (13, 17)]


def test_a_name_ends_before_its_particles() -> None:
    tokens = (Token(0, 4, "NNP", "엔비디아"), Token(4, 6, "JKB", "에서"))
    assert name_end("엔비디아에서", tokens, set()) == 4
    assert name_end(TEXT, TOKENS[:1], {"엔비디아"}) == 4
    assert name_end("엔비디아에서", tokens[1:], set()) == 6  # the first morpheme stays
