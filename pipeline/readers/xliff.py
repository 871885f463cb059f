"""XLIFF 1.2 and 2.x (``.xlf``, ``.xliff``), read with translate-toolkit.

One record per translation unit (1.2 ``<trans-unit>``) or segment (2.x ``<segment>``) that has a
non-empty ``<target>``; its span is the inner content of that ``<target>``, so ids, notes,
states, ``<alt-trans>`` and every other byte are copied unchanged. Ids are translate-toolkit's:
the unit id (2.x: ``unit::segment`` when a unit has several segments); when the document holds
several ``<file>`` elements it is prefixed with the file's ``original`` (1.2) or ``id`` (2.x)
and ``\\x04``. Languages come from ``source-language``/``target-language`` (1.2) or
``srcLang``/``trgLang`` (2.x); a language the file states wins over ``--src-lang``/``--tgt-lang``,
which only fill in where the file is silent. Units marked ``translate="no"`` are not records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipeline.readers.registry import register_format
from pipeline.readers.source import Source
from pipeline.readers.tm import TranslationMemoryFormat, unit_record, xml_target
from pipeline.readers.xmltm import XmlDocument, children, first_child, local
from pipeline.records import Record, Reject

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2."
SEP = "\x04"  # translate-toolkit's separator between a file and a unit id


def _load(data: bytes) -> Any:
    from translate.storage import xliff, xliff2

    if _is_v2(data):
        return xliff2.Xliff2File.parsestring(data)
    return xliff.xlifffile.parsestring(data)


# The root start tag: the first ``<`` not opening a declaration, PI, comment or DOCTYPE.
_ROOT_TAG = re.compile(rb"<(?![?!])[^>]*>")
_SKIP = re.compile(rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.S)


def _is_v2(data: bytes) -> bool:
    """Whether the root ``<xliff>`` tag says version 2 (by namespace or ``version``), however
    many bytes of comments or processing instructions come before it."""
    pos = 0
    while True:
        skip = _SKIP.search(data, pos)
        root = _ROOT_TAG.search(data, pos)
        if root is None:
            return False
        if skip is not None and skip.start() < root.start():
            pos = skip.end()
            continue
        tag = root.group()
        return XLIFF2_NS.encode() in tag or bool(re.search(rb"""version\s*=\s*["']2\.""", tag))


_load.kind = "XLIFF"  # type: ignore[attr-defined]


@register_format
class Xliff(TranslationMemoryFormat):
    name = "xliff"
    suffixes = (".xlf", ".xliff")
    description = "XLIFF 1.2 / 2.x; one record per unit (segment) with a target"

    def records(self, src: Source, tgt_lang: str | None = None) -> Iterator[Record | Reject]:
        doc = XmlDocument(src, _load, frozenset({"source", "target"}))
        root = doc.store.document.getroot()
        v2 = local(root.tag) == "xliff" and (root.get("version") or "").startswith("2")
        if not v2 and XLIFF2_NS in (root.nsmap.get(None) or ""):
            v2 = True
        files = list(children(root, "file"))
        seen: dict[str, int] = {}
        cap = src.limits.max_record_bytes
        for n, unit in enumerate(doc.store.units, 1):
            el = unit.xmlelement
            owner = el.getparent() if v2 else el  # 2.x: the <unit> holding the <segment>
            if (owner.get("translate") or "").lower() == "no":
                continue
            target_el = first_child(el, "target")
            if target_el is None:
                continue
            found = doc.content(target_el)
            if found is None:
                continue
            span, line, raw = found
            tt = xml_target(raw)
            if not tt.text.strip():
                continue
            source = None
            source_el = first_child(el, "source")
            if source_el is not None:
                src_found = doc.content(source_el)
                source = xml_target(src_found[2]).text if src_found else ""
            file_el = next(el.iterancestors("{*}file"), None)
            rid = _unit_id(unit, v2, file_el, len(files)) or f"#{n}"
            if v2:
                src_lang, tgt_lang_f = root.get("srcLang"), root.get("trgLang")
            else:
                assert file_el is not None
                src_lang = file_el.get("source-language")
                tgt_lang_f = file_el.get("target-language")
            yield unit_record(
                path=src.path,
                rid=rid,
                tt=tt,
                span=span,
                line=line,
                source=source,
                src_lang=src_lang,
                tgt_lang=tgt_lang_f or tgt_lang,
                seen=seen,
                max_bytes=cap,
            )


def _unit_id(unit: Any, v2: bool, file_el: Any, n_files: int) -> str:
    rid = str(unit.getid() or "")
    if not v2:
        # translate-toolkit prefixes ``original\x04``; keep it only where it disambiguates.
        if n_files <= 1 and SEP in rid:
            rid = rid.split(SEP, 1)[1]
        return "" if rid.endswith(SEP) else rid
    if n_files > 1 and file_el is not None:
        rid = f"{file_el.get('id') or ''}{SEP}{rid}"
    return rid
