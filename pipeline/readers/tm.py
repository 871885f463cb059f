"""What the translation-memory formats (TMX, XLIFF, PO) share: targets with inline markup.

translate-toolkit reads the file (units, ids, languages, states); this module turns one target's
original bytes into the text the stages see and back.

Inline markup (XLIFF ``<g>``/``<x/>``/``<ph>``..., TMX ``<bpt>``/``<ept>``/``<ph>``/``<hi>``...,
XML comments) becomes *placeholders*: one private-use character (U+E000 upwards,
skipping any the text itself holds) per tag, standing for the tag's exact original bytes. So a
check sees ``Click \\ue000Save\\ue001 now`` for ``Click <g id="1">Save</g> now``, and ``render``
puts the very same bytes back. PO strings keep their printf/brace placeholders (``%s``,
``%(n)d``, ``{0}``) and simple HTML tags as they are.

If a change lost, added, duplicated or reordered a placeholder, the unit must not be rewritten:
``render`` then returns the original text of the span (the unit stays byte-identical), and
``render_problem`` names what broke so the caller can flag the segment.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from pipeline.errors import InputError
from pipeline.readers.registry import Format
from pipeline.readers.source import Source
from pipeline.records import Record, Reject

# Inline elements whose content is translatable text: their start and end tags are separate
# placeholders. Every other inline element (``<x/>``, ``<ph>..</ph>``, ``<bpt>..</bpt>``) is
# native code and becomes one placeholder, content included.
WRAPPERS = frozenset({"g", "mrk", "hi", "pc", "sub"})

_XML_TOKEN = re.compile(
    r"""(?P<cdata><!\[CDATA\[(?P<cdata_text>.*?)\]\]>)
      |(?P<comment><!--.*?-->)
      |(?P<pi><\?.*?\?>)
      |(?P<end></(?P<end_name>[^\s>]+)\s*>)
      |(?P<start><(?P<name>[^\s/>!?][^\s/>]*)(?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(?P<empty>/?)>)
      |(?P<ref>&(?P<ref_name>[^;\s]+);)
      |(?P<text>[^<&]+)""",
    re.S | re.X,
)
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
# XML 1.0 forbids these characters even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# printf (C, Python), brace (Python, ICU) placeholders and simple HTML tags in PO strings.
PO_PLACEHOLDER = re.compile(
    r"%(?:\d+\$)?(?:\([^)\s]+\))?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
    r"(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn%]"
    r"|\{\{|\}\}|\{[\w.:!-]*\}"
    r"|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"
)
# In XML text, tags are markup (placeholder characters already): only printf/brace codes count.
TEXT_PLACEHOLDER = re.compile(PO_PLACEHOLDER.pattern.rsplit("|", 1)[0])
PUA_START = 0xE000


@dataclass(slots=True)
class TargetText:
    """One target as stages see it and what is needed to write it back.

    ``raw`` is the span's original text; ``tokens`` maps each placeholder character to the
    markup it stands for (XML), in order; ``kind`` says how to escape a new target.
    """

    raw: str
    text: str
    kind: Literal["xml", "po"]
    tokens: dict[str, str] = field(default_factory=dict)
    layout: str = ""  # PO only: the line break between quoted lines, "" for one line
    fuzzy: bool = False


def _placeholders(avoid: str) -> Iterator[str]:
    taken = {c for c in avoid if PUA_START <= ord(c) <= 0xF8FF}
    code = PUA_START
    while True:
        if code == 0xF900:
            code = 0xF0000  # Supplementary Private Use Area-A
        ch = chr(code)
        code += 1
        if ch not in taken:
            yield ch


def _local(name: str) -> str:
    # expat without namespace processing keeps prefixes: ``xliff:g`` -> ``g``
    return name.rsplit(":", 1)[-1]


def xml_target(raw: str) -> TargetText:
    """Split the inner content of a ``<target>``/``<seg>`` into text and placeholders."""
    pieces: list[tuple[bool, str]] = []  # (is markup, text or markup)
    pos = 0
    n = len(raw)
    while pos < n:
        m = _XML_TOKEN.match(raw, pos)
        if m is None:  # cannot happen on content expat accepted
            raise ValueError(f"unexpected XML content at {pos}")
        if m.group("text") is not None:
            pieces.append((False, m.group("text")))
        elif m.group("ref") is not None:
            pieces.append((False, _unescape_ref(m.group("ref_name"))))
        elif m.group("cdata") is not None:  # plain text; a rewrite escapes it instead
            pieces.append((False, m.group("cdata_text")))
        elif m.group("start") is not None and not m.group("empty"):
            name = m.group("name")
            if _local(name) in WRAPPERS:
                pieces.append((True, m.group(0)))
            else:  # native code: the whole element, content included, is one placeholder
                close = _matching_end(raw, m.end(), name)
                pieces.append((True, raw[m.start() : close]))
                pos = close
                continue
        else:  # empty element, wrapper end tag, comment, processing instruction
            pieces.append((True, m.group(0)))
        pos = m.end()
    plain = "".join(t for is_markup, t in pieces if not is_markup)
    chars = _placeholders(plain)
    tokens: dict[str, str] = {}
    text: list[str] = []
    for is_markup, t in pieces:
        if is_markup:
            ch = next(chars)
            tokens[ch] = t
            text.append(ch)
        else:
            text.append(t)
    return TargetText(raw=raw, text="".join(text), kind="xml", tokens=tokens)


def _matching_end(raw: str, pos: int, name: str) -> int:
    depth = 1
    for m in _XML_TOKEN.finditer(raw, pos):
        if m.group("start") is not None and not m.group("empty") and m.group("name") == name:
            depth += 1
        elif m.group("end") is not None and m.group("end_name") == name:
            depth -= 1
            if depth == 0:
                return m.end()
    raise ValueError(f"no end tag for <{name}>")


def _unescape_ref(name: str) -> str:
    if name in _PREDEFINED:
        return _PREDEFINED[name]
    if name.startswith("#x") or name.startswith("#X"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    raise ValueError(f"entity &{name}; is not allowed")  # xmlsafe.scan refused it already


def escape_xml(text: str) -> str:
    """Text for XML element content."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_xml(tt: TargetText, target: str) -> str:
    """``target`` with its placeholders turned back into their markup, the text escaped."""
    if not tt.tokens:
        return escape_xml(target)
    split = re.compile("(" + "|".join(map(re.escape, tt.tokens)) + ")")
    return "".join(
        tt.tokens[part] if part in tt.tokens else escape_xml(part) for part in split.split(target)
    )


def placeholder_problem(tt: TargetText, target: str) -> str | None:
    """Why ``target`` cannot replace the original without breaking its markup, or None."""
    if tt.kind == "xml":
        if tt.tokens:
            before = list(tt.tokens)
            after = [c for c in target if c in tt.tokens]
            if after != before:
                lost = [tt.tokens[c] for c in before if c not in after]
                if lost:
                    return f"inline markup lost: {', '.join(lost[:3])}"
                return "inline markup duplicated or reordered"
        bad = _NOT_XML.search(target)
        if bad:
            return f"character U+{ord(bad.group()):04X} is not allowed in XML"
    # printf/brace placeholders in the text itself ({0}, %s) are code too, in XML and PO alike
    pattern = TEXT_PLACEHOLDER if tt.kind == "xml" else PO_PLACEHOLDER
    old = Counter(pattern.findall(tt.text))
    new = Counter(pattern.findall(target))
    if old != new:
        lost = sorted((old - new).elements())
        added = sorted((new - old).elements())
        parts = [
            f"lost {' '.join(lost)}" if lost else "",
            f"added {' '.join(added)}" if added else "",
        ]
        return "placeholders changed: " + "; ".join(p for p in parts if p)
    return None


class LineIndex:
    """Byte offset -> 1-based line number, by bisecting the newline offsets once."""

    def __init__(self, data: bytes) -> None:
        self._breaks = [m.start() for m in re.finditer(rb"\n", data)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._breaks, offset) + 1


def same_language(a: str | None, b: str | None) -> bool:
    """``en`` matches ``en-US`` and ``en_GB``; ``zh-Hans`` matches ``zh-CN``."""
    if not a or not b:
        return False
    import langcodes  # on first use: a run over .txt or .jsonl never loads it (4 MB)

    try:
        la, lb = langcodes.get(a.replace("_", "-")), langcodes.get(b.replace("_", "-"))
    except (ValueError, LookupError):
        return a.lower() == b.lower()
    return la.language == lb.language


def require_utf8(path: str, encoding: str | None) -> None:
    """The cleaned file is written as UTF-8, so other declared encodings are refused."""
    if encoding and encoding.replace("_", "-").lower() not in (
        "utf-8",
        "utf8",
        "us-ascii",
        "ascii",
    ):
        raise InputError(path, f"declared encoding {encoding!r} is not supported; convert to UTF-8")


class TranslationMemoryFormat(Format):
    """Base of TMX, XLIFF and PO: records carry a ``TargetText`` in ``extra``."""

    drop_rule: ClassVar[Literal["remove", "empty"]] = "empty"
    # ``records`` takes ``tgt_lang``: the file may hold several target languages (TMX).
    takes_tgt_lang: ClassVar[bool] = True
    segmented: ClassVar[bool] = False

    def records(self, src: Source, tgt_lang: str | None = None) -> Iterator[Record | Reject]:
        """Records of ``src``; ``tgt_lang`` picks the target language where a file has several."""
        raise NotImplementedError

    def render(self, record: Record, target: str) -> str:
        """The new span text; the original one, unchanged, when the markup would break."""
        tt: TargetText = record.extra
        if self.render_problem(record, target):
            return tt.raw
        return self._render(tt, target)

    def _render(self, tt: TargetText, target: str) -> str:
        return render_xml(tt, target)

    def render_problem(self, record: Record, target: str) -> str | None:
        """Why ``target`` will not be written for ``record`` (the unit is kept), or None."""
        return placeholder_problem(record.extra, target)


def unit_record(
    *,
    path: str,
    rid: str,
    tt: TargetText,
    span: tuple[int, int],
    line: int,
    source: str | None,
    src_lang: str | None,
    tgt_lang: str | None,
    seen: dict[str, int],
    max_bytes: int,
) -> Record | Reject:
    """A record, or a reject for a duplicate id or an oversize target (copied unchanged)."""
    if span[1] - span[0] > max_bytes:
        reason = f"target longer than the cap of {max_bytes} bytes"
        return Reject(path, line, reason, tt.raw[:200], span)
    if rid in seen:
        reason = f"duplicate unit id {rid!r} (first on line {seen[rid]})"
        return Reject(path, line, reason, tt.raw[:200], span)
    seen[rid] = line
    return Record(
        id=rid,
        target=tt.text,
        line=line,
        span=span,
        source=source,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        extra=tt,
    )
