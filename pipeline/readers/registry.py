"""The format registry: each input format is one ``Format`` subclass in its own module.

A format knows four things and nothing else in the code base needs to:

- ``suffixes``: the file suffixes it reads (``.jsonl``); compression suffixes (``.gz``, ``.bz2``,
  ``.xz``) are handled around it by ``pipeline.readers.source``.
- ``records(src)``: parse the input into ``Record`` and ``Reject`` items, in file order. Every
  item carries ``span``: its *byte* range in the (decompressed) file. Bytes outside every span
  (separators, headers, XML around the units) are copied to the cleaned file as they are.
  Line-based formats read ``src.lines()`` and never hold the whole file; formats that must parse
  a whole document (XML) call ``src.read_all()``, which is capped.
- ``render(record, target)``: the new text of the record's span once its target changed, or
  None to remove the record (only for ``drop_rule == "remove"``).
- ``drop_rule``: what happens to a record whose every segment was dropped. ``"remove"`` (plain
  text): it leaves the file together with the separator after it. ``"empty"`` (structured
  formats): it stays, with an empty target.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Literal

from pipeline.errors import InputError
from pipeline.records import Record, Reject

COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz")


class Format(ABC):
    """One input format: how to find its records and how to write one back."""

    name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]
    drop_rule: ClassVar[Literal["remove", "empty"]] = "empty"
    description: ClassVar[str] = ""
    # Records are split into sentence segments (when they have no source). Translation-memory
    # units are aligned with their source as a whole, so they stay one segment.
    segmented: ClassVar[bool] = True
    # ``records`` takes ``tgt_lang`` (a file may hold several target languages, as TMX does).
    takes_tgt_lang: ClassVar[bool] = False
    # Source language when neither the file nor ``--src-lang`` gives one (PO: English).
    default_src_lang: ClassVar[str | None] = None

    @abstractmethod
    def records(self, src: Source) -> Iterator[Record | Reject]:
        """Records and rejects of ``src`` in file order, each with its byte ``span``."""

    @abstractmethod
    def render(self, record: Record, target: str) -> str | None:
        """The new text for ``record.span`` with ``target`` as the record's target."""

    def render_problem(self, record: Record, target: str) -> str | None:
        """Why ``target`` cannot be written for ``record`` (e.g. it would break inline markup);
        the record is then kept as it was and its segments flagged ``markup``."""
        return None

    def count(self, src: Source) -> int:
        """How many items (records and rejects) ``records`` will yield (for progress totals).
        Formats override it with something cheaper than a full parse where they can."""
        return sum(1 for _ in self.records(src))


# Imported here for the type only; the implementation lives in readers/source.py.
from pipeline.readers.source import Source  # noqa: E402

FORMATS: dict[str, Format] = {}


def register_format(cls: type[Format]) -> type[Format]:
    """Class decorator: make a format available by its suffixes."""
    inst = cls()
    for suffix in cls.suffixes:
        if suffix in FORMATS and type(FORMATS[suffix]) is not cls:
            raise ValueError(f"suffix {suffix!r} registered twice")
        FORMATS[suffix] = inst
    return cls


def split_suffix(path: str) -> tuple[str, str]:
    """(format suffix, compression suffix) of ``path``: ``a.jsonl.gz`` -> (``.jsonl``, ``.gz``)."""
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    comp = ""
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        comp = suffixes.pop()
    return (suffixes[-1] if suffixes else ""), comp


def format_for(path: str) -> Format:
    """The format named by ``path``'s suffix, or an InputError listing the known ones."""
    suffix, _ = split_suffix(path)
    fmt = FORMATS.get(suffix)
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(path, f"unknown format {suffix or '(no suffix)'!r} (expected {known})")
    return fmt
