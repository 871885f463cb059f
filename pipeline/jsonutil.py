"""JSON helpers that never lose text: lone surrogates are written as ``\\uXXXX`` escapes."""

from __future__ import annotations

import json
import re
from typing import Any

# These can only sit inside a JSON string literal, so escaping them in place keeps the output
# valid JSON. Lone surrogates (from JSON escapes or undecodable bytes) are not valid UTF-8; C1
# controls and U+2028/U+2029 are line breaks to str.splitlines() and to JavaScript.
_SURROGATE = re.compile("[\ud800-\udfff\x7f-\x9f\u2028\u2029]")


def dumps(obj: Any) -> str:
    """Serialise ``obj`` as one line of UTF-8-safe JSON, keys in their given order."""
    text = json.dumps(obj, ensure_ascii=False)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def dumps_pretty(obj: Any) -> str:
    """Indented JSON for files people read (summary.json), with the same escapes as ``dumps``."""
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text
