"""The one safe way to read XML in mtclean (TMX, XLIFF, TBX): no DTD, no network, no entities.

XML from an archive is untrusted. Two parsers read it, both configured here:

- ``scan(data)`` runs expat over the whole document first. It refuses every entity declaration
  (so a "billion laughs" bomb or an external entity never expands or loads), every reference to
  an entity that is not one of XML's five predefined ones (``K&ent;`` with an unread external
  DTD would otherwise survive as literal text), and reports malformed XML with its line. It
  also returns each element's byte offsets, which the translation-memory formats need to write
  a changed target back without touching any other byte.
- ``parser()`` is the lxml parser for building a tree once ``scan`` passed: no DTD loading, no
  network, entities left unresolved, no huge-tree mode.

A ``<!DOCTYPE>`` that only names an external DTD is allowed (real TBX files carry one); the DTD
is never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from lxml import etree

# End of a start tag, from its ``<``: expat has already checked it is well-formed, so this
# pattern only has to skip quoted attribute values (which may hold ``>``).
_START_TAG = re.compile(rb"<[^\s/>]+(?:\s+[^\s=]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>")
_DECL_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")


class XmlError(ValueError):
    """XML that is refused: malformed, or declaring or using entities. ``line`` is 1-based."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason, self.line = reason, line
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass(frozen=True, slots=True)
class ElementSpan:
    """Byte offsets of one element: ``start`` (its ``<``), ``content`` (after the start tag),
    ``content_end`` (the ``<`` of the end tag), ``end`` (after the end tag). For an empty
    element tag (``<x/>``) ``content == content_end == end``."""

    name: str
    start: int
    content: int
    content_end: int
    end: int
    line: int


def parser(**overrides: Any) -> etree.XMLParser:
    """The lxml parser for untrusted XML; ``overrides`` may add harmless options
    (``remove_comments=True``) but the safety options always win."""
    options: dict[str, Any] = {"strip_cdata": False, **overrides}
    options.update(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )
    return etree.XMLParser(**options)


def declared_encoding(data: bytes) -> str | None:
    """The encoding named in the XML declaration, lower-cased, or None."""
    m = _DECL_ENCODING.match(data[:200])
    return m.group(1).decode("ascii", "replace").lower() if m else None


def scan(data: bytes) -> list[ElementSpan]:
    """Check ``data`` with expat and return every element's byte offsets in document order.

    Raises ``XmlError`` for malformed XML, any entity declaration, any external or undefined
    entity reference.
    """
    p = expat.ParserCreate()
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    spans: list[ElementSpan | None] = []
    open_: list[tuple[int, int, int, str]] = []  # (index in spans, start, content, line)

    def refuse_entity(name: str, *_: Any) -> None:
        raise XmlError("entity declarations are not allowed", p.CurrentLineNumber)

    def refuse_reference(name: str, *_: Any) -> int:
        raise XmlError(f"entity reference &{name}; is not allowed", p.CurrentLineNumber)

    def start(name: str, _attrs: Any) -> None:
        pos = p.CurrentByteIndex
        m = _START_TAG.match(data, pos)
        if m is None:  # cannot happen on XML expat accepted; refuse rather than guess
            raise XmlError("unreadable start tag", p.CurrentLineNumber)
        if m.group(1):
            spans.append(ElementSpan(name, pos, m.end(), m.end(), m.end(), p.CurrentLineNumber))
            open_.append((-1, 0, 0, 0))
            return
        open_.append((len(spans), pos, m.end(), p.CurrentLineNumber))
        spans.append(None)

    def end(name: str) -> None:
        idx, s, content, line = open_.pop()
        if idx < 0:
            return
        pos = p.CurrentByteIndex
        close = data.index(b">", pos) + 1
        spans[idx] = ElementSpan(name, s, content, pos, close, line)

    p.EntityDeclHandler = refuse_entity
    p.UnparsedEntityDeclHandler = refuse_entity
    p.SkippedEntityHandler = refuse_reference
    p.ExternalEntityRefHandler = lambda *a: refuse_reference(a[0] or "external")
    p.StartElementHandler = start
    p.EndElementHandler = end
    try:
        p.Parse(data, True)
    except expat.ExpatError as err:
        reason = expat.ErrorString(err.code) if err.code else str(err)
        if "undefined entity" in reason:
            raise XmlError(
                f"malformed XML: {reason} (entities are not allowed)", err.lineno
            ) from None
        raise XmlError(f"malformed XML: {reason}", err.lineno) from None
    except RecursionError:
        raise XmlError("XML nested too deeply") from None
    except XmlError:
        raise
    except LookupError as err:  # e.g. encoding="TTF-8" in the declaration
        raise XmlError(f"malformed XML: {err}", 1) from None
    return [s for s in spans if s is not None]


def parse(data: bytes, **overrides: Any) -> etree._ElementTree:
    """``scan`` then build the lxml tree with ``parser(**overrides)``."""
    scan(data)
    try:
        root = etree.fromstring(data, parser(**overrides))
    except etree.XMLSyntaxError as err:
        raise XmlError(f"malformed XML: {err.msg}", err.lineno) from None
    return root.getroottree()
