"""JSON helpers that never lose text: lone surrogates are written as ``\\uXXXX`` escapes."""

from __future__ import annotations

import json
import re
from typing import Any

# A raw surrogate can only sit inside a JSON string literal, so escaping it in place keeps the
# output valid JSON and valid UTF-8 (lone surrogates arrive via JSON escapes or undecodable bytes).
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(obj: Any) -> str:
    """Serialise ``obj`` as one line of UTF-8-safe JSON, keys in their given order."""
    text = json.dumps(obj, ensure_ascii=False)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text
