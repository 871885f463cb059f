"""Check ``number_mismatch`` (bilingual): numbers in the source missing or changed in the target.

Source numbers are read with their Chinese multipliers (3.5亿 = 350,000,000; 2万 = 20,000),
Chinese numerals (三千六百, 十五万, 两), percentages and dates (7月31日 gives 7 and 31). Target
numbers are read with thousands separators, scale words (350 million, 20 thousand, a million,
two and a half million), number words (five, twenty, both, doubled) and ordinals (31st, first);
month names count as their number.

What translators legitimately do is not flagged: an approximate source number (1100多万, 数十亿,
一两件) may be rounded or said in words ("11 million", "billions", "one or two"); N倍 may be said
as N or N+1 times ("1倍多" is "more than doubled"); a bare 1 is usually "a"/"an"/"per" ("1美元"
is "a US dollar"); a run of numerals with adjacent digits names several numbers (六四 "June
4th", 十四五 "the 14th Five-Year Plan"); N年代 is a decade ("the 1980s"), N世纪 a century (or a
year in it); 2万4801 is 24,801; 几十/数十 may be "dozens" or "decades"; 千万不要 is "never".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language

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
# Digits inside an identifier (I2C, S3, H264, COVID-19, v2) are not numbers.
_NOT_AFTER = r"(?<![A-Za-z_\d.,])(?<![A-Za-z]-)"
_ARABIC_SRC = re.compile(
    _NOT_AFTER
    + r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(多|余|几)?\s*(万亿|亿|万|千)?(多|余)?(倍)?"
)
# Thousands with a point or a space, decimals with a comma (de, fr, es, it, pt, ru...).
_ARABIC_EU = re.compile(
    _NOT_AFTER + r"(\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
    r"(?:\s*(Tausend|Mio\.?|Millionen|Million|Mrd\.?|Milliarden|Milliarde|mille|millions?"
    r"|milliards?|mil millones|millones|millón|mil))?"
)
_EU_SCALES = {
    "tausend": 1e3,
    "mille": 1e3,
    "mil": 1e3,
    "mio": 1e6,
    "mio.": 1e6,
    "million": 1e6,
    "millionen": 1e6,
    "millions": 1e6,
    "millón": 1e6,
    "millones": 1e6,
    "mrd": 1e9,
    "mrd.": 1e9,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
    "mil millones": 1e9,
}
_DECIMAL_COMMA = frozenset(
    {"de", "fr", "es", "it", "pt", "ru", "nl", "pl", "cs", "sv", "da", "nb", "fi", "tr", "uk"}
)
# Two adjacent small digits are a range (一两 "one or two", 三四 "three or four").
_CN_RANGE = re.compile(r"^(一两|两三|三四|四五|五六|六七|七八|八九)")
# Words before a source number that make it approximate: 数十亿 "billions", 几百 "hundreds".
_APPROX_BEFORE = ("数", "几", "约", "近", "超")
_ARABIC_TGT = re.compile(
    _NOT_AFTER + r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:st|nd|rd|th)?"
    r"(?:\s*(hundred|thousand|million|billion|trillion))?",
    re.IGNORECASE,
)
# In a target, a number after a word and a hyphen still says it ("mid-2017", "Rescue-2021"),
# and so does one after a word and a point or comma with no space ("No.156", "nearby,75%").
_ARABIC_TGT_ANY = re.compile(
    r"(?<![A-Za-z_\d])(?<!\d[.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:st|nd|rd|th)?"
    r"(?:\s*(hundred|thousand|million|billion|trillion))?",
    re.IGNORECASE,
)
# Plural quantities: how an approximate 几十/数百 is said ("dozens", "decades", "hundreds").
_VAGUE = re.compile(
    r"\b(?:dozens|decades|tens|hundreds|thousands|millions|billions|several|many|numerous)\b",
    re.IGNORECASE,
)
# 2万4801 is 24,801: a 万/亿 amount continued by its lower digits.
_CN_MIXED = re.compile(_NOT_AFTER + r"(\d+)(万|亿)(\d{1,4})(?![\d万亿千百])")
# 80年代 "the 80s/1980s", 20世纪 "20th century/1900s": a decade or century.
_DECADE_AFTER = ("年代",)
# A month-day pair of numerals before 节 names a day (“六一”儿童节 "Children's Day", 五一劳动节
# "May Day", 八一建军节 "Army Day"): translators say its name, not its date.
_DAY_NAME = re.compile(r"^[”\"’'」』]?[\u4e00-\u9fff]{0,3}节")
# Words a 两人 / 二人 stands in apposition to: 父母两人 "both parents", 我们两人 "the two of us".
_PAIR_BEFORE = tuple("们 父母 夫妻 夫妇 双方 兄弟 姐妹 父子 母子 父女 母女".split())
# ... only when 两 counts people (两人, 两个人, 两位, 两个都 "both of them"): 他们两次 "twice",
# 我们两年前, 他们两个月 still count.
_PAIR_AFTER = ("人", "个人", "位", "个都")
_CENTURY_AFTER = ("世纪", "世紀")
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
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
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
    "decade": 10,
    "centenary": 100,
}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august "
        "september october november december".split()
    )
}
_MONTHS |= {m[:3]: i for m, i in list(_MONTHS.items()) if m != "may"} | {"sept": 9}
_WORD_RE = re.compile(r"[A-Za-z]+")
# A number glued to the end of a lower-case word in a target still says it ("chip3" for 芯片3).
_GLUED_TGT = re.compile(r"(?<=[a-z]{2})\d+\b")
# ... unless that word is copied from the source: "mp3" in 下载3个mp3文件 is a name, not the 3.
_LATIN_TOKEN = re.compile(r"[A-Za-z0-9]+")
_TENS = frozenset({20, 30, 40, 50, 60, 70, 80, 90})
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


def _named_day(text: str, start: int, end: int) -> bool:
    """Whether the numerals ``text[start:end]`` are a month and day naming a holiday."""
    g = text[start:end]
    if len(g) != 2 or g[0] not in _CN_DIGITS or g[1] not in _CN_DIGITS or g[0] in "零〇两":
        return False
    if _CN_RANGE.match(g):
        return False  # 五六节课 "five or six lessons": 节 is a measure word
    return bool(_DAY_NAME.match(text[end : end + 5]))


def source_numbers(text: str) -> list[tuple[float, str]]:
    """(value, as written) for each number in a Chinese (or any) source."""
    return [(v, w) for v, w, _ in source_numbers_ex(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies in one of ``spans``, sorted disjoint ``(start, end)`` pairs (a
    finditer's matches): a binary search, not a scan per position."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def source_numbers_ex(text: str) -> list[tuple[float, str, str]]:
    """(value, as written, kind) per source number; kind is ``exact``, ``approx`` (多/余/数/几,
    a range such as 一两: may be rounded or said in words) or ``times`` (N倍: N or N+1 times)."""
    found: list[tuple[float, str, str]] = []
    mixed = []
    for m in _CN_MIXED.finditer(text):
        big = 1e4 if m.group(2) == "万" else 1e8
        found.append((float(m.group(1)) * big + float(m.group(3)), m.group(), "exact"))
        mixed.append((m.start(), m.end()))
    for m in _ARABIC_SRC.finditer(text):
        if _inside(m.start(), mixed):
            continue
        after = text[m.end() : m.end() + 2]
        if after.startswith(_DECADE_AFTER) and not m.group(3):
            found.append((float(m.group(1)), m.group(), "decade"))
            continue
        if after.startswith(_CENTURY_AFTER) and not m.group(3):
            found.append((float(m.group(1)), m.group(), "century"))
            continue
        value = float(m.group(1).replace(",", ""))
        if m.group(3):
            value *= {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}[m.group(3)]
        kind = "approx" if m.group(2) or m.group(4) else "exact"
        found.append((value, m.group(), "times" if m.group(5) else kind))
    arabic = [(m.start(), m.end()) for m in _ARABIC_SRC.finditer(text)]
    for m in _CN_NUM.finditer(text):
        g = m.group()
        if _inside(m.start(), arabic):
            continue  # the 万亿 of 1.77万亿: read with its digits above
        after = text[m.end() : m.end() + 2]
        if after.startswith(_DECADE_AFTER):  # 八十年代 "the 1980s", 六七十年代 "the 60s and 70s"
            v = parse_chinese_numeral(g)
            if v is not None:
                found.append((v, g, "decade"))
            continue
        if _named_day(text, m.start(), m.end()):
            continue  # “六一”儿童节 "Children's Day", 五一 "May Day": a name, not an amount
        if (
            g in ("两", "二")
            and text.startswith(_PAIR_AFTER, m.end())
            and text.endswith(_PAIR_BEFORE, 0, m.start())
        ):
            found.append((2.0, g, "approx"))  # 父母两人 "both parents", 他们两人 "the two of them"
            continue
        if len(g) == 2 and g[0] == g[1] and g[0] in "一两":
            continue  # 一一对应 (one-to-one), 两两 (in pairs): a doubled numeral is an adverb
        if g == "千万" and text[m.end() : m.end() + 1] in "不别別要记記注得":
            continue  # 千万不要 "never", 千万要 "be sure to": an adverb
        v = parse_chinese_numeral(g)
        if v is None:
            continue
        # Adjacent digits after the first two (六四 "June 4th", 十四五 "14th Five-Year Plan",
        # 二四五年级 "grades 2, 4 and 5") name several numbers, not one: kind ``parts``, found
        # when each part is (the whole value, where it means one, is checked as well).
        if len(g) <= 3 and any(
            g[i] in _CN_DIGITS and g[i + 1] in _CN_DIGITS for i in range(len(g) - 1)
        ):
            found.append((v, g, "parts"))
            continue
        if _CN_RANGE.match(m.group()):  # a range is approximate; its first number stands for it
            found.append((float(_CN_DIGITS[m.group()[0]]), m.group(), "approx"))
            continue
        approx = text[max(0, m.start() - 1) : m.start()] in (_APPROX_BEFORE) or (
            g[0] in "十百千" and all(c in _CN_UNITS or c in _CN_BIG for c in g)
        )  # 千万 "tens of millions", 百万 "millions": a bare round amount
        found.append((v, m.group(), "approx" if approx else "exact"))
    return found


def target_numbers(text: str, source: str = "") -> set[float]:
    """Every value the target expresses, including each part of scaled numbers; a number glued
    to a word of ``source`` ("mp3") is part of that name, not a value."""
    values: set[float] = set()
    for m in _ARABIC_TGT_ANY.finditer(text):
        whole = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
        values.add(whole)
        if m.group(3):
            values.add(whole * _SCALES[m.group(3).lower()])
    copied = {t.casefold() for t in _LATIN_TOKEN.findall(source)}
    runs = [(r.start(), r.end()) for r in _LATIN_TOKEN.finditer(text)] if copied else []
    for m in _GLUED_TGT.finditer(text):
        if copied:
            i = bisect_right(runs, (m.start(), float("inf"))) - 1
            if i >= 0 and text[runs[i][0] : m.end()].casefold() in copied:
                continue
        values.add(float(m.group()))
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
            if v in _TENS and i + 1 < len(words) and 1 <= _WORDS.get(words[i + 1], 0) <= 9:
                values.add(v + _WORDS[words[i + 1]])  # "forty-eight", "twenty one"
            values.add(v)
        elif w in _MONTHS:
            values.add(float(_MONTHS[w]))
        elif w.rstrip("s") in _SCALES and (w.endswith("s") or (i and words[i - 1] in _BARE)):
            values.add(float(_SCALES[w.rstrip("s")]))  # "a million", "billions", "per million"
    if "percent" in words or "%" in text:
        values |= {v * 100 for v in values if v < 1}
    return values


_CJK_LANGS = frozenset({"zh", "ja", "ko", "yue", "wuu"})


def _family(lang: str | None) -> str:
    """How a language writes numbers: ``cjk`` (万/亿, numerals), ``comma`` (1.234,5), ``point``."""
    base = base_language(lang)
    if not base or base in _CJK_LANGS:
        return "cjk"  # no language given: the historical default, Chinese source
    return "comma" if base in _DECIMAL_COMMA else "point"


def _eu_numbers(text: str) -> list[tuple[float, str, str]]:
    out = []
    for m in _ARABIC_EU.finditer(text):
        digits = re.sub(r"[.\u00a0\u202f ]", "", m.group(1)).replace(",", ".")
        v = float(digits)
        if m.group(2):
            v *= _EU_SCALES.get(m.group(2).lower(), 1)
        out.append((v, m.group(), "exact"))
    return out


def _point_numbers(text: str) -> list[tuple[float, str, str]]:
    out = []
    for m in _ARABIC_TGT.finditer(text):
        v = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
        if m.group(3):
            v *= _SCALES[m.group(3).lower()]
        out.append((v, m.group(), "exact"))
    return out


def required_numbers(text: str, lang: str | None) -> list[tuple[float, str, str]]:
    """The numbers a translation of ``text`` must keep: ``(value, as written, kind)``."""
    fam = _family(lang)
    if fam == "cjk":
        return source_numbers_ex(text)
    return _eu_numbers(text) if fam == "comma" else _point_numbers(text)


def expressed_numbers(text: str, lang: str | None, source: str = "") -> set[float]:
    """Every value ``text`` expresses (with the parts of scaled numbers: 3.5亿 gives 3.5 too);
    ``source``: the text it translates (see ``target_numbers``)."""
    fam = _family(lang)
    if fam == "cjk":
        have = set()
        for v, w, _ in source_numbers_ex(text):
            have.add(v)
            m = re.match(r"[\d.,]+", w)
            if m and m.group().rstrip(".,"):
                have.add(float(m.group().rstrip(".,").replace(",", "")))
        if "%" in text or "％" in text or "百分之" in text:
            have |= {v / 100 for v in have}
        return have | target_numbers(text, source)  # an English number word counts too
    if fam == "comma":
        return {v for v, _, _ in _eu_numbers(text)} | target_numbers(text, source)
    return target_numbers(text, source)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


def _parts(written: str) -> list[float]:
    """The numbers a run of Chinese numerals with adjacent digits names: 十四五 -> 14, 5."""
    parts, cur = [], ""
    for c in written:
        if cur and c in _CN_DIGITS and cur[-1] in _CN_DIGITS:
            parts.append(cur)
            cur = ""
        cur += c
    parts.append(cur)
    return [v for p in parts if (v := parse_chinese_numeral(p)) is not None]


def _found(
    value: float, kind: str, have: set[float], written: str = "", vague: bool = False
) -> bool:
    """Whether the target expresses a source number of this kind."""
    if kind == "parts":
        return any(_close(value, h) for h in have) or all(
            p == 1 or any(_close(p, h) for h in have) for p in _parts(written)
        )
    if kind == "decade":  # 80年代: the 80s or the 1980s
        return any(_close(value, h) or (h >= 1000 and _close(h % 100, value)) for h in have)
    if kind == "century":  # 20世纪: the 20th century, or a year in it (the 1980s)
        return any(_close(value, h) or (value - 1) * 100 <= h < value * 100 for h in have)
    if kind == "approx" and vague:
        return True
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
    columns = ("target", "source", "src_lang", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src = row["source"]
        if not src:
            return []
        numbers = required_numbers(src, row["src_lang"])
        if not numbers:
            return []
        nums = [(v, w) for v, w, _ in numbers]
        have = expressed_numbers(row["target"], row["tgt_lang"], src)
        vague = bool(_VAGUE.search(row["target"]))
        missing = [
            (v, w)
            for v, w, kind in numbers
            if v >= self.config.ignore_below
            and v != 1  # a bare 1 is "a", "an", "per" or nothing ("1美元" is "a US dollar")
            and not _found(v, kind, have, w, vague)
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
