"""The shared helpers the token and sentence formats stand on."""

from __future__ import annotations

import pytest

from hanmark.store import Span
from hanmark.store.formats.common import keep_longest_spans, trim_spans
from hanmark.store.formats.tokens import sentence_groups, token_ranges
from hanmark.store.span_utils import tags_to_spans, token_tags

TEXT = "엔비디아와 삼성전자가 만났다. 이재명 대통령이 말했다."


def test_tokens_are_cut_at_span_edges() -> None:
    tokens = token_ranges(TEXT, [0, 5, 6, 11], [(0, 4, "OG")])
    assert [TEXT[s:e] for s, e in tokens][:4] == ["엔비디아", "와", "삼성전자가", "만났다."]


def test_sentences_a_span_crosses_stay_together() -> None:
    sentences = [(0, 16), (17, 30)]
    assert sentence_groups(TEXT, sentences, []) == [(0, 16), (17, 30)]
    assert sentence_groups(TEXT, sentences, [(12, 20, "X")]) == [(0, 30)]
    # outer whitespace is trimmed, but never from under a span
    assert sentence_groups(" " + TEXT, [(0, 17), (17, 31)], [(0, 3, "X")]) == [(0, 17),
                                                                              (18, 31)]


def test_iob2_tags_and_back() -> None:
    tokens = [(0, 4), (4, 5), (6, 10), (10, 11)]
    tags = token_tags(tokens, [(0, 4, "OG"), (6, 11, "OG")])
    assert tags == ["B-OG", "O", "B-OG", "I-OG"]
    assert tags_to_spans(tags) == [(0, 1, "OG"), (2, 4, "OG")]


def test_iob2_reading_is_lenient_like_seqeval() -> None:
    assert tags_to_spans(["I-PS", "I-PS", "I-OG", "O", "B-LC", "B-LC"]) == [
        (0, 2, "PS"), (2, 3, "OG"), (4, 5, "LC"), (5, 6, "LC")]
    with pytest.raises(ValueError):
        tags_to_spans(["O", "X-PS"])


def test_flat_keeps_the_longest_and_counts_per_label() -> None:
    rows = [Span(1, "a", 0, 4, "OG", ""), Span(2, "a", 0, 2, "PS", ""),
            Span(3, "a", 3, 9, "LC", ""), Span(4, "a", 10, 12, "PS", "")]
    kept, dropped = keep_longest_spans(rows)
    assert [r.id for r in kept] == [2, 3, 4] and dropped == {"OG": 1}


def test_token_formats_trim_whitespace_off_spans() -> None:
    kept, dropped = trim_spans("가 나  ", [Span(1, "a", 0, 2, "PS", ""),
                                          Span(2, "a", 3, 5, "OG", "")])
    assert [(r.start, r.end) for r in kept] == [(0, 1)] and dropped == {"OG": 1}
