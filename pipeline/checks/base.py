"""Base for checks that look at one segment at a time."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from pipeline.stages.base import Batch, Stage, add_flags

Row = dict[str, Any]


class SegmentCheck(Stage):
    """A check whose flags depend only on the segment's own row (target, source, langs...).

    ``columns`` names the columns ``check_row`` reads, so a batch is walked once, without
    building a dict per row for columns nobody reads.
    """

    columns: tuple[str, ...] = ("target",)

    @abstractmethod
    def check_row(self, row: Row) -> list[dict[str, Any]]:
        """Flags for one segment (an empty list when nothing is wrong)."""

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        cols = [batch[c] for c in self.columns]
        names = self.columns
        new = [
            self.check_row(dict(zip(names, values, strict=True)))
            for values in zip(*cols, strict=True)
        ]
        return add_flags(batch, new)
