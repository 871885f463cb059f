"""Base for document-level checks: an explicit first pass collects each document's segments,
``merge`` analyses every document once, and ``apply`` only looks the flags up."""

from __future__ import annotations

from abc import abstractmethod
from collections import defaultdict
from typing import Any, NamedTuple

from pipeline.stages.base import Batch, Stage, add_flags


class DocSegment(NamedTuple):
    file: str
    seq: int
    record: str
    index: int
    target: str


Flags = dict[tuple[str, int], list[dict[str, Any]]]


class DocCheck(Stage):
    needs_scan = True

    def scan(self, batch: Batch) -> dict[str, list[DocSegment]]:
        docs: dict[str, list[DocSegment]] = defaultdict(list)
        for doc, file, seq, rec, idx, target in zip(
            batch["doc"],
            batch["file"],
            batch["seq"],
            batch["record"],
            batch["index"],
            batch["target"],
            strict=True,
        ):
            docs[doc].append(DocSegment(file, seq, rec, idx, target))
        return docs

    def merge(self, parts: list[dict[str, list[DocSegment]]]) -> Flags:
        docs: dict[str, list[DocSegment]] = defaultdict(list)
        for part in parts:
            for doc, segs in part.items():
                docs[doc].extend(segs)
        flags: Flags = {}
        for segs in docs.values():
            segs.sort(key=lambda s: (s.file, s.seq))
            self.analyse(segs, flags)
        return flags

    @abstractmethod
    def analyse(self, segs: list[DocSegment], flags: Flags) -> None:
        """Add flags for one document's segments (in document order) to ``flags``."""

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        flags: Flags = state or {}
        new = [flags.get((f, s), []) for f, s in zip(batch["file"], batch["seq"], strict=True)]
        return add_flags(batch, new)
