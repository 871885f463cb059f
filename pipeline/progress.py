"""One progress bar over records: correct total from the start, per-file position, rate, ETA.

The total is counted before any work (reading counts too), and a run of several passes moves
the bar once per pass, so it reaches 100% exactly when the last pass ends. It appears on stderr
after ``delay`` seconds, only on a terminal (or a console given by a test), never with --quiet.
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pipeline.errors import quote_path


class ProgressReporter:
    """Implements the runner's progress sink (``start``, ``advance``, ``next_pass``)."""

    def __init__(
        self, enabled: bool = True, delay: float = 0.5, console: Console | None = None
    ) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = enabled and (console is not None or sys.stderr.isatty())
        self.delay = delay
        self.t0 = time.monotonic()
        self.progress: Progress | None = None
        self.task: int | None = None
        self.total = 0
        self.passes = 1
        self.files = 1
        self.pass_no = 0
        self.done = 0  # records done in this pass
        self.label = ""
        self.file_no = 0

    def start(self, total: int, passes: int, files: int) -> None:
        self.total, self.passes, self.files = total, max(1, passes), max(1, files)
        self._show()

    def next_pass(self, number: int) -> None:
        self.pass_no, self.done, self.file_no, self.label = number, 0, 0, ""
        self._show()

    def advance(self, records: int, label: str) -> None:
        label = quote_path(label)  # an odd file name cannot break the bar or the terminal
        if label != self.label:
            self.label = label
            self.file_no += 1
        self.done += records
        self._show()

    @property
    def completed(self) -> int:
        """Records-equivalents done over all passes (the bar's position)."""
        return self.pass_no * self.total + self.done

    def describe(self) -> str:
        where = f"file {min(self.file_no, self.files)}/{self.files} {self.label}".rstrip()
        done = f"{self.done:,}/{self.total:,} records"
        return f"pass {self.pass_no + 1}/{self.passes} · {done} · {where}"

    def _show(self) -> None:
        if not self.enabled:
            return
        if self.progress is None:
            if time.monotonic() - self.t0 < self.delay:
                return
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(
                self.describe(), total=self.total * self.passes or None, rate=""
            )
        assert self.task is not None
        elapsed = max(time.monotonic() - self.t0, 1e-6)
        rate = f"{self.completed / self.passes / elapsed:,.0f} records/s"
        self.progress.update(
            self.task, completed=self.completed, description=self.describe(), rate=rate
        )

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
