"""The output folder: one run at a time, and the output set replaced as a whole.

Layout of ``--out``::

    segments.jsonl  summary.json  cleaned/  rejects.jsonl  report.html  (the output set)
    .mtclean/lock        held (flock) while a run writes here; a second run is refused
    .mtclean/work/       resumable state of an unfinished run (deleted when it completes)
    .mtclean/staging/    the next output set, built in full before it is swapped in
    .mtclean/swap.json   journal of a swap in progress, so an interrupted swap is finished

A run builds the whole new set in ``staging/`` and then swaps it in: the old set's entries are
moved aside, the new ones moved in (renames on one file system), and the old ones deleted. A
kill before the swap leaves the previous set untouched; a kill during the few renames of the
swap is finished by the next command that opens the folder, from the journal.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.errors import quote_path as _q

# Everything mtclean writes into --out as part of a run's output set.
OUTPUT_NAMES = (
    "segments.jsonl",
    "summary.json",
    "cleaned",
    "rejects.jsonl",
    "report.html",
    "review.html",
    "review.data.js",
)


def _rm(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class OutDir:
    """``--out`` for one run: locked on ``open``, released on ``close``."""

    def __init__(self, path: str) -> None:
        self.root = Path(path)
        self.meta = self.root / ".mtclean"
        self.work = self.meta / "work"
        self.staging = self.meta / "staging"
        self.journal = self.meta / "swap.json"
        self._lock_fd: int | None = None

    def open(self) -> None:
        """Create, check and lock the folder; finish a swap that was interrupted."""
        if self.root.exists() and not self.root.is_dir():
            raise UsageError(f"--out {_q(self.root)}: exists and is not a folder")
        try:
            self.meta.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise UsageError(f"--out {_q(self.root)}: cannot create: {err.strerror}") from None
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise UsageError(f"--out {_q(self.root)}: not writable")
        try:
            self._lock_fd = os.open(self.meta / "lock", os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(
                f"--out {_q(self.root)}: another mtclean run is writing there"
            ) from None
        except OSError as err:
            raise UsageError(f"--out {_q(self.root)}: cannot lock: {err.strerror}") from None
        self.recover()

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def has_outputs(self) -> bool:
        return any((self.root / n).exists() for n in OUTPUT_NAMES)

    def fresh_staging(self) -> Path:
        _rm(self.staging)
        self.staging.mkdir(parents=True)
        return self.staging

    def swap(self) -> None:
        """Replace the output set with the one in ``staging/`` (journaled)."""
        new = sorted(p.name for p in self.staging.iterdir())
        tmp = self.journal.with_suffix(".tmp")
        tmp.write_text(json.dumps({"new": new}) + "\n", encoding="utf-8")
        os.replace(tmp, self.journal)
        self.recover()

    def recover(self) -> None:
        """Finish a journaled swap: move the new entries in, delete the old ones."""
        if not self.journal.exists():
            return
        try:
            new = set(json.loads(self.journal.read_text(encoding="utf-8"))["new"])
        except (ValueError, KeyError, OSError):
            new = set()
        old = self.meta / "old"
        old.mkdir(exist_ok=True)
        for name in OUTPUT_NAMES:
            staged = self.staging / name
            live = self.root / name
            if staged.exists():
                if live.exists() or live.is_symlink():
                    os.replace(live, old / name)
                os.replace(staged, live)
            elif name not in new and (live.exists() or live.is_symlink()):
                os.replace(live, old / name)
        self.journal.unlink()
        _rm(old)
        _rm(self.staging)

    def discard_work(self) -> None:
        _rm(self.work)
