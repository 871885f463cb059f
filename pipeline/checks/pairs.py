"""Which language pairs each check judges, in one table (the README section is made from it).

``SUPPORT`` maps a check to ``(sources, targets)``: ``"any"``, a script family (``"cased"``:
Latin, Cyrillic, Greek; ``"non-Latin"``) or language codes. A check that meets a pair it does
not judge skips the row and counts it (``skipped_pair`` in the check's stats in summary.json).
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.text.scripts import base_language, language_scripts

SUPPORT: dict[str, tuple[str, str]] = {
    "language_id": ("any", "any (scripts per language; langdetect for Latin)"),
    "untranslated": ("any", "any (CJK runs in non-CJK targets; English runs in CJK targets)"),
    "source_copy": ("any", "any other language"),
    "repetition": ("any", "any (word loops; CJK doubling and loops)"),
    "duplicate": ("any", "any (drops only monolingual text)"),
    "truncation": ("any", "any (dangling words: English targets only)"),
    "number_mismatch": ("zh, ja, ko, en, de, fr, es, it, pt, ru, nl...", "same"),
    "entity_mismatch": ("non-Latin", "any"),
    "length_ratio": ("any (pair ratios: zh/ja/ko/de/fr/es <-> en, zh <-> ja/ko)", "any"),
    "inconsistency": ("any", "cased (capitalised names)"),
    "placeholder_mismatch": ("any", "any"),
    "whitespace_mismatch": ("any", "any (spaces not compared for CJK targets)"),
    "tag_mismatch": ("any", "any"),
    "url_mismatch": ("any", "any"),
    "end_punctuation": ("any", "any (full-width forms equal half-width)"),
    "bracket_pairing": ("any", "any (full-width included)"),
    "accelerator_mismatch": ("any", "any"),
    "start_capital": ("cased", "cased"),
    "translation_inconsistency": ("any", "any"),
    "house_rules": ("per rule", "per rule"),
}

_CASED = frozenset({"Latin", "Cyrillic", "Greek"})


def cased(lang: str | None) -> bool:
    """Whether the language's script has upper and lower case."""
    return bool(set(language_scripts(lang)) & _CASED)


def pair(src_lang: str | None, tgt_lang: str | None) -> str:
    return f"{base_language(src_lang) or '?'}-{base_language(tgt_lang) or '?'}"


def token_diff(
    source: list[tuple[str, int, int]], target: list[tuple[str, int, int]]
) -> tuple[list[tuple[str, int]], list[tuple[str, int, int]]]:
    """What the target lost and added, comparing tokens as multisets.

    ``source`` and ``target`` are ``(normalised token, start, end)``. Returns ``missing``:
    ``(token, how many)`` for tokens of the source the target has fewer of (in source order), and
    ``added``: ``(token, start, end)`` for each surplus occurrence in the target (the first ones,
    in target order), so that a flag can point at its span.
    """
    s_count = Counter(t[0] for t in source)
    t_count = Counter(t[0] for t in target)
    missing = list((s_count - t_count).items())
    extra = t_count - s_count
    added = []
    for token, start, end in target:
        if extra.get(token, 0) > 0:
            extra[token] -= 1
            added.append((token, start, end))
    return missing, added


# "远程包源同步任务 SyncTask", "企业微信(WechatWork)", "业务 Business": a Chinese or Japanese label
# followed by its name in code (Django verbose names) or in brackets ("节点管理(NODEMAN)"); an
# acronym after a space ("会话 ID"), a unit or a version in brackets ("(ms)", "(IPV6)") is part
# of the text.
# The name ends the text: in brackets from the last bracket, or after the last space. Matched
# from those two places only (a regex anchored at the start tried every split: quadratic).
_CODE_TAIL = re.compile(
    r"(?:[(（](?P<p>[A-Z][A-Za-z_]*)[)）]|(?<=\s)(?P<n>[A-Z][a-z][A-Za-z0-9_]*))\s*\Z"
)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def split_code_name(text: str) -> tuple[str, str] | None:
    """``(label, code name)`` of a text written "label CodeName", else None: the two say one
    thing twice, so a translation may render either."""
    t = text.strip()
    word = len(t)  # start of the last word
    while word and not t[word - 1].isspace():
        word -= 1
    for start in sorted({max(t.rfind("("), t.rfind("（")), word}):
        m = _CODE_TAIL.match(t, start) if start > 0 else None
        if m and _CJK_CHAR.search(t, 0, start):
            return t[:start].strip(), m.group("p") or m.group("n")
    return None
