"""A well-formed XML file that is not the TM format its suffix says: one error naming the format
(mutation survivors in readers/xmltm.py, issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.readers.registry import format_for
from pipeline.readers.source import Source
from pipeline.readers.xmltm import XmlDocument

NOT_A_TM = '<?xml version="1.0" encoding="UTF-8"?>\n<foo/>\n'


@pytest.mark.parametrize(("name", "kind"), [("a.tmx", "TMX"), ("a.xlf", "XLIFF")])
def test_a_foreign_root_is_refused_naming_the_format(tmp_path: Path, name: str, kind: str):
    path = tmp_path / name
    path.write_text(NOT_A_TM, encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(format_for(str(path)).records(Source(str(path))))
    assert err.value.path == str(path)
    assert err.value.reason.startswith(f"not a valid {kind} file: ")


def test_a_loader_without_a_kind_is_called_xml():
    def load(data: bytes) -> None:
        return None

    assert XmlDocument.kind(load) == "XML"
