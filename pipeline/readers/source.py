"""Reading an input without holding it: physical lines with byte offsets, streamed.

Offsets are byte offsets in the (decompressed) file, so the cleaned copy can be written by
copying every unchanged byte range straight from the input. Lines are decoded one by one as
UTF-8 with surrogate escapes: a byte that is not UTF-8 never stops the read, the record holding
it is rejected, and the writer puts the very same byte back. Splitting at ``\\n``/``\\r`` before
decoding is exact, since neither byte occurs inside a multi-byte UTF-8 sequence.

Refused up front (``InputError``, exit 2): a missing file, a folder, anything that is not a
regular file (a FIFO would block for ever, ``/dev/zero`` never ends), UTF-16 with or without a
BOM, and a file with nothing but whitespace. A line longer than ``max_line_bytes`` is not kept
in memory: it comes back as a ``Line`` with ``text=None`` and its format rejects it.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from pipeline.errors import InputError

UTF8_BOM = b"\xef\xbb\xbf"
_BREAK = re.compile(rb"\r\n|\n|\r")
_CHUNK = 1 << 20
_HEAD = 4000  # bytes of an oversize line kept for its reject


def _head(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what one line, one record and one whole-file (XML) read may hold, in bytes."""

    max_line_bytes: int = 64 << 20
    max_record_bytes: int = 64 << 20
    max_whole_file_bytes: int = 512 << 20


@dataclass(frozen=True, slots=True)
class Line:
    """A physical line: bytes ``[start, end)`` are its content, ``[end, next_start)`` its break.

    ``text`` is the decoded content, or None when the line exceeded the line cap.
    """

    number: int
    start: int
    end: int
    next_start: int
    text: str | None
    brk: str
    head: str = ""  # the first bytes of an oversize line, decoded, for rejects.jsonl

    @property
    def oversize(self) -> bool:
        return self.text is None


def _opener(path: str):  # type: ignore[no-untyped-def]
    low = path.lower()
    if low.endswith(".gz"):
        return gzip.open
    if low.endswith(".bz2"):
        return bz2.open
    if low.endswith(".xz"):
        return lzma.open
    return open


def check_regular(path: str) -> os.stat_result:
    """Stat ``path``; refuse what is missing, a folder, or not a regular file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "not a regular file (a FIFO, socket or device is refused)")
    return st


def _looks_utf16(head: bytes) -> str | None:
    """Why the file is not UTF-8 when it is UTF-32 or UTF-16 (by BOM or by its zero bytes)."""
    # UTF-32LE's BOM begins with UTF-16LE's, so UTF-32 is tested first.
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "file is UTF-32; convert it to UTF-8"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "file is UTF-16; convert it to UTF-8"
    sample = head[:4096]
    if len(sample) >= 8:
        quads = len(sample) // 4
        # UTF-32 text of BMP characters: three of every four bytes are zero
        if sum(sample[i + 1 : i + 4] == b"\0\0\0" for i in range(0, quads * 4, 4)) > 0.6 * quads:
            return "file looks like UTF-32LE without a BOM; convert it to UTF-8"
        if sum(sample[i : i + 3] == b"\0\0\0" for i in range(0, quads * 4, 4)) > 0.6 * quads:
            return "file looks like UTF-32BE without a BOM; convert it to UTF-8"
    if len(sample) >= 4:
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        half = len(sample) // 2
        if odd > 0.3 * half and odd > 4 * max(even, 1):
            return "file looks like UTF-16LE without a BOM; convert it to UTF-8"
        if even > 0.3 * half and even > 4 * max(odd, 1):
            return "file looks like UTF-16BE without a BOM; convert it to UTF-8"
    return None


class Source:
    """One input file, read as a stream of lines or (capped) as a whole."""

    def __init__(self, path: str, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits or Limits()
        self.bom = False

    def open(self) -> IO[bytes]:
        check_regular(self.path)
        try:
            return _opener(self.path)(self.path, "rb")  # type: ignore[no-any-return]
        except OSError as err:
            raise InputError(self.path, f"cannot read: {err.strerror or err}") from None

    def probe(self) -> None:
        """The file-level checks without reading the whole file: it can be read, is not
        UTF-16 and holds something besides whitespace."""
        try:
            with self.open() as fh:
                data = fh.read(1 << 16)
                problem = _looks_utf16(data)
                if problem:
                    raise InputError(self.path, problem, line=1)
                while not data.strip():
                    if not data:
                        raise InputError(self.path, "empty file")
                    data = fh.read(1 << 16)
        except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as err:
            raise InputError(self.path, f"cannot read: {_why(err)}") from None

    def read_all(self) -> bytes:
        """The whole (decompressed) file, for formats that parse documents; capped."""
        cap = self.limits.max_whole_file_bytes
        try:
            with self.open() as fh:
                data = fh.read(cap + 1)
        except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as err:
            raise InputError(self.path, f"cannot read: {_why(err)}") from None
        if len(data) > cap:
            raise InputError(self.path, f"larger than {cap} bytes, the cap for this format")
        problem = _looks_utf16(data)
        if problem:
            raise InputError(self.path, problem, line=1)
        self.bom = data.startswith(UTF8_BOM)
        return data

    def count_lines(self) -> int:
        """Lines holding something besides whitespace, counted on raw bytes (no decoding): a
        cheap total for progress bars. LF and CRLF breaks; a CR-only file counts as one line."""
        n = 0
        try:
            with self.open() as fh:
                for raw in fh:
                    if not raw.isspace():
                        n += 1
        except (OSError, EOFError, lzma.LZMAError, zlib.error) as err:
            raise InputError(self.path, f"cannot read: {_why(err)}") from None
        return n

    def lines(self) -> Iterator[Line]:
        """Every physical line (LF, CRLF or CR breaks), 1-based numbers, byte offsets."""
        try:
            with self.open() as fh:
                yield from self._lines(fh)
        except (OSError, EOFError, lzma.LZMAError, zlib.error) as err:
            raise InputError(self.path, f"cannot read: {_why(err)}") from None

    def _lines(self, fh: IO[bytes]) -> Iterator[Line]:
        cap = self.limits.max_line_bytes
        buf = b""
        base = 0  # byte offset of buf[0]
        number = 1
        first = True
        skip_from: int | None = None  # start of an oversize line being skipped
        head = ""
        eof = False
        while not eof:
            chunk = fh.read(_CHUNK)
            eof = not chunk
            if first:
                first = False
                problem = _looks_utf16(chunk)
                if problem:
                    raise InputError(self.path, problem, line=1)
                if chunk.startswith(UTF8_BOM):
                    self.bom = True
                    chunk = chunk[len(UTF8_BOM) :]
                    base = len(UTF8_BOM)
            buf += chunk
            pos = 0
            while True:
                m = _BREAK.search(buf, pos)
                if m is None:
                    break
                if m.group() == b"\r" and m.end() == len(buf) and not eof:
                    break  # a CRLF may be split across chunks
                if skip_from is not None:
                    yield Line(number, skip_from, base + m.start(), base + m.end(), None, "", head)
                    skip_from = None
                elif m.start() - pos > cap:  # over the cap, though its break is in this chunk
                    head = _head(buf[pos : min(m.start(), pos + _HEAD)])
                    yield Line(number, base + pos, base + m.start(), base + m.end(), None, "", head)
                else:
                    text = buf[pos : m.start()].decode("utf-8", "surrogateescape")
                    brk = m.group().decode("ascii")
                    yield Line(number, base + pos, base + m.start(), base + m.end(), text, brk)
                number += 1
                pos = m.end()
            buf = buf[pos:]
            base += pos
            if skip_from is None and len(buf) > cap:
                skip_from = base
                head = _head(buf[:_HEAD])
            if skip_from is not None:
                base += len(buf)
                buf = b""
        if skip_from is not None:
            yield Line(number, skip_from, base, base, None, "", head)
        elif buf:
            text = buf.decode("utf-8", "surrogateescape")
            yield Line(number, base, base + len(buf), base + len(buf), text, "")


def _why(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__
