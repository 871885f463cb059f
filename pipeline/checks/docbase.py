"""Base for document-level checks, streamed with bounded memory.

``scan`` reduces each shard to compact per-segment entries (document, position, text).
``merge_shards`` then walks the entries of all shards in order and keeps a buffer per open
document. A document is analysed once (``analyse``) when it is complete, which is known when
the buffer must make room or at the end of the input:

- when all open documents together hold more than ``DOC_BUDGET`` segments, the document seen
  least recently is analysed and released (documents are usually contiguous in an archive, so
  this is the document that has ended);
- a single document longer than ``DOC_WINDOW`` segments is analysed in consecutive windows of
  that many segments.

Results are exactly those of whole-document analysis for every document of up to
``DOC_WINDOW`` segments whose segments are not scattered across the archive, and they do not
depend on shard size or worker count. Flags are yielded per shard as soon as no open document
can still add to that shard, so the merged state of a whole archive never sits in memory.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from pipeline.stages.base import Batch, Stage, add_flags

DOC_WINDOW = 20_000
DOC_BUDGET = 50_000


class DocSegment(NamedTuple):
    file: str
    seq: int
    record: str
    index: int
    target: str
    source: str | None = None


Flags = dict[tuple[str, int], list[dict[str, Any]]]


class DocCheck(Stage[Any]):
    needs_scan = True
    writes = frozenset({"flags"})

    def scan(self, batch: Batch) -> list[tuple[str, DocSegment]]:
        return [
            (doc, DocSegment(file, seq, rec, idx, target, src))
            for doc, file, seq, rec, idx, target, src in zip(
                batch["doc"],
                batch["file"],
                batch["seq"],
                batch["record"],
                batch["index"],
                batch["target"],
                batch["source"],
                strict=True,
            )
        ]

    def merge(self, parts: list[list[tuple[str, DocSegment]]]) -> Flags:
        """Whole-input form (tests, the datasets helper): every part at once."""
        flags: Flags = {}
        for _, state in self.merge_shards(enumerate(parts)):
            flags.update(state)
        return flags

    def merge_shards(
        self, parts: Iterable[tuple[int, list[tuple[str, DocSegment]] | None]]
    ) -> Iterator[tuple[int, Flags]]:
        open_docs: OrderedDict[str, list[tuple[int, DocSegment]]] = OrderedDict()
        buffered = 0
        per_shard: dict[int, Flags] = {}
        pending: list[int] = []  # shards seen whose flags are not yielded yet

        def analyse(segs: list[tuple[int, DocSegment]]) -> None:
            found: Flags = {}
            self.analyse([s for _, s in segs], found)
            for sh, seg in segs:
                key = (seg.file, seg.seq)
                if key in found:
                    per_shard.setdefault(sh, {})[key] = found[key]

        for shard, part in parts:
            pending.append(shard)
            for doc, seg in part or ():
                buf = open_docs.get(doc)
                if buf is None:
                    buf = open_docs[doc] = []
                else:
                    open_docs.move_to_end(doc)
                buf.append((shard, seg))
                buffered += 1
                if len(buf) >= DOC_WINDOW:
                    analyse(buf)
                    buffered -= len(buf)
                    del open_docs[doc]
                while buffered > DOC_BUDGET:
                    _, old = open_docs.popitem(last=False)
                    analyse(old)
                    buffered -= len(old)
            # Shards before the earliest segment still buffered are final.
            low = min((buf[0][0] for buf in open_docs.values()), default=shard + 1)
            while pending and pending[0] < low:
                sh = pending.pop(0)
                yield sh, per_shard.pop(sh, {})
        for buf in open_docs.values():
            analyse(buf)
        for sh in pending:
            yield sh, per_shard.pop(sh, {})

    @abstractmethod
    def analyse(self, segs: list[DocSegment], flags: Flags) -> None:
        """Add flags for one document's segments (in document order) to ``flags``."""

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        flags: Flags = state or {}
        new = [flags.get((f, s), []) for f, s in zip(batch["file"], batch["seq"], strict=True)]
        return add_flags(batch, new)
