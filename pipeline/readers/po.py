"""Gettext PO (``.po``, ``.pot``), read with translate-toolkit.

One record per non-empty ``msgstr`` (each ``msgstr[n]`` of a plural entry is its own record). The
header entry, obsolete (``#~``) entries and untranslated ones are not records; they and every
comment, flag and ``msgid`` are copied unchanged. Fuzzy entries are records (their text is machine
output too); their ``#, fuzzy`` flag stays as it is.

The span is the msgstr's quoted strings, from the first ``"`` to the last, continuation lines
included; a rewrite keeps the one-line or ``""``-then-lines layout. Ids: the ``msgid``, with
``msgctxt`` and ``\\x04`` before it when there is a context (gettext's own key), and ``\\x00n``
after it for plural form n. Languages: the target is the header's ``Language``, else the file name
(``zh_TW.po``, ``zh_TW/LC_MESSAGES/app.po``), else ``--tgt-lang``; the source is ``X-Source-
Language``, else ``--src-lang``, else English (gettext's convention). translate-toolkit has no byte
offsets, so the msgstr lines are found by a line scan and checked against what translate-toolkit
parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.errors import InputError
from pipeline.readers.registry import register_format
from pipeline.readers.source import Source
from pipeline.readers.tm import LineIndex, TargetText, TranslationMemoryFormat, unit_record
from pipeline.records import Record, Reject

_MSGSTR = re.compile(rb'^[ \t]*msgstr(?:\[(\d+)\])?[ \t]*(")')
_CONTINUATION = re.compile(rb'^[ \t]*"')
_QUOTED = re.compile(rb'"(?:[^"\\]|\\.)*"')
_LINE = re.compile(rb"[^\r\n]*(\r\n|\n|\r|$)")
_CHARSET = re.compile(rb"charset=([\w.:-]+)", re.I)


@dataclass(slots=True)
class _Block:
    """One msgstr (or msgstr[n]) in the file: its quoted strings and their byte span."""

    form: int | None
    start: int
    end: int
    quoted: list[str]
    line: int
    brk: str  # the line break between its quoted lines ("" when it has one line)


def _blocks(data: bytes) -> list[list[_Block]]:
    """msgstr blocks grouped by entry (a plural entry has several), in file order."""
    entries: list[list[_Block]] = []
    current: _Block | None = None
    pos, number = 0, 1
    while pos < len(data):
        m = _LINE.match(data, pos)
        assert m is not None
        line = data[m.start() : m.end() - len(m.group(1))]
        nxt = m.end()
        head = _MSGSTR.match(line)
        if head is not None:
            form = int(head.group(1)) if head.group(1) is not None else None
            q = _QUOTED.match(line, head.start(2))
            if q is None:
                raise ValueError(number)
            current = _Block(form, pos + q.start(), pos + q.end(), [q.group().decode()], number, "")
            if form is None or form == 0 or not entries:
                entries.append([current])
            else:
                entries[-1].append(current)
        elif current is not None and _CONTINUATION.match(line):
            q = _QUOTED.search(line)
            if q is None:
                raise ValueError(number)
            if not current.brk:
                current.brk = data[current_break_start(data, current.end) : pos].decode()
            current.end = pos + q.end()
            current.quoted.append(q.group().decode())
        else:
            current = None
        if nxt == pos:
            break
        pos, number = nxt, number + 1
    return entries


def current_break_start(data: bytes, end: int) -> int:
    """Where the line break after a quoted string begins (its trailing blanks skipped)."""
    i = end
    while i < len(data) and data[i : i + 1] in (b" ", b"\t"):
        i += 1
    return i


def _escape(text: str) -> str:
    from translate.storage.pypo import escapeforpo

    return escapeforpo(text)


def _unquote(quoted: list[str]) -> str:
    from translate.storage.pypo import unescape

    return "".join(unescape(q[1:-1]) for q in quoted)


@register_format
class Po(TranslationMemoryFormat):
    name = "po"
    suffixes = (".po", ".pot")
    description = "gettext PO; one record per translated msgstr (plural forms each)"

    def records(self, src: Source, tgt_lang: str | None = None) -> Iterator[Record | Reject]:
        from translate.storage import pypo

        data = src.read_all()
        # The header's charset is checked before decoding: the cleaned file is written as UTF-8.
        charset = _CHARSET.search(data[:4096])
        if charset and charset.group(1).lower() not in (b"utf-8", b"utf8", b"charset", b"ascii"):
            name = charset.group(1).decode("ascii", "replace")
            raise InputError(src.path, f"charset {name!r} is not supported; convert to UTF-8")
        try:
            store = pypo.pofile.parsestring(data)
        except (ValueError, UnicodeDecodeError, LookupError) as err:
            msg = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise InputError(src.path, f"not a valid PO file: {msg}") from None
        header = store.parseheader() if store.header() else {}
        file_tgt = store.gettargetlanguage() or language_from_name(src.path)
        file_src = header.get("X-Source-Language") or None  # else --src-lang, else English
        try:
            entries = _blocks(data)
        except ValueError as err:
            raise InputError(src.path, "malformed msgstr string", line=err.args[0]) from None
        units = [u for u in store.units if not u.isobsolete()]
        if len(units) != len(entries):
            raise InputError(src.path, "cannot match msgstr lines to the parsed entries")
        lines = LineIndex(data)
        seen: dict[str, int] = {}
        cap = src.limits.max_record_bytes
        for unit, blocks in zip(units, entries, strict=True):
            _check_same(src.path, unit, blocks)
            if unit.isheader():
                continue
            sources = [str(s) for s in unit.source.strings] if unit.hasplural() else []
            sources = sources or [str(unit.source)]
            ctx = unit.getcontext()
            rid = f"{ctx}\x04{sources[0]}" if ctx else sources[0]
            for k, block in enumerate(blocks):
                text = _unquote(block.quoted)
                if not text.strip():
                    continue
                raw = data[block.start : block.end].decode("utf-8", "surrogateescape")
                tt = TargetText(raw=raw, text=text, kind="po", layout=block.brk)
                tt.fuzzy = unit.isfuzzy()
                yield unit_record(
                    path=src.path,
                    rid=f"{rid}\x00{k}" if unit.hasplural() else rid,
                    tt=tt,
                    span=(block.start, block.end),
                    line=lines.line(block.start),
                    # One form for every number (nplurals=1: ja, zh, ko...): msgstr[0] renders
                    # msgid_plural as well, so its source is the general, plural one.
                    source=sources[-1] if len(blocks) == 1 else sources[min(k, len(sources) - 1)],
                    src_lang=file_src,
                    tgt_lang=file_tgt or tgt_lang,
                    seen=seen,
                    max_bytes=cap,
                )

    default_src_lang = "en"  # gettext convention: msgids are English

    def _render(self, tt: TargetText, target: str) -> str:
        """One quoted line, or ``""`` and a quoted line per ``\\n``-ended piece."""
        if not tt.layout and "\n" not in target.rstrip("\n"):
            return f'"{_escape(target)}"'
        brk = tt.layout or "\n"
        pieces = re.findall(r"[^\n]*\n|[^\n]+$", target)
        return '""' + "".join(f'{brk}"{_escape(p)}"' for p in pieces)


_NAME_LANG = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*$")


def language_from_name(path: str) -> str | None:
    """``zh_TW.po`` -> ``zh-TW``; also ``locale/zh_TW/LC_MESSAGES/app.po`` and ``app.zh_TW.po``
    (a domain before the language, as in ``validators.ja.xlf``); None otherwise."""
    import langcodes

    parts = re.split(r"[\\/]", path)
    stem = re.sub(r"\.(?:po|pot)(?:\.(?:gz|bz2|xz))?$", "", parts[-1])
    candidates = [stem, stem.rsplit(".", 1)[-1]] if "." in stem else [stem]
    if len(parts) >= 3 and parts[-2] == "LC_MESSAGES":
        candidates = [parts[-3]]  # the folder names the language; the stem is the domain
    for cand in candidates:
        if _NAME_LANG.match(cand) and langcodes.tag_is_valid(cand.replace("_", "-")):
            return cand.replace("_", "-")
    return None


def _check_same(path: str, unit: Any, blocks: list[_Block]) -> None:
    """The scanned msgstr strings must be what translate-toolkit parsed for the entry."""
    parsed = unit.msgstr
    forms = [parsed[k] for k in sorted(parsed)] if isinstance(parsed, dict) else [parsed]
    scanned = [b.quoted for b in blocks]
    if [[q.strip() for q in f] for f in forms] != scanned:
        raise InputError(
            path, "cannot match msgstr lines to the parsed entries", line=blocks[0].line
        )
