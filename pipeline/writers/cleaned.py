"""The cleaned copy of an input, streamed: unchanged bytes are copied from the input itself.

The final pass turns every item of a file (record or reject, in file order) into an ``Item``:
keep its bytes, replace them with a rendering, or drop it. ``write_cleaned`` then copies the input
to the output range by range, so undecodable bytes, BOMs and line breaks survive exactly, and a
file where nothing changed comes back byte for byte, whatever its size.

Drops follow the format's rule: a dropped plain-text paragraph leaves the file together with the
separator after it (the separator that followed the previous kept paragraph is what joins it to
the next kept one), so no run of extra blank lines is left behind.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from collections.abc import Iterable
from typing import IO, Any, NamedTuple

from pipeline.errors import InputError

KEEP, REPLACE, DROP = 0, 1, 2
_BLOCK = 1 << 20


class Item(NamedTuple):
    """One record or reject of the input: its byte span and what becomes of it."""

    start: int
    end: int
    action: int
    data: bytes = b""


class _Copier:
    """Sequential reads of an input stream (seekless, so compressed inputs work too)."""

    def __init__(self, fh: IO[bytes], out: IO[bytes], path: str) -> None:
        self.fh, self.out, self.pos, self.path = fh, out, 0, path

    def copy(self, upto: int) -> None:
        while self.pos < upto:
            block = self.fh.read(min(_BLOCK, upto - self.pos))
            if not block:
                raise InputError(self.path, "changed while mtclean was reading it (now shorter)")
            self.out.write(block)
            self.pos += len(block)

    def skip(self, upto: int) -> None:
        while self.pos < upto:
            block = self.fh.read(min(_BLOCK, upto - self.pos))
            if not block:
                raise InputError(self.path, "changed while mtclean was reading it (now shorter)")
            self.pos += len(block)

    def rest(self) -> None:
        while block := self.fh.read(_BLOCK):
            self.out.write(block)


def open_input(path: str, raw: IO[bytes] | None = None) -> IO[bytes]:
    """The input's content, decompressed; from ``raw`` (an open binary file) when given."""
    low = path.lower()
    src: Any = raw if raw is not None else path
    if low.endswith(".gz"):
        return gzip.open(src, "rb")  # type: ignore[return-value]
    if low.endswith(".bz2"):
        return bz2.open(src, "rb")  # type: ignore[return-value]
    if low.endswith(".xz"):
        return lzma.open(src, "rb")  # type: ignore[return-value]
    if raw is not None:
        return _NoClose(raw)  # type: ignore[return-value]
    return open(path, "rb")


class _NoClose:
    """``raw`` in a ``with`` block that leaves it open (its owner closes it)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def read(self, n: int = -1) -> bytes:
        return self.raw.read(n)

    def __enter__(self) -> _NoClose:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def compressed_writer(name: str, raw: IO[bytes]) -> IO[bytes]:
    """Wrap ``raw`` to compress like the input named ``name`` (deterministic: no timestamp)."""
    low = name.lower()
    if low.endswith(".gz"):
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)  # type: ignore[return-value]
    if low.endswith(".bz2"):
        return bz2.BZ2File(raw, "wb")  # type: ignore[return-value]
    if low.endswith(".xz"):
        return lzma.LZMAFile(raw, "wb")  # type: ignore[return-value]
    return raw


def write_cleaned(
    input_path: str, items: Iterable[Item], out: IO[bytes], raw: IO[bytes] | None = None
) -> None:
    """Write the cleaned copy of ``input_path`` to ``out``; ``items`` in file order. ``raw``:
    the input already open (read through it, e.g. to hash it)."""
    with open_input(input_path, raw) as fh:
        c = _Copier(fh, out, input_path)
        first = True
        prev_kept = False
        pending: tuple[int, int] | None = None  # separator after the last kept item
        prev_end = 0
        for it in items:
            if first:
                c.copy(it.start)  # whatever precedes the first item (a header, a BOM)
                first = False
            elif prev_kept:
                pending = (prev_end, it.start)
            if it.action == DROP:
                prev_kept = False
            else:
                if pending is not None:
                    c.skip(pending[0])
                    c.copy(pending[1])
                    pending = None
                c.skip(it.start)
                if it.action == KEEP:
                    c.copy(it.end)
                else:
                    out.write(it.data)
                prev_kept = True
            prev_end = it.end
        c.skip(prev_end)
        c.rest()
