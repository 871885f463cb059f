"""Script statistics: which writing systems a text's letters belong to (cheap, regex-based)."""

from __future__ import annotations

import re
from collections import Counter

SCRIPTS: dict[str, str] = {
    "Latin": r"A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff",
    "Han": r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff",
    "Kana": r"\u3040-\u30ff\u31f0-\u31ff",
    "Hangul": r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f",
    "Cyrillic": r"\u0400-\u04ff",
    "Greek": r"\u0370-\u03ff",
    "Arabic": r"\u0600-\u06ff\u0750-\u077f",
    "Hebrew": r"\u0590-\u05ff",
    "Thai": r"\u0e00-\u0e7f",
    "Devanagari": r"\u0900-\u097f",
}
_PATTERNS = {name: re.compile(f"[{chars}]") for name, chars in SCRIPTS.items()}
_CJK_LETTERS = SCRIPTS["Han"] + SCRIPTS["Kana"] + SCRIPTS["Hangul"]
# A run of CJK text: letters, with CJK punctuation inside the run (not at its edges).
CJK = re.compile(
    f"[{_CJK_LETTERS}](?:[{_CJK_LETTERS}\u3000-\u303f\uff01-\uff65“”‘’]*[{_CJK_LETTERS}])?"
)

_ASCII_LETTER = re.compile(r"[A-Za-z]")

# The script a language is written in. Languages not listed are treated as Latin-script.
LANGUAGE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "zh": ("Han",),
    "ja": ("Han", "Kana"),
    "ko": ("Hangul", "Han"),
    "ru": ("Cyrillic",),
    "uk": ("Cyrillic",),
    "bg": ("Cyrillic",),
    "sr": ("Cyrillic", "Latin"),
    "el": ("Greek",),
    "ar": ("Arabic",),
    "fa": ("Arabic",),
    "ur": ("Arabic",),
    "ug": ("Arabic",),
    "he": ("Hebrew",),
    "th": ("Thai",),
    "hi": ("Devanagari",),
    "mr": ("Devanagari",),
}


def base_language(lang: str | None) -> str:
    """``zh-CN`` -> ``zh``, ``en_US`` -> ``en``."""
    return (lang or "").replace("_", "-").split("-")[0].lower()


def language_scripts(lang: str | None) -> tuple[str, ...]:
    return LANGUAGE_SCRIPTS.get(base_language(lang), ("Latin",))


def script_counts(text: str) -> Counter[str]:
    """Letters per script. ASCII text takes a fast path."""
    if text.isascii():
        n = len(_ASCII_LETTER.findall(text))
        return Counter({"Latin": n}) if n else Counter()
    counts: Counter[str] = Counter()
    for name, pat in _PATTERNS.items():
        n = len(pat.findall(text))
        if n:
            counts[name] = n
    return counts
