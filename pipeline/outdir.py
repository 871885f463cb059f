"""The output folder: one run at a time, and the output set replaced as a whole.

Layout of ``--out``::

    segments.jsonl  summary.json  cleaned/  rejects.jsonl  report.html  (the output set)
    .mtclean/lock        held (flock) while a run writes here; a second run is refused
    .mtclean/work/       resumable state of an unfinished run (deleted when it completes)
    .mtclean/staging/    the next output set, built in full before it is swapped in
    .mtclean/swap.json   journal of a swap in progress, so an interrupted swap is finished

    .mtclean/old/        the previous set's entries, moved aside during a swap, then deleted

A run builds the whole new set in ``staging/`` and then swaps it in: the old set's entries are
moved aside, the new ones moved in (renames on one file system), and the old ones deleted.
Every step can be repeated, so a kill at any point is finished by the next command that opens
the folder (``run``, ``detect``, ``review``, ``review apply``: all go through ``open``):

* before the journal exists: the previous set is untouched; ``staging/`` is rebuilt later;
* with the journal: the remaining renames are done (an entry still in ``staging/`` has not
  been moved in yet), then the journal is removed;
* after the journal is removed: only ``old/`` is left, and it is deleted (again) whatever its
  state, so a half-deleted ``old/`` never blocks the next swap.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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
        self.old = self.meta / "old"
        self._lock_fd: int | None = None

    def open(self) -> None:
        """Create, check and lock the folder; finish a swap or clean-up that was interrupted."""
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
        _rm(self.old)  # a leftover of an earlier swap must not meet this one's entries
        new = sorted(p.name for p in self.staging.iterdir())
        tmp = self.journal.with_suffix(".tmp")
        tmp.write_text(json.dumps({"new": new}) + "\n", encoding="utf-8")
        os.replace(tmp, self.journal)
        self.recover()

    def recover(self) -> None:
        """Finish a journaled swap (move the new entries in), then delete what it moved aside.

        Idempotent: each step checks what is already done, so a kill inside ``recover`` itself
        is finished by the next call."""
        if self.journal.exists():
            new = self._journal_names()
            self.old.mkdir(exist_ok=True)
            for name in OUTPUT_NAMES:
                staged = self.staging / name
                live = self.root / name
                if staged.exists() or staged.is_symlink():
                    if live.exists() or live.is_symlink():
                        _rm(self.old / name)  # only a leftover of a kill inside this loop
                        os.replace(live, self.old / name)
                    os.replace(staged, live)
                elif name not in new and (live.exists() or live.is_symlink()):
                    _rm(self.old / name)
                    os.replace(live, self.old / name)
            self.journal.unlink()
            _rm(self.staging)
        _rm(self.old)
        self.journal.with_suffix(".tmp").unlink(missing_ok=True)

    def _journal_names(self) -> set[str]:
        """The entries of the new set; an unreadable journal (never written half, but a disk
        may lie) falls back to what is staged plus what is live, so nothing live is lost."""
        try:
            data = json.loads(self.journal.read_text(encoding="utf-8"))
            names = data["new"]
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                return set(names)
        except (ValueError, KeyError, TypeError, OSError):
            pass
        staged = {p.name for p in self.staging.iterdir()} if self.staging.is_dir() else set()
        return staged | {n for n in OUTPUT_NAMES if (self.root / n).exists()}

    def discard_work(self) -> None:
        _rm(self.work)


@contextmanager
def opened(path: str) -> Iterator[OutDir | None]:
    """The folder of a finished run, locked and with any interrupted swap finished, for the
    commands that read or rewrite it (``review``, ``review apply``). A path that is not a
    folder yields None: the command reports it as not a finished run."""
    if not Path(path).is_dir():
        yield None
        return
    out = OutDir(path)
    out.open()
    try:
        yield out
    finally:
        out.close()
