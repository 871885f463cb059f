"""``XmlDocument`` (``pipeline/readers/xmltm.py``) where the suite let mutants through (issue 21,
session 4): the loader's error message, and an element the store holds that the file's bytes do
not (translate-toolkit adding or moving an element) is refused, never given a guessed span.

The loaders here are the format's injection point (``XmlDocument(src, load, wanted)``): each
parses the same bytes with lxml, as translate-toolkit does, and returns an object with the
``document`` attribute the class reads.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from pipeline.errors import InputError
from pipeline.readers.source import Source
from pipeline.readers.xmltm import XmlDocument

# elements in document order: 0 <r>, 1 <seg>, 2 <seg>; line 2 holds both <seg>
DOC = b'<?xml version="1.0" encoding="UTF-8"?>\n<r><seg>ab</seg><seg/></r>\n'


def src(tmp_path: Path) -> Source:
    path = tmp_path / "d.xml"
    path.write_bytes(DOC)
    return Source(str(path))


def parse(data: bytes) -> SimpleNamespace:
    return SimpleNamespace(document=etree.ElementTree(etree.fromstring(data)))


def test_the_loaders_one_line_message_is_kept(tmp_path):
    def load(data: bytes):
        raise ValueError("root element is not tmx")

    with pytest.raises(InputError) as err:
        XmlDocument(src(tmp_path), load, frozenset({"seg"}))
    assert err.value.reason == "not a valid XML file: root element is not tmx"


def test_only_the_first_line_of_a_longer_message_is_kept(tmp_path):
    def load(data: bytes):
        raise ValueError("bad unit\n  at line 3\n  at line 4")

    load.kind = "TMX"  # type: ignore[attr-defined]
    with pytest.raises(InputError) as err:
        XmlDocument(src(tmp_path), load, frozenset({"seg"}))
    assert err.value.reason == "not a valid TMX file: bad unit"


def test_spans_of_the_files_own_elements(tmp_path):
    doc = XmlDocument(src(tmp_path), parse, frozenset({"seg"}))
    first, second = doc.store.document.getroot()
    # '<?xml ...?>\n' is 39 bytes, '<r><seg>' 8 more: 'ab' is bytes 47..49 on line 2
    assert doc.content(first) == ((47, 49), 2, "ab")
    assert doc.content(second) is None  # <seg/>: no content


def test_an_element_after_the_files_last_one_is_refused(tmp_path):
    def load(data: bytes) -> SimpleNamespace:
        store = parse(data)
        etree.SubElement(store.document.getroot(), "seg").text = "added"  # element 3 of 3 spans
        return store

    doc = XmlDocument(src(tmp_path), load, frozenset({"seg"}))
    added = doc.store.document.getroot()[2]
    with pytest.raises(InputError) as err:
        doc.content(added)
    assert err.value.reason == "cannot locate a unit's bytes in the file"


def test_an_element_the_store_made_later_is_refused(tmp_path):
    doc = XmlDocument(src(tmp_path), parse, frozenset({"seg"}))
    later = etree.SubElement(doc.store.document.getroot(), "seg")  # not numbered: no span
    with pytest.raises(InputError) as err:
        doc.content(later)
    assert err.value.reason == "cannot locate a unit's bytes in the file"


def test_prefixed_elements_are_matched_by_their_local_names(tmp_path):
    # expat names the element 'p:seg', lxml '{urn:x}seg': both are 'seg'
    path = tmp_path / "p.xml"
    path.write_bytes(b'<p:r xmlns:p="urn:x"><p:seg>ab</p:seg></p:r>')
    doc = XmlDocument(Source(str(path)), parse, frozenset({"seg"}))
    (seg,) = doc.store.document.getroot()
    # '<p:r xmlns:p="urn:x">' is 21 bytes, '<p:seg>' 7 more: 'ab' is bytes 28..30 on line 1
    assert doc.content(seg) == ((28, 30), 1, "ab")
