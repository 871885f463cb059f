"""Reading an XML translation memory (TMX, XLIFF): safe parse, translate-toolkit store, spans.

translate-toolkit parses the store (it knows units, ids and languages); ``xmlsafe.scan`` has
already checked the same bytes and gives each element's byte offsets. The two are joined by
element order: the n-th element lxml yields is the n-th start tag expat saw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from pipeline import xmlsafe
from pipeline.errors import InputError
from pipeline.readers.source import Source
from pipeline.readers.tm import require_utf8


def local(tag: object) -> str:
    """``{ns}target`` -> ``target``; comments and PIs (non-str tags) -> ``""``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class XmlDocument:
    """The bytes of an XML file, its checked element spans, and its translate-toolkit store."""

    def __init__(self, src: Source, load: Callable[[bytes], Any], wanted: frozenset[str]) -> None:
        self.path = src.path
        data = src.read_all()
        require_utf8(src.path, xmlsafe.declared_encoding(data))
        try:
            self.spans = xmlsafe.scan(data)
        except xmlsafe.XmlError as err:
            raise InputError(src.path, err.reason, line=err.line) from None
        try:
            self.store = load(data)
        except (ValueError, AssertionError, AttributeError, StopIteration, etree.LxmlError) as err:
            msg = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise InputError(src.path, f"not a valid {self.kind(load)} file: {msg}") from None
        self.data = data
        self._ordinal: dict[Any, int] = {}
        root = self.store.document.getroot()
        for i, el in enumerate(root.iter(etree.Element)):
            if local(el.tag) in wanted:
                self._ordinal[el] = i

    @staticmethod
    def kind(load: Callable[[bytes], Any]) -> str:
        return getattr(load, "kind", "XML")

    def content(self, el: Any) -> tuple[tuple[int, int], int, str] | None:
        """(byte span of ``el``'s inner content, line, its text), or None for ``<el/>``."""
        i = self._ordinal.get(el)
        if i is None or i >= len(self.spans) or xmlsafe_local(self.spans[i].name) != local(el.tag):
            # translate-toolkit added or moved an element: never guess a span
            raise InputError(self.path, "cannot locate a unit's bytes in the file")
        s = self.spans[i]
        if s.content == s.end:
            return None
        raw = self.data[s.content : s.content_end].decode("utf-8")
        return (s.content, s.content_end), s.line, raw


def xmlsafe_local(name: str) -> str:
    """expat names keep their prefix (``xliff:target``); compare local names."""
    return name.rsplit(":", 1)[-1]


def children(el: Any, name: str) -> Iterator[Any]:
    """Direct child elements of ``el`` with local name ``name``."""
    for child in el:
        if local(child.tag) == name:
            yield child


def first_child(el: Any, name: str) -> Any | None:
    return next(children(el, name), None)


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
