"""Check ``number_mismatch`` (bilingual): numbers in the source missing or changed in the target.

Source numbers are read with their Chinese multipliers (3.5亿 = 350,000,000; 2万 = 20,000),
Chinese numerals (三千六百, 十五万, 两), percentages and dates (7月31日 gives 7 and 31). Target
numbers are read with thousands separators, scale words (350 million, 20 thousand, a million,
two and a half million), number words (five, twenty, both, doubled) and ordinals (31st, first);
month names count as their number.

What translators legitimately do is not flagged: an approximate source number (1100多万, 数十亿,
一两件) may be rounded or said in words ("11 million", "billions", "one or two"); N倍 may be said
as N or N+1 times ("1倍多" is "more than doubled"); a bare 1 is usually "a"/"an"/"per" ("1美元"
is "a US dollar").
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUM = re.compile(
    r"[零〇一二两三四五六七八九十百千万亿]{2,}|[两三四五六七八九十](?=[个人名次年万亿千百天岁倍条家所项])"
)
_ARABIC_SRC = re.compile(r"(\d+(?:\.\d+)?)\s*(多|余|几)?\s*(万亿|亿|万|千)?(多|余)?(倍)?")
# Two adjacent small digits are a range (一两 "one or two", 三四 "three or four").
_CN_RANGE = re.compile(r"^(一两|两三|三四|四五|五六|六七|七八|八九)")
# Words before a source number that make it approximate: 数十亿 "billions", 几百 "hundreds".
_APPROX_BEFORE = ("数", "几", "约", "近", "超")
_ARABIC_TGT = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:st|nd|rd|th)?"
    r"(?:\s*(hundred|thousand|million|billion|trillion))?",
    re.IGNORECASE,
)
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_WORDS |= {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "twentieth": 20,
    "once": 1,
    "twice": 2,
    "half": 0.5,
    "double": 2,
    "doubling": 2,
    "doubled": 2,
    "both": 2,
    "pair": 2,
    "couple": 2,
    "triple": 3,
    "tripled": 3,
    "quadrupled": 4,
}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august "
        "september october november december".split()
    )
}
_WORD_RE = re.compile(r"[A-Za-z]+")
# Words before a scale word that make it a number by itself ("a million", "per billion").
_BARE = frozenset({"a", "an", "per", "one"})


def parse_chinese_numeral(s: str) -> float | None:
    """三千六百 -> 3600, 十五万 -> 150000, 两 -> 2, 一九九八 -> 1998 (digit by digit)."""
    if all(c in _CN_DIGITS for c in s):
        return float("".join(str(_CN_DIGITS[c]) for c in s))
    total, section, digit = 0.0, 0.0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (digit if digit is not None else 1) * _CN_UNITS[c]
            digit = None
        elif c in _CN_BIG:
            section += digit or 0
            total = (total + section) * _CN_BIG[c] if c == "亿" else total + section * _CN_BIG[c]
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def source_numbers(text: str) -> list[tuple[float, str]]:
    """(value, as written) for each number in a Chinese (or any) source."""
    return [(v, w) for v, w, _ in source_numbers_ex(text)]


def source_numbers_ex(text: str) -> list[tuple[float, str, str]]:
    """(value, as written, kind) per source number; kind is ``exact``, ``approx`` (多/余/数/几,
    a range such as 一两: may be rounded or said in words) or ``times`` (N倍: N or N+1 times)."""
    found: list[tuple[float, str, str]] = []
    for m in _ARABIC_SRC.finditer(text):
        value = float(m.group(1))
        if m.group(3):
            value *= {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}[m.group(3)]
        kind = "approx" if m.group(2) or m.group(4) else "exact"
        found.append((value, m.group(), "times" if m.group(5) else kind))
    for m in _CN_NUM.finditer(text):
        v = parse_chinese_numeral(m.group())
        if v is None:
            continue
        if _CN_RANGE.match(m.group()):  # a range is approximate; its first number stands for it
            found.append((float(_CN_DIGITS[m.group()[0]]), m.group(), "approx"))
            continue
        approx = text[max(0, m.start() - 1) : m.start()] in (_APPROX_BEFORE)
        found.append((v, m.group(), "approx" if approx else "exact"))
    return found


def target_numbers(text: str) -> set[float]:
    """Every value the target expresses, including each part of scaled numbers."""
    values: set[float] = set()
    for m in _ARABIC_TGT.finditer(text):
        whole = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
        values.add(whole)
        if m.group(3):
            values.add(whole * _SCALES[m.group(3).lower()])
    words = [w.lower() for w in _WORD_RE.findall(text)]
    for i, w in enumerate(words):
        if w in _WORDS:
            v = float(_WORDS[w])
            # "two and a half million"
            if words[i + 1 : i + 4] == ["and", "a", "half"]:
                v += 0.5
                if i + 4 < len(words) and words[i + 4] in _SCALES:
                    values.add(v * _SCALES[words[i + 4]])
            if i + 1 < len(words) and words[i + 1] in _SCALES:
                values.add(v * _SCALES[words[i + 1]])
            values.add(v)
        elif w in _MONTHS:
            values.add(float(_MONTHS[w]))
        elif w.rstrip("s") in _SCALES and (w.endswith("s") or (i and words[i - 1] in _BARE)):
            values.add(float(_SCALES[w.rstrip("s")]))  # "a million", "billions", "per million"
    if "percent" in words or "%" in text:
        values |= {v * 100 for v in values if v < 1}
    return values


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


def _found(value: float, kind: str, have: set[float]) -> bool:
    """Whether the target expresses a source number of this kind."""
    if kind == "times":
        return any(_close(value, h) or _close(value + 1, h) for h in have)
    if kind == "approx":
        # Rounded or said in words: within 15 %, or only its order of magnitude ("billions").
        return (
            any(
                abs(h - value) <= 0.15 * value
                or (h >= 100 and value >= h and value < 1000 * h and str(int(h)).strip("0") == "1")
                for h in have
            )
            or value < 10
        )
    return any(_close(value, h) for h in have)


class NumberMismatchConfig(StageConfig):
    ignore_below: float = Field(0, description="source numbers below this are not checked")


@register
class NumberMismatch(SegmentCheck):
    """Flag source numbers that the target lacks or changed."""

    name = "number_mismatch"
    Config = NumberMismatchConfig
    columns = ("target", "source")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src = row["source"]
        if not src:
            return []
        numbers = source_numbers_ex(src)
        if not numbers:
            return []
        nums = [(v, w) for v, w, _ in numbers]
        have = target_numbers(row["target"])
        missing = [
            (v, w)
            for v, w, kind in numbers
            if v >= self.config.ignore_below
            and v != 1  # a bare 1 is "a", "an", "per" or nothing ("1美元" is "a US dollar")
            and not _found(v, kind, have)
        ]
        if not missing:
            return []
        listed = ", ".join(w for _, w in missing)
        extra = sorted(h for h in have if not any(_close(h, v) for v, _ in nums))
        if extra:
            shown = ", ".join(f"{x:g}" for x in extra[:5])
            return [
                make_flag(
                    self.name,
                    "critical",
                    1.0,
                    f"source number(s) {listed} changed; target has {shown}",
                )
            ]
        return [
            make_flag(self.name, "major", 0.9, f"source number(s) {listed} missing from the target")
        ]
