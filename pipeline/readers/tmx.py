"""TMX 1.4 (``.tmx``), read with translate-toolkit.

A ``<tu>`` holds one ``<tuv>`` per language. The source language is the header's ``srclang`` (or the
unit's own ``srclang``; with ``*all*``, the unit's first ``<tuv>``). Every other ``<tuv>`` is a
target. The file's languages win: with two languages the target is the other one whatever ``--tgt-
lang`` says; with more, ``tgt_lang`` (``--tgt-lang``) keeps the targets of that language (``en``
matches ``en-US``) and the others are copied unchanged, and when a unit has none in that language
each of its targets is a record of its own. One record per kept target ``<seg>``, its span the
``<seg>``'s inner content. The id is the ``tuid`` (``#n`` for the n-th unit when it has none), with
``@lang`` added when one unit yields several targets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.readers.registry import register_format
from pipeline.readers.source import Source
from pipeline.readers.tm import TranslationMemoryFormat, same_language, unit_record, xml_target
from pipeline.readers.xmltm import XML_LANG, XmlDocument, children, first_child
from pipeline.records import Record, Reject


def _load(data: bytes) -> Any:
    from translate.storage import tmx

    return tmx.tmxfile.parsestring(data)


_load.kind = "TMX"  # type: ignore[attr-defined]


def _lang(tuv: Any) -> str:
    return str(tuv.get(XML_LANG) or tuv.get("lang") or "")


@register_format
class Tmx(TranslationMemoryFormat):
    name = "tmx"
    suffixes = (".tmx",)
    description = "TMX 1.4 translation memory; one record per target <tuv>"

    def records(self, src: Source, tgt_lang: str | None = None) -> Iterator[Record | Reject]:
        doc = XmlDocument(src, _load, frozenset({"seg"}))
        header_src = doc.store.getsourcelanguage()
        seen: dict[str, int] = {}
        cap = src.limits.max_record_bytes
        for n, unit in enumerate(doc.store.units, 1):
            tu = unit.xmlelement
            tuvs = [t for t in children(tu, "tuv") if first_child(t, "seg") is not None]
            if not tuvs:
                continue
            src_tuv = _source_tuv(tuvs, tu.get("srclang") or header_src)
            targets = [t for t in tuvs if t is not src_tuv]
            if tgt_lang and len(targets) > 1:
                # Several targets: ``tgt_lang`` picks its own; with none of that language, every
                # target is its own record (``id@lang``). One target is always the target.
                chosen = [t for t in targets if same_language(_lang(t), tgt_lang)]
                targets = chosen or targets
            source = None
            if src_tuv is not None:
                found = doc.content(first_child(src_tuv, "seg"))
                source = xml_target(found[2]).text if found else ""
            base = str(tu.get("tuid") or "") or f"#{n}"
            for tuv in targets:
                found = doc.content(first_child(tuv, "seg"))
                if found is None:
                    continue
                span, line, raw = found
                tt = xml_target(raw)
                if not tt.text.strip():
                    continue
                yield unit_record(
                    path=src.path,
                    rid=f"{base}@{_lang(tuv)}" if len(targets) > 1 else base,
                    tt=tt,
                    span=span,
                    line=line,
                    source=source,
                    src_lang=_lang(src_tuv) if src_tuv is not None else None,
                    tgt_lang=_lang(tuv) or None,
                    seen=seen,
                    max_bytes=cap,
                )


def _source_tuv(tuvs: list[Any], srclang: str | None) -> Any | None:
    if srclang and srclang.lower() != "*all*":
        exact = [t for t in tuvs if _lang(t).lower() == srclang.lower()]
        if exact:
            return exact[0]
        similar = [t for t in tuvs if same_language(_lang(t), srclang)]
        return similar[0] if similar else None
    return tuvs[0]
