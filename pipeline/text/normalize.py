"""Normalisation: mojibake repair (ftfy), Unicode NFC, stray control characters.

Only repairs that cannot change meaning are switched on: ftfy's encoding fixes, but not its
quote uncurling, width folding (it would turn Chinese full-width punctuation into ASCII) or line
break rewriting (it would break byte-identity of untouched text).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import ftfy

from pipeline.core.schema import make_flag

_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def changed_span(before: str, after: str) -> tuple[int, int, int]:
    """``(start, end_before, end_after)``: the smallest region where two strings differ."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    eb, ea = len(before), len(after)
    while eb > start and ea > start and before[eb - 1] == after[ea - 1]:
        eb, ea = eb - 1, ea - 1
    return start, eb, ea


# Category Cc is exactly U+0000-U+001F and U+007F-U+009F; one regex search finds any of them
# (less tab, LF and CR) without a Python call per character.
_STRAY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalize(
    text: str, *, mojibake: bool = True, nfc: bool = True, controls: bool = True
) -> tuple[str, list[dict[str, Any]]]:
    """Return the normalised text and one flag per kind of change, with the evidence span.

    Evidence offsets refer to ``text`` as given; each flag's reason shows before -> after.
    """
    flags: list[dict[str, Any]] = []
    out = text
    if mojibake and not out.isascii():
        fixed = ftfy.fix_text(out, config=_FTFY)
        if fixed != out:
            s, eb, ea = changed_span(out, fixed)
            flags.append(
                make_flag(
                    "mojibake",
                    "minor",
                    1.0,
                    f"mojibake repaired: {out[s:eb]!r} -> {fixed[s:ea]!r}",
                    s,
                    eb,
                    out[s:eb],
                )
            )
            out = fixed
    if nfc and not out.isascii():
        composed = unicodedata.normalize("NFC", out)
        if composed != out:
            s, eb, ea = changed_span(out, composed)
            # Offsets are exact in the original only when no earlier fix moved text.
            start, end = (s, eb) if out is text else (None, None)
            flags.append(
                make_flag(
                    "unicode_nfc",
                    "minor",
                    1.0,
                    f"composed to NFC: {out[s:eb]!r} -> {composed[s:ea]!r}",
                    start,
                    end,
                    out[s:eb],
                )
            )
            out = composed
    if controls and _STRAY_CONTROL.search(out):
        bad = [m.start() for m in _STRAY_CONTROL.finditer(out)]
        if bad:
            start, end = (bad[0], bad[-1] + 1) if out is text else (None, None)
            codes = ", ".join(sorted({f"U+{ord(out[i]):04X}" for i in bad}))
            flags.append(
                make_flag(
                    "control_chars",
                    "minor",
                    1.0,
                    f"removed {len(bad)} control character(s): {codes}",
                    start,
                    end,
                    out[bad[0] : bad[-1] + 1],
                )
            )
            out = _STRAY_CONTROL.sub("", out)
    return out, flags
