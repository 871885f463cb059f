"""Check ``entity_mismatch`` (bilingual): names written in Latin script in the source (acronyms,
brands, product and model names: 5G, SAIC, APEC, iPhone, COVID-19) must reach the target as
written. Names written in the source's own script are the glossary's job (``term_missing``). A
class name of several words (``TimeoutNodeConfig``) may be rendered by its words ("Node Timeout
Configuration"): all its words but one, and at least two, must be there. An acronym may be
written out ("FS" as "FileSystem" or "file system"). A class name after its Chinese label ("周期
任务 PeriodicTask", a Django verbose name) is for developers: a target that renders the label's
head ("Cron Task": 任务 is "task" in CC-CEDICT) renders the label, and the name need not be kept;
one that does not ("Flow" for 流程模板 TaskTemplate) is still flagged. An abbreviation in brackets
after a Chinese term ("配置平台(CMDB)") glosses the term (its last two words): a target that
renders a word of the term ("Configuration System") names it. A common English word (APP,
WEB) written on to Chinese words ("标准运维APP", the product's Chinese name) is part of that name,
not a name of its own; a target that names the product by an English code name the source does
not have ("BK_SOPS", "SOPS": capitals, three or more) renders the name. An acronym (CMDB) is a
name of its own wherever it is written.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.checks.pairs import split_code_name
from pipeline.checks.zh_labels import head_word, renders
from pipeline.checks.zh_labels import words as zh_words
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language, language_scripts

# A Latin-script token with a capital or a digit beside letters: an acronym or a name.
_ENTITY = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9\-+.]*[A-Za-z])(?=[A-Za-z0-9\-+.]*[A-Z0-9])"
    r"[A-Za-z0-9][A-Za-z0-9\-+.]*[A-Za-z0-9+](?![A-Za-z0-9])"
)


_SEPARATORS = re.compile(r"[\s\-_]+")
_CAMEL_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_WORD = re.compile(r"[^\W\d_]+")


def _rendered_as_words(name: str, target_words: list[str]) -> bool:
    """Whether a class name of several words (``AutoRetryNodeStrategy``) is rendered by its
    words in another order or form ("Node Automatic Retry Strategy"): all of its words but one,
    and at least two, of three letters or more begin a target word or are begun by one."""
    parts = [p.casefold() for p in _CAMEL_PART.findall(name)]
    if len(parts) < 2 or not all(p.isalpha() for p in parts):
        return False
    hits = sum(
        len(p) >= 3
        and any(w.startswith(p) or (len(w) >= 3 and p.startswith(w)) for w in target_words)
        for p in parts
    )
    return hits >= max(2, len(parts) - 1)


_ACRONYM = re.compile(r"[A-Z]{2,5}")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


# Function words: any two of them have some initials ("in the" for IT, "and interns" for AI).
_FUNCTION_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as into than then so is are was
    were be been do does did have has had will would can could may might must not no it its
    this that these those there here i me my we us our you your he him his she her they them
    their who which what when where why how all any some each every both more most""".split()
)


def _spelled_out(acronym: str, target: str) -> bool:
    """Whether an acronym ("FS") is written out in the target as words or as the parts of a
    code name whose initials spell it ("FileSystemOriginalSource", "file system"), from the
    first part of a word on. Two letters match too many pairs of words by chance: those of a
    two-letter acronym must be content words ("file system", not "and interns")."""
    if not _ACRONYM.fullmatch(acronym):
        return False
    parts: list[tuple[str, bool, str]] = []  # (initial, starts a word, the part)
    for word in _LATIN_WORD.findall(target):
        parts += [
            (p[0].casefold(), i == 0, p.casefold()) for i, p in enumerate(_CAMEL_PART.findall(word))
        ]
    initials = "".join(p[0] for p in parts)
    want = acronym.casefold()
    return any(
        starts
        and initials.startswith(want, i)
        and (len(want) > 2 or not any(p[2] in _FUNCTION_WORDS for p in parts[i : i + len(want)]))
        for i, (_, starts, _) in enumerate(parts)
    )


def _label_rendered(source: str, name: str, target: str) -> bool:
    """Whether ``name`` is the class name of a source "label ClassName" whose label's head the
    target renders ("周期任务 PeriodicTask" -> "Cron Task")."""
    split = split_code_name(source)
    if split is None or split[1] != name:
        return False
    head = head_word(split[0])
    return bool(head) and renders(head, target)


_HAN_BEFORE = re.compile(r"([\u3400-\u9fff]+)\s*[(（]\s*$")


def _term_glossed(source: str, start: int, end: int, target: str) -> bool:
    """Whether the name at ``start:end`` is in brackets after a Chinese term ("配置平台(CMDB)",
    the last two CC-CEDICT words before the bracket) that the target renders by one of its
    words."""
    before = _HAN_BEFORE.search(source[:start])
    if before is None or not re.match(r"\s*[)）]", source[end:]):
        return False
    return any(renders(w, target) for w in zh_words(before.group(1))[-2:] if len(w) > 1)


_CODE_NAME = re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)*(?![A-Za-z0-9_])")


def _product_renamed(source: str, start: int, target: str) -> bool:
    """Whether the name at ``start`` is a common English word (Zipf 4.5 or more: app, web)
    written on to Chinese words (part of a Chinese product name) and the target has an English
    code name of three capitals or more the source lacks."""
    if start == 0 or not _HAN_CHAR.match(source[start - 1]):
        return False
    from wordfreq import zipf_frequency

    word = _ENTITY.match(source, start)
    if word is None or zipf_frequency(word.group().casefold(), "en") < 4.5:
        return False
    src = source.casefold()
    return any(
        len(re.sub(r"[_-]", "", m.group())) >= 3 and m.group().casefold() not in src
        for m in _CODE_NAME.finditer(target)
    )


_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")


class EntityMismatchConfig(StageConfig):
    min_chars: int = Field(2, description="shorter tokens are not checked")


@register
class EntityMismatch(SegmentCheck):
    """Flag Latin-script names in a non-Latin source that the target lacks."""

    name = "entity_mismatch"
    Config = EntityMismatchConfig
    columns = ("target", "source", "src_lang", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src = row["source"]
        if not src:
            return []
        if language_scripts(row["src_lang"] or "zh") == ("Latin",) or (
            base_language(row["src_lang"]) == base_language(row["tgt_lang"])
        ):
            self.count("skipped_pair")  # Latin names in a Latin source are not set apart
            return []
        if src.isascii():
            return []
        target = row["target"].casefold()
        # "CommonTemplate" written "Common Template", "WechatWork" as "Wechat Work": the same
        # name with separators, so names are also looked up without spaces, hyphens, underscores.
        joined = _SEPARATORS.sub("", target)
        words = _WORD.findall(target)
        missing = []
        for m in _ENTITY.finditer(src):
            name = m.group().rstrip(".")
            folded = name.casefold()
            if len(name) < self.config.min_chars:  # type: ignore[attr-defined]
                continue
            if folded in target or _SEPARATORS.sub("", folded) in joined:
                continue
            if (
                _rendered_as_words(name, words)
                or _spelled_out(name, row["target"])
                or _label_rendered(src, name, row["target"])
                or _term_glossed(src, m.start(), m.start() + len(name), row["target"])
                or _product_renamed(src, m.start(), row["target"])
            ):
                continue
            missing.append(name)
        if not missing:
            return []
        names = ", ".join(dict.fromkeys(missing))
        return [
            make_flag(self.name, "major", 0.9, f"source name(s) {names} missing from the target")
        ]
