"""Atomic writes: content goes to a temporary file in the same folder, then is renamed over
the destination, so a crash never leaves a half-written output."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

NAME_MAX = 255  # bytes in one file name on Linux file systems (ext4, xfs, btrfs, tmpfs)
# mkstemp's temp name: "." + prefix + "." + 8 random characters + ".tmp"
_TEMP_EXTRA = 1 + 1 + 8 + 4


def fit_name(name: str, limit: int = NAME_MAX) -> str:
    """``name`` when its UTF-8 form fits in ``limit`` bytes; else its start, cut at a character
    boundary, then ``~`` and 12 hex digits of its SHA-256 (so two long names stay apart)."""
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= limit:
        return name
    tag = "~" + hashlib.sha256(raw).hexdigest()[:12]
    head = raw[: max(0, limit - len(tag))].decode("utf-8", "ignore")
    return head + tag


# What a write can fail with because of the disk, not the data (full, quota, read-only, I/O).
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})
GOLD_SUFFIX = ".gold.jsonl"


def gold_name(stem: str) -> str:
    """``<stem>.gold.jsonl``, the stem cut with a hash when the whole would not fit in a file
    name (written by ``review export-terms --gold``, found by ``regress`` the same way)."""
    return fit_name(stem, NAME_MAX - len(GOLD_SUFFIX)) + GOLD_SUFFIX


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", fsync: bool = True) -> Iterator[IO]:
    """Open a temp file beside ``path``; on success (fsync and) rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # An input name may take all of the 255 bytes a file name has: the temp name beside it
    # is cut to fit (it only lives until the rename).
    prefix = f".{fit_name(path.name, NAME_MAX - _TEMP_EXTRA)}."
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs follow the umask

        kwargs = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        if err.filename is None and err.errno in _WRITE_ERRORS:
            # A write or fsync on an open file names no file: say which output it was.
            raise OSError(err.errno, err.strerror, str(path)) from None
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def write_text(path: str | Path, text: str) -> None:
    """Atomically replace ``path`` with UTF-8 ``text`` (line breaks written as given)."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
