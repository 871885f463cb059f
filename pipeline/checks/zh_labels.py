"""Chinese UI labels as the localisation checks read them: which part of a label an English
label must render, and which words CC-CEDICT says two labels share in meaning.

- ``label_head``: a field label whose modifier is an attributive clause ending in 的
  ("任务所属的CMDB业务ID", the CMDB business ID the task belongs to) is named in English by its
  head ("Business ID"); the clause describes the field and may be left out. A sentence or an
  instruction (clause punctuation, a request 请…) is not a label: it is rendered whole.
- ``head_word`` / ``words``: CC-CEDICT longest-match words of a Han run; the head of a Chinese
  noun phrase is its last word.
- ``glosses`` / ``target_stems``: the stems of a word's English glosses and of a target's
  words, to tell whether a target renders a word ("Tag" renders 标签).
"""

from __future__ import annotations

import re
from functools import lru_cache

_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
# a sentence, a list or a note in brackets: not one field label
_CLAUSE = re.compile(r"[，,。；;：:（）()!！?？\n【】\[\]{}]")
# 的 of a clause (not 目的 "purpose", 的确 "indeed")
_DE = re.compile(r"(?<!目)的(?!确)")


def is_label(source: str) -> bool:
    """Whether a Chinese text reads as a field label: no clause punctuation, no request."""
    s = source.strip()
    return not (_CLAUSE.search(s) or s.startswith("请") or not _HAN.search(s))


def label_head(source: str) -> str | None:
    """The head of a Chinese field label with an attributive clause ("实时拉取的服务状态":
    "服务状态"), None when the source is no such label."""
    s = source.strip()
    if not is_label(s):
        return None
    parts = _DE.split(s)
    if len(parts) < 2:
        return None
    head = parts[-1].strip()
    return head or None


@lru_cache(maxsize=1 << 14)
def words(han: str) -> tuple[str, ...]:
    """CC-CEDICT longest-match words of a Han run ("服务模板" -> 服务, 模板)."""
    from pipeline.quality.features import dictionary_words, longest_match

    return tuple(longest_match(han, dictionary_words()))


def head_word(text: str) -> str:
    """The last CC-CEDICT word of the last Han run of ``text`` ("" without one)."""
    runs = _HAN_RUN.findall(text)
    if not runs:
        return ""
    return words(runs[-1])[-1]


def glosses(word: str) -> frozenset[str]:
    """Stems of the English glosses CC-CEDICT gives a Chinese word (empty if none)."""
    from pipeline.quality.features import lexicon

    entry = lexicon().get(word)
    return entry.glosses if entry else frozenset()


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*")


def target_stems(target: str) -> frozenset[str]:
    """Stems of the words of an English text, as CC-CEDICT glosses are stemmed; a hyphenated
    word counts whole and by its parts ("Mini-APP": mini-app, mini, app)."""
    from pipeline.quality.features import stem

    out: set[str] = set()
    for w in _LATIN_WORD.findall(target):
        w = w.casefold().strip("-'")
        for part in {w, *w.split("-")}:
            if part:
                out.add(stem(part))
    return frozenset(out)


def renders(word: str, target: str) -> bool:
    """Whether an English target has a word CC-CEDICT glosses the Chinese ``word`` with."""
    return not glosses(word).isdisjoint(target_stems(target))
