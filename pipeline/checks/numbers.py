"""Check ``number_mismatch`` (bilingual): numbers in the source missing or changed in the target.

Source numbers are read with their Chinese multipliers (3.5亿 = 350,000,000; 2万 = 20,000),
Chinese numerals (三千六百, 十五万, 两), percentages and dates (7月31日 gives 7 and 31). Target
numbers are read with thousands separators, scale words (350 million, 20 thousand), number words
(five, twenty) and ordinals (31st, first); month names count as their number.
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
_ARABIC_SRC = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万|千)?")
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
}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august "
        "september october november december".split()
    )
}
_WORD_RE = re.compile(r"[A-Za-z]+")


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
    found: list[tuple[float, str]] = []
    for m in _ARABIC_SRC.finditer(text):
        value = float(m.group(1))
        if m.group(2):
            value *= {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}[m.group(2)]
        found.append((value, m.group()))
    for m in _CN_NUM.finditer(text):
        v = parse_chinese_numeral(m.group())
        if v is not None:
            found.append((v, m.group()))
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
            if i + 1 < len(words) and words[i + 1] in _SCALES:
                values.add(v * _SCALES[words[i + 1]])
            values.add(v)
        elif w in _MONTHS:
            values.add(float(_MONTHS[w]))
    if "percent" in words or "%" in text:
        values |= {v * 100 for v in values if v < 1}
    return values


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


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
        nums = source_numbers(src)
        if not nums:
            return []
        have = target_numbers(row["target"])
        missing = [
            (v, w)
            for v, w in nums
            if v >= self.config.ignore_below  # type: ignore[attr-defined]
            and not any(_close(v, h) for h in have)
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
