"""Check ``length_ratio`` (bilingual): target length far from what the source predicts.

Length is counted in characters for languages written without spaces (Chinese, Japanese, Thai)
and in words otherwise. The expected target/source ratio per language pair lives in config;
a ratio off by more than ``tolerance`` times either way is flagged, scored by how far off it is.

What is compared is the translated text (``compared_units``): in a text with a Chinese or Japanese
side, placeholders are left out and a token copied as written (a name, a code constant, a number) is
one unit on both sides, as it is as long in any language; a Chinese label followed by its code name
("远程包源同步任务 SyncTask") says one thing twice, so a target that is the name is not judged
and any other is judged against the label; a Chinese gloss after a code constant
("INSTALL（安装）") is for the source's reader and is not counted; plural forms joined by ``|``
(Symfony, "one apple|%count% apples") are compared form by form, on average, since a language
without plurals has one form; a punctuation mark named and then shown ("用英文逗号`,`分隔",
separate with the English comma `,`) is said once in the target ("separated by `,`"), so the
name is not counted. A target too short for a Chinese field label with an attributive clause
("实时拉取的服务状态" -> "Service Status") is judged against the label's head (the part after
the last 的): an English label names the field by its head (``zh_labels.label_head``); 是否
(whether) before a label is the yes/no field's question, which a checkbox label does not put in
words ("是否安装最新版本插件" -> "Install latest version"). A Latin token copied in another case
("语言CODE" -> "Language Code") is copied all the same.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.checks.pairs import split_code_name
from pipeline.checks.zh_labels import is_label, label_head
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language

UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my"})
_WORD = re.compile(r"\w+", re.UNICODE)
_CHAR = re.compile(r"\w", re.UNICODE)


_LATIN_RUN = re.compile(r"[A-Za-z0-9_]+")


def length_units(text: str, lang: str) -> int:
    """Characters (word characters only) for unspaced languages, words for the rest.

    In unspaced text a Latin word or number ("NodeInInstanceAttrLabel", "CMDB", "2G") is one
    word of the other language, not one unit per letter: it counts as two units, about a
    two-character Chinese word."""
    if base_language(lang) not in UNSPACED:
        return len(_WORD.findall(text))
    latin = _LATIN_RUN.findall(text)
    return len(_CHAR.findall(text)) - sum(map(len, latin)) + 2 * len(latin)


# {{ limit }} (Symfony), {name}, {0}, %minutes%, %s, %1$d: values, not text of either language
_PLACEHOLDER = re.compile(
    r"\{\{[^{}]*\}\}|\{[^{}\s]*\}|%\w+%|%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdfiuxX]"
)
_HAN = r"\u3400-\u9fff"
# "INSTALL（安装）", "AGENT（表示直连区域安装 Agent）": Chinese words glossing a code constant
_GLOSS = re.compile(rf"(?<=[A-Z0-9_])\s*[(（][{_HAN}][{_HAN}A-Za-z\s]*[)）]")


# the name of a mark shown right after it: "英文逗号`,`", "英文','", "半角分号 `;`"
_MARK_NAME = re.compile(
    r"(?:(?:英文|半角)(?:逗号|分号|冒号)?|逗号|分号|冒号)\s*(?=[`'\"‘“][,;:][`'\"’”])"
)


def _forms(text: str) -> list[str]:
    return [f for f in text.split("|") if f.strip()] or [text]


def _code_name_gloss(source: str, target: str) -> str | None:
    """The label of a source written "label CodeName" when the target renders the label (the
    source to judge it against), "" when the target is the code name itself (nothing to judge),
    None when the source is not of that form."""
    split = split_code_name(source)
    if split is None:
        return None
    label, name = split[0], split[1].casefold()
    joined = re.sub(r"[\s\-_]+", "", target.casefold())
    return "" if name in joined else label


def _drop_runs(text: str, counts: Counter[str]) -> str:
    """``text`` with the first ``counts[token]`` Latin runs equal to each (case-folded) token
    replaced by a space."""
    left = dict(counts)

    def drop(m: re.Match[str]) -> str:
        tok = m.group().casefold()
        if left.get(tok, 0) > 0:
            left[tok] -= 1
            return " "
        return tok

    return _LATIN_RUN.sub(drop, text)


def compared_units(source: str, target: str, sl: str, tl: str) -> tuple[float, float]:
    """Length units of the source and the target that the ratio compares (see the module
    docstring): ``length_units`` of what was translated, per plural form."""
    cjk = base_language(sl) in UNSPACED or base_language(tl) in UNSPACED
    if cjk:
        label = _code_name_gloss(source, target)
        if label == "":
            return 0.0, 0.0
        if label is not None:
            source = label
        source = _GLOSS.sub(" ", source)
        source = _MARK_NAME.sub(" ", source)
        if is_label(source):
            source = source.removeprefix("是否")  # a yes/no field: the checkbox asks "whether"
    s_forms = _forms(source)
    t_forms = _forms(target) if len(s_forms) > 1 else [target]
    s_text, t_text = " ".join(s_forms), " ".join(t_forms)
    s_text, t_text = _PLACEHOLDER.sub(" ", s_text), _PLACEHOLDER.sub(" ", t_text)
    copied = 0
    if cjk:
        # a token copied as written is one unit on both sides, whatever the pair's ratio; in
        # another case too ("语言CODE" -> "Language Code")
        shared = Counter(t.casefold() for t in _LATIN_RUN.findall(s_text)) & Counter(
            t.casefold() for t in _LATIN_RUN.findall(t_text)
        )
        copied = sum(shared.values())
        # one pass per side: the first n runs of each shared token become a space
        s_text, t_text = _drop_runs(s_text, shared), _drop_runs(t_text, shared)
    s_units = (length_units(s_text, sl) + copied) / len(s_forms)
    t_units = (length_units(t_text, tl) + copied) / len(t_forms)
    return s_units, t_units


class LengthRatioConfig(StageConfig):
    expected: dict[str, float] = Field(
        # Characters for zh/ja, words otherwise; German compounds make it shorter in words,
        # Romance languages need articles and prepositions English does without, Korean
        # attaches particles to words (fewer, longer words). zh-en: the median ratio of the
        # human references of ../shared/qe-dev is 0.632 on WMT21 TED and 0.761 on WMT22
        # (sources of 8 units or more); 0.69 is their geometric mean, both domains alike.
        default_factory=lambda: {
            "zh-en": 0.69,
            "en-zh": 1.6,
            "ja-en": 0.45,
            "en-ja": 2.2,
            "ko-en": 1.45,
            "en-ko": 0.7,
            "de-en": 1.1,
            "en-de": 0.9,
            "fr-en": 0.87,
            "en-fr": 1.15,
            "es-en": 0.92,
            "en-es": 1.1,
            "zh-ja": 1.3,
            "ja-zh": 0.75,
            "zh-ko": 0.45,
            "ko-zh": 2.2,
        },
        description="target units per source unit, by 'src-tgt' pair",
    )
    default_expected: float = Field(1.0, description="for pairs not listed")
    tolerance: float = Field(2.2, gt=1.0, description="flag when off by more than this factor")
    min_source_units: int = Field(8, description="shorter sources are not judged")


@register
class LengthRatio(SegmentCheck):
    """Flag bilingual segments whose length ratio is anomalous."""

    name = "length_ratio"
    Config = LengthRatioConfig
    columns = ("target", "source", "src_lang", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        cfg: LengthRatioConfig = self.config  # type: ignore[assignment]
        src = row["source"]
        if not src:
            return []
        sl, tl = base_language(row["src_lang"]) or "zh", base_language(row["tgt_lang"])
        s_units, t_units = compared_units(src, row["target"], sl, tl)
        if s_units <= 0 or s_units < cfg.min_source_units:
            return []  # 0: nothing translated to judge ("业务 Business" -> "Business", "{0}")
        expected = cfg.expected.get(f"{sl}-{tl}")
        if expected is None:
            self.count(f"default_ratio_{sl}-{tl}")  # says in summary.json which pairs guessed
            expected = cfg.default_expected
        ratio = t_units / s_units
        off = ratio / expected  # 0 for an empty target: too short, infinitely
        factor = max(off, 1 / off) if off else math.inf
        if factor <= cfg.tolerance:
            return []
        score = min(1.0, math.log(factor) / math.log(cfg.tolerance**2))
        way = "short" if off < 1 else "long"
        head = label_head(src) if way == "short" else None
        if head is not None:
            h_units, ht_units = compared_units(head, row["target"], sl, tl)
            h_off = ht_units / h_units / expected if h_units else 1.0
            if h_units < cfg.min_source_units or h_off * cfg.tolerance >= 1:
                return []  # "Service Status" names the field 实时拉取的服务状态 by its head
        return [
            make_flag(
                self.name,
                "major" if factor > cfg.tolerance**1.5 else "minor",
                score,
                f"target too {way}: {t_units:g} {tl} units for {s_units:g} {sl} "
                f"units (ratio {ratio:.2f}, expected about {expected})",
            )
        ]
