"""Check ``language_id``: the target is not in its target language.

Cheap evidence first: script statistics decide most cases (a Han-script target in an English
archive needs no language model; short Chinese is never sent to langdetect, which tends to call
it Korean). For Latin-script targets in English, the share of English function words decides.
Only what stays inconclusive (longer Latin text with few English function words, or a Latin
target language other than English) goes to langdetect, seeded and cached.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language, language_scripts, script_counts

if TYPE_CHECKING:
    import numpy as np

ENGLISH_FUNCTION_WORDS = frozenset(
    """a an the and or but of in on at to for with by from as is are was were be been being
    has have had it its this that these those he she they we you i his her their our not no
    will would can could should may might must do does did so than then there which who whom
    what when where while if into about after before over under between through also all more
    most such only other some any each both very""".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Tokens that are not language: strftime fields, code (snake_case, camelCase, with digits),
# acronyms and units (CSS, GB, km/h), HTML tags.
# Boundaries are ASCII ones: in "URL名" or "Constance模块" the Latin word ends where the CJK
# text starts, although both are \w.
_A = "A-Za-z0-9_"
_NOT_LANGUAGE = re.compile(
    rf"%[A-Za-z]|</?[A-Za-z][^<>]*>|(?<![{_A}])[{_A}]*[\d_][{_A}]*(?![{_A}])"
    rf"|(?<![{_A}])[A-Z]{{2,}}s?(?![{_A}])|(?<![{_A}])[a-z]+[A-Z][{_A}]*"
)
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’.+#-]*")
# In a CJK target, a run of one or two Latin words between CJK text is a name or a term kept in
# its own script ("Constance模块", "通过 Amazon S3 上传"); three or more are a sentence.
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’.+#-]*(?:[ \t]+[A-Za-z][A-Za-z0-9'’.+#-]*)*")
_CJK_LANGS = frozenset({"zh", "ja", "ko"})


def discount(text: str, source: str | None) -> str:
    """``text`` without what is not language: placeholders, URLs, e-mails, paths, code, units,
    and Latin tokens the source has too (product names kept untranslated: "CSS 文件",
    "Amazon S3")."""
    from pipeline.checks.placeholders import placeholders
    from pipeline.checks.urls import locators

    spans = [(a, b) for _, a, b, _ in placeholders(text)] + [
        (a, b) for _, a, b, _ in locators(text)
    ]
    if spans:
        chars = list(text)
        for a, b in spans:
            chars[a:b] = " " * (b - a)
        text = "".join(chars)
    out = _NOT_LANGUAGE.sub(" ", text)
    if source:
        src_words = {w.casefold() for w in _LATIN_TOKEN.findall(source)}
        if src_words:  # a source without Latin words (most zh sources) keeps every token
            out = _LATIN_TOKEN.sub(
                lambda m: " " if m.group().casefold() in src_words else m.group(), out
            )
    return out


class LanguageIdConfig(StageConfig):
    min_letters: int = Field(4, description="fewer letters than this: not judged (names, numbers)")
    min_words_for_model: int = Field(
        8,
        description="Latin text shorter than this is not sent to langdetect (it calls short "
        "English UI strings Catalan or French with p=1.00)",
    )
    english_function_share: float = Field(
        0.12, description="share of English function words that settles a text as English"
    )
    model_min_probability: float = 0.9
    cache_size: int = 65536


class ProfileTable:
    """langdetect's n-gram -> per-language probabilities (its ``word_lang_prob_map``) as one
    float64 matrix memory-mapped from the user's cache folder: read in milliseconds instead of
    0.5 CPU-s of JSON, its pages shared by every worker through the page cache, only the rows
    a run looks up brought in. ``table[word]`` is the same list of floats langdetect builds, so
    its answers do not change."""

    def __init__(self, index: dict[str, int], table: np.ndarray) -> None:
        self._index = index
        self._table = table

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __getitem__(self, word: str) -> list[float]:
        return self._table[self._index[word]].tolist()  # type: ignore[no-any-return]

    def row(self, word: str) -> np.ndarray:
        """``self[word]`` as the table's own float64 row (no list made)."""
        return self._table[self._index[word]]

    def __len__(self) -> int:
        return len(self._index)


def _profile_cache() -> Path | None:
    """Where the profile table is kept, or None when there is no cache folder (HOME unset and
    no passwd entry for the uid: ``Path.home()`` raises) or the profiles cannot be listed."""
    import langdetect
    from langdetect.detector_factory import PROFILES_DIRECTORY

    try:
        st = Path(PROFILES_DIRECTORY).stat()
        key = f"{langdetect.__file__}:{st.st_mtime_ns}:{len(os.listdir(PROFILES_DIRECTORY))}"
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mtclean"
    except (RuntimeError, KeyError, OSError):
        return None
    return base / f"langdetect-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _load_profiles() -> None:
    """Install langdetect's factory from the cached table, or build it the usual way (and
    cache the table for the next run); a cache that cannot be read or written only costs time."""
    import numpy as np
    from langdetect import detector_factory as ldf

    if ldf._factory is not None:
        return
    where = _profile_cache()
    if where is None:  # no cache folder: langdetect's own profiles, only slower
        ldf.init_factory()
        return
    try:
        langlist, words = marshal.loads(where.with_suffix(".keys").read_bytes())
        # A plain array over the mapped pages: a memmap's row costs microseconds to make.
        table = np.load(where.with_suffix(".npy"), mmap_mode="r").view(np.ndarray)
        if table.shape != (len(words), len(langlist)) or table.dtype != np.float64:
            raise ValueError("stale profile table")
    except (OSError, ValueError, EOFError, TypeError):
        ldf.init_factory()
        _write_profiles(where, ldf._factory)
        return
    factory = ldf.DetectorFactory()
    factory.langlist = list(langlist)
    factory.word_lang_prob_map = ProfileTable({w: i for i, w in enumerate(words)}, table)
    ldf._factory = factory


def _write_profiles(where: Path, factory: Any) -> None:
    import numpy as np

    words = list(factory.word_lang_prob_map)
    table = np.array([factory.word_lang_prob_map[w] for w in words], dtype=np.float64)
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        for suffix, write in (
            (".npy", lambda f: np.save(f, table)),
            (".keys", lambda f: f.write(marshal.dumps((list(factory.langlist), words)))),
        ):
            tmp = where.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                write(f)
            os.replace(tmp, where.with_suffix(suffix))  # atomic: readers see old or new
    except OSError:
        pass


@lru_cache(maxsize=1)
def _langdetect() -> Any:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0  # langdetect is random by default; runs must be reproducible
    from langdetect import detect_langs

    return detect_langs


@lru_cache(maxsize=1)
def _array_detector() -> Any:
    """langdetect's ``Detector`` with its trials over numpy rows of the profile table.

    Each step does what langdetect's does, in the same order, on the same float64 values: the
    same random draws (``random.choice`` of an n-gram, ``gauss`` per trial), each language's
    probability multiplied by ``weight + p(n-gram | language)``, and every fifth step divided
    by the sum (Python's left-to-right ``sum``) and tested for convergence. Elementwise numpy
    operations round exactly as the scalar ones, so the probabilities are identical; only
    langdetect's loop over 55 languages in Python is gone. The text's cleaning and n-gram
    extraction are langdetect's own."""
    import numpy as np
    from langdetect.detector import Detector
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException

    class ArrayDetector(Detector):  # type: ignore[misc]
        def _detect_block(self) -> None:
            self.cleaning_text()
            ngrams = self._extract_ngrams()
            if not ngrams:
                raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
            table = self.word_lang_prob_map
            distinct = list(dict.fromkeys(ngrams))
            where = {w: k for k, w in enumerate(distinct)}
            matrix = np.stack([table.row(w) for w in distinct])  # n-gram x language
            picks = [where[w] for w in ngrams]  # random.choice(picks) draws as over ngrams
            n = len(self.langlist)
            langprob = np.zeros(n)
            rng = self.random
            rng.seed(self.seed)
            for _ in range(self.n_trial):
                alpha = self.alpha + rng.gauss(0.0, 1.0) * self.ALPHA_WIDTH
                weight = alpha / self.BASE_FREQ
                # Steps between two tests of convergence (1, then 5 each) draw nothing else, so
                # their n-grams are drawn first; the rows then multiply in draw order, down the
                # first axis of one array (a reduce over it is sequential, row after row).
                block = np.empty((6, n))
                block[0] = 1.0 / n
                i, size = 0, 1
                while True:
                    drawn = [rng.choice(picks) for _ in range(size)]
                    np.add(weight, matrix[drawn], out=block[1 : size + 1])
                    prob = np.multiply.reduce(block[: size + 1], axis=0)
                    i += size
                    prob /= sum(prob.tolist())
                    if float(prob.max()) > self.CONV_THRESHOLD or i - 1 >= self.ITERATION_LIMIT:
                        break
                    block[0] = prob
                    size = 5
                langprob += prob / self.n_trial
            self.langprob = langprob.tolist()

    return ArrayDetector


def detect_language(text: str) -> tuple[str, float]:
    """langdetect's best guess and its probability (seeded: the same text, the same answer)."""
    from langdetect import detector_factory as ldf
    from langdetect.lang_detect_exception import LangDetectException

    _load_profiles()
    detect_langs = _langdetect()
    factory = ldf._factory
    try:
        if isinstance(factory.word_lang_prob_map, ProfileTable) and factory.langlist:
            detector = _array_detector()(factory)  # what ``factory.create()`` makes
            detector.append(text)
            best = detector.get_probabilities()[0]
        else:  # langdetect's own profiles (no cache folder)
            best = detect_langs(text)[0]
    except LangDetectException:
        return "", 0.0
    return base_language(best.lang), float(best.prob)


@register
class LanguageId(SegmentCheck):
    """Flag segments whose language is not the target language."""

    name = "language_id"
    Config = LanguageIdConfig
    columns = ("target", "tgt_lang", "source")

    def __init__(self, config: Any = None) -> None:
        super().__init__(config)
        self._cached = lru_cache(maxsize=self.config.cache_size)(detect_language)
        self.model_calls = 0

    def __getstate__(self) -> dict[str, Any]:  # the cache does not travel to worker processes
        state = dict(self.__dict__)
        state.pop("_cached", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cached = lru_cache(maxsize=self.config.cache_size)(detect_language)

    def before_fork(self) -> None:
        """langdetect's profiles (a memory-mapped table, or about 0.5 s and 57 MB the first
        time), loaded once and shared by the forked workers instead of once per worker."""
        _langdetect()
        _load_profiles()

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        cfg: LanguageIdConfig = self.config  # type: ignore[assignment]
        text, lang = row["target"], base_language(row["tgt_lang"])
        # Placeholders, code, URLs and names kept from the source are no language: judge the rest.
        text = discount(text, row.get("source"))
        if lang in _CJK_LANGS:
            text = _LATIN_RUN.sub(lambda m: m.group() if len(m.group().split()) >= 3 else " ", text)
        counts = script_counts(text)
        letters = sum(counts.values())
        if letters < cfg.min_letters:
            return []
        expected = language_scripts(lang)
        script, n = counts.most_common(1)[0]
        share = n / letters
        if script not in expected and share >= 0.5:
            return [
                make_flag(
                    self.name,
                    "critical",
                    share,
                    f"{share:.0%} of letters are {script} script; expected "
                    f"{'/'.join(expected)} for {lang!r}",
                )
            ]
        if expected != ("Latin",) or script != "Latin":
            return []  # the expected script dominates: settled without a model
        words = _WORD.findall(text)
        if lang == "en":
            function = sum(map(ENGLISH_FUNCTION_WORDS.__contains__, map(str.lower, words)))
            if function / max(1, len(words)) >= cfg.english_function_share:
                return []
        if len(words) < cfg.min_words_for_model:
            return []  # too short to judge: titles, names, numbers
        if sum(1 for w in words if w[:1].isupper()) > 0.7 * len(words):
            return []  # a run of names is not a language
        self.model_calls += 1
        found, prob = self._cached(text)
        if found and found != lang and prob >= cfg.model_min_probability:
            return [
                make_flag(
                    self.name,
                    "major",
                    prob,
                    f"langdetect says {found!r} (p={prob:.2f}); expected {lang!r}",
                )
            ]
        return []
