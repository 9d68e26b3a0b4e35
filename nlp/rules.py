"""Entity candidates from Kiwi morphemes and the cues a Korean reader uses.

These need no model, so suggestions are useful even before any training,
and they cover patterns a character CRF learns poorly from little data
(numbers with units, dates). Every span starts and ends on morpheme
boundaries and stops before particles and endings, because spans are built
from noun, number and symbol morphemes only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .analyzer import Analysis, Token
from .korean import unglued

PERSON_CUES = frozenset(
    "대통령 회장 씨 의원 장관 총리 대표 감독 선수 교수 사장 위원장 부회장 이사장 전 총장"
    " 위원 박사 변호사 검사 판사 기자 작가 배우 가수 시장 지사 군수 구청장 부장 차관"
    " 대변인 원장 청장 사무총장 주석 국왕 여왕 왕 총재 의장 후보 씨의 양 군 옹 선생"
    " 최고경영자 CEO 대표이사 부사장 전무 상무 이사 국장 과장 실장 팀장 코치 모 모씨".split()
)
OG_SUFFIXES = (
    "협회", "그룹", "전자", "위원회", "연구원", "연구소", "재단", "공사", "공단", "은행",
    "증권", "보험", "대학교", "대학", "일보", "신문", "방송", "통신", "학회", "연합",
    "조합", "협의회", "본부", "기구", "당", "부", "청", "처", "원",
)
LC_SUFFIXES = ("특별시", "광역시", "시", "도", "군", "구", "읍", "면", "동", "리", "섬", "산", "강")
PLACES = frozenset(
    "한국 대한민국 북한 미국 중국 일본 러시아 영국 프랑스 독일 이탈리아 스페인 캐나다 호주 인도"
    " 베트남 태국 대만 홍콩 싱가포르 브라질 멕시코 이란 이라크 이스라엘 우크라이나 유럽 아시아"
    " 아프리카 중동 서울 부산 대구 인천 광주 대전 울산 세종 경기 강원 충북 충남 전북 전남 경북"
    " 경남 제주 경주 포항 수원 성남 창원 전주 청주 천안 평양 도쿄 베이징 워싱턴 뉴욕 런던 파리"
    " 수도권 영남 호남 충청".split()
)
SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우"
    "구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
)
ACRONYM_STOP = frozenset(
    "AI CEO CFO CTO GPU CPU IT TV PC SNS PD MC DJ OK VS VIP PPT USB LED OLED LCD DNA PR"
    " FTA GDP CCTV SUV GPS HD UHD MVP OST CG IQ KM KG CM MM".split()
)
DT_UNITS = {"년": 3, "월": 2, "일": 1, "개월": 0, "주일": 0, "세기": 0, "분기": 0}
TI_UNITS = {"시": 3, "분": 2, "초": 1, "시간": 0}
QT_UNITS = frozenset(
    "% 명 개 장 원 달러 엔 위안 유로 건 대 톤 세 살 배 위 차례 번 회 곳 마리 권 편 km kg cm mm m g"
    " ha 채 가구 척 병 잔 점 표 석 층 호 편 척 주 개국 종 부 쪽 킬로 미터 그램 리터 평 km2 배럴"
    " 포인트 퍼센트 퍼센트포인트 %p 도 승 패 골 타 홈런".split()
)
TIME_PREFIXES = frozenset("오전 오후 새벽 아침 저녁 밤 낮 정오 자정".split())
DATE_RE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}\.?$")
TIME_RE = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
UPPER_RE = re.compile(r"^[A-Z][A-Z0-9&]{1,7}$")


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    end: int
    label: str
    confidence: float


def _is_noun(tok: Token) -> bool:
    return tok.tag in ("NNP", "NNG")


def _surface(analysis: Analysis, start: int, end: int) -> str:
    return analysis.text[start:end]


def _noun_runs(tokens: tuple[Token, ...]) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of contiguous nouns (no space between them)."""
    runs, i = [], 0
    while i < len(tokens):
        if not _is_noun(tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and _is_noun(tokens[j]) and tokens[j].start == tokens[j - 1].end:
            j += 1
        runs.append((i, j))
        i = j
    return runs


def _next_token(tokens: tuple[Token, ...], j: int, text: str, end: int) -> Token | None:
    """The token after index ``j`` if only spaces separate it from ``end``."""
    if j < len(tokens) and not text[end:tokens[j].start].strip():
        return tokens[j]
    return None


def _name_label(analysis: Analysis, tokens: tuple[Token, ...], i: int, j: int) -> Candidate | None:
    """Label a noun run that holds a proper noun, or an organisation-like compound."""
    text = analysis.text
    start, end = tokens[i].start, tokens[j - 1].end
    form = text[start:end]
    has_nnp = any(t.tag == "NNP" for t in tokens[i:j])
    after = _next_token(tokens, j, text, end)
    if after is not None and text[after.start:after.end] in PLACES:  # 트럼프 미국 대통령
        after = _next_token(tokens, tokens.index(after) + 1, text, after.end)
    cue = text[after.start:after.end] if after is not None else ""
    if has_nnp:
        nnp_end = max(t.end for t in tokens[i:j] if t.tag == "NNP")
        nnp_form = text[start:nnp_end]
        if nnp_end < end and form.endswith(OG_SUFFIXES) and len(form) >= 3:
            return Candidate(start, end, "OG", 0.6)
        if nnp_form in PLACES:
            return Candidate(start, nnp_end, "LC", 0.7)
        if len(nnp_form) >= 3 and nnp_form.endswith(("협회", "그룹", "전자", "당", "부", "청")):
            return Candidate(start, nnp_end, "OG", 0.6)
        if cue in PERSON_CUES or (nnp_end < end and text[nnp_end:end] in PERSON_CUES):
            return Candidate(start, nnp_end, "PS", 0.75)
        if len(nnp_form) >= 2 and nnp_form.endswith(LC_SUFFIXES[:9]):
            return Candidate(start, nnp_end, "LC", 0.55)
        if len(nnp_form) == 3 and nnp_form[0] in SURNAMES:
            return Candidate(start, nnp_end, "PS", 0.45)
        return Candidate(start, nnp_end, "OG", 0.35)
    if len(form) >= 3 and form.endswith(OG_SUFFIXES[:-3] + ("부", "청")):
        return Candidate(start, end, "OG", 0.4)
    return None


def _number_unit(analysis: Analysis, tokens: tuple[Token, ...], i: int) -> tuple[int, str] | None:
    """From the number at ``i``: the index after its unit, and the label the unit gives."""
    text = analysis.text
    j = i + 1
    while j < len(tokens) and tokens[j].start == tokens[j - 1].end and (
        tokens[j].tag == "NR" or (tokens[j].tag == "XSN" and text[tokens[j].start:tokens[j].end]
                                  in ("여", "수", "대"))
    ):
        j += 1
    unit = _next_token(tokens, j, text, tokens[j - 1].end)
    if unit is None or unit.tag not in ("NNB", "NNG", "SW", "SL", "NR"):
        return None
    word = text[unit.start:unit.end]
    if unit.start > tokens[j - 1].end and unit.tag not in ("NNB",):
        return None  # a space then a common noun is a new phrase, not a unit
    if word in DT_UNITS:
        return j + 1, "DT"
    if word in TI_UNITS:
        return j + 1, "TI"
    if word in QT_UNITS or unit.tag == "NNB":
        return j + 1, "QT"
    return None


def _numbers(analysis: Analysis, tokens: tuple[Token, ...]) -> list[Candidate]:
    """Numbers with units; consecutive dates (2025년 11월 1일) and times join up."""
    found: list[Candidate] = []
    text = analysis.text
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        surface = text[tok.start:tok.end]
        if tok.tag in ("W_SERIAL", "SN") and DATE_RE.match(surface):
            found.append(Candidate(tok.start, tok.end, "DT", 0.9))
            i += 1
            continue
        if tok.tag in ("W_SERIAL", "SN") and TIME_RE.match(surface):
            found.append(Candidate(tok.start, tok.end, "TI", 0.8))
            i += 1
            continue
        if tok.tag != "SN":
            i += 1
            continue
        got = _number_unit(analysis, tokens, i)
        if got is None:
            i += 1
            continue
        j, label = got
        start, end = tok.start, tokens[j - 1].end
        if label == "TI" and i > 0 and text[tokens[i - 1].start:tokens[i - 1].end] in TIME_PREFIXES:
            start = tokens[i - 1].start
        prev = found[-1] if found else None
        if (prev is not None and prev.label == label and label in ("DT", "TI")
                and not text[prev.end:start].strip() and start - prev.end <= 1):
            found[-1] = Candidate(prev.start, end, label, prev.confidence)
        else:
            found.append(Candidate(start, end, label, 0.8 if label != "QT" else 0.7))
        i = j
    return found


def _acronyms(analysis: Analysis, tokens: tuple[Token, ...]) -> list[Candidate]:
    out = []
    for tok in tokens:
        surface = analysis.text[tok.start:tok.end]
        if tok.tag == "SL" and UPPER_RE.match(surface) and surface not in ACRONYM_STOP:
            out.append(Candidate(tok.start, tok.end, "OG", 0.4))
    return out


def _unglue(analysis: Analysis, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """Split a particle Kiwi glued onto a proper noun (엔비디아와) when the bare
    noun occurs elsewhere in the text as a morpheme of its own."""
    text = analysis.text
    known = {text[t.start:t.end] for t in tokens if t.tag == "NNP"}
    out = []
    for tok in tokens:
        surface = text[tok.start:tok.end]
        stem = unglued(surface, known) if tok.tag == "NNP" else surface
        if stem != surface:
            cut = tok.start + len(stem)
            out.append(Token(tok.start, cut, "NNP", stem))
            out.append(Token(cut, tok.end, "J", surface[len(stem):]))
        else:
            out.append(tok)
    return tuple(out)


def _join_names(candidates: list[Candidate], text: str) -> list[Candidate]:
    """도널드 + 트럼프 대통령: a weak proper noun right before a cued name joins it."""
    out: list[Candidate] = []
    for cand in candidates:
        prev = out[-1] if out else None
        if (prev is not None and cand.label == "PS" and cand.confidence >= 0.75
                and prev.confidence < 0.75 and text[prev.end:cand.start] == " "
                and prev.label in ("PS", "OG")):
            out[-1] = Candidate(prev.start, cand.end, "PS", cand.confidence)
        else:
            out.append(cand)
    return out


def strip_glued(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Drop a particle from a span (엔비디아와) when the bare form is a span elsewhere."""
    forms = {text[c.start:c.end] for c in candidates}
    out = []
    for cand in candidates:
        end = cand.start + len(unglued(text[cand.start:cand.end], forms))
        out.append(Candidate(cand.start, end, cand.label, cand.confidence))
    return out


def harmonise(candidates: list[Candidate], text: str, *, total: bool = False,
              voters: Sequence[Candidate] = ()) -> list[Candidate]:
    """One label per surface form within a text, as a reader expects: the label
    of the most confident occurrence, or with ``total`` the label whose
    occurrences add up to the most confidence (a model's votes). ``voters``
    (another layer's candidates) vote too but are not returned."""
    votes: dict[str, dict[str, float]] = {}
    for cand in [*candidates, *voters]:
        form = votes.setdefault(text[cand.start:cand.end], {})
        old = form.get(cand.label, 0.0)
        form[cand.label] = old + cand.confidence if total else max(old, cand.confidence)
    out = []
    for cand in candidates:
        form = votes[text[cand.start:cand.end]]
        label = max(form, key=form.__getitem__)
        confidence = cand.confidence if label == cand.label else form[label] / (
            sum(form.values()) if total else 1.0)
        out.append(Candidate(cand.start, cand.end, label, round(min(confidence, 1.0), 3)))
    return out


def rule_candidates(analysis: Analysis) -> list[Candidate]:
    """All rule candidates, non-overlapping, in text order."""
    tokens = _unglue(analysis, tuple(sorted(analysis.tokens, key=lambda t: (t.start, t.end))))
    found = _numbers(analysis, tokens)
    names = [c for c in (_name_label(analysis, tokens, i, j) for i, j in _noun_runs(tokens))
             if c is not None]
    found.extend(harmonise(_join_names(names, analysis.text), analysis.text))
    found.extend(_acronyms(analysis, tokens))
    return resolve(found)


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the most confident (then longest) of overlapping candidates."""
    kept: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for cand in sorted(candidates, key=lambda c: (-c.confidence, c.start - c.end)):
        if all(cand.end <= s or cand.start >= e for s, e in taken):
            kept.append(cand)
            taken.append((cand.start, cand.end))
    return sorted(kept, key=lambda c: c.start)
