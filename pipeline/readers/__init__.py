"""Input formats. Each format is one module registering a ``Format`` (see ``registry``);
``open_input`` picks one by suffix (under an optional ``.gz``/``.bz2``/``.xz``)."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.readers import (  # noqa: F401  (each module registers its format)
    jsonl,
    po,
    table,
    text,
    tmx,
    xliff,
)
from pipeline.readers.registry import (
    COMPRESSION_SUFFIXES,
    FORMATS,
    Format,
    format_for,
    register_format,
    split_suffix,
)
from pipeline.readers.source import Limits, Source
from pipeline.records import Record, Reject

__all__ = [
    "COMPRESSION_SUFFIXES",
    "FORMATS",
    "Format",
    "Limits",
    "Source",
    "format_for",
    "iter_records",
    "register_format",
    "split_suffix",
]


def iter_records(
    path: str, limits: Limits | None = None, src_lang: str | None = None, tgt_lang: str = "en"
) -> Iterator[Record | Reject]:
    """Records and rejects of one input, in file order, with language and document defaults."""
    fmt = format_for(path)
    src = Source(path, limits)
    items = fmt.records(src, tgt_lang=tgt_lang) if fmt.takes_tgt_lang else fmt.records(src)  # type: ignore[call-arg]
    for item in items:
        if isinstance(item, Record):
            # The file's own languages win; the options fill in where it is silent.
            item.src_lang = item.src_lang or src_lang or fmt.default_src_lang
            item.tgt_lang = item.tgt_lang or tgt_lang
            item.doc = item.doc or path
        yield item
