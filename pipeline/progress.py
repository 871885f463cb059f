"""A progress bar with ETA that appears only when a run lasts longer than a moment."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class ProgressReporter:
    """Call with ``(advance, total, label)``, label naming the input file being processed; a rich
    bar appears on stderr after ``delay`` seconds and restarts for each file."""

    def __init__(
        self, enabled: bool = True, delay: float = 0.5, console: Console | None = None
    ) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = enabled and (console is not None or sys.stderr.isatty())
        self.delay = delay
        self.t0 = time.monotonic()
        self.progress: Progress | None = None
        self.task: int | None = None
        self.done = 0
        self.current: tuple[str, int] | None = None

    def __call__(self, advance: int, total: int, label: str = "mtclean") -> None:
        if (label, total) != self.current:
            self.current, self.done = (label, total), 0
            if self.progress is not None and self.task is not None:
                self.progress.reset(self.task, total=total, description=label)
        self.done += advance
        if not self.enabled:
            return
        if self.progress is None and time.monotonic() - self.t0 >= self.delay:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("segments"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(label, total=total, completed=self.done)
        elif self.progress is not None and self.task is not None:
            self.progress.update(self.task, completed=self.done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
