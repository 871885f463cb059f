"""Base for document-level checks: documents analysed in the workers, in bounded units.

A check analyses *units*: a maximal run of consecutive segments of one document within one
block of ``DOC_BLOCK_RECORDS`` records of a file (blocks are fixed by record position, not by
shards). Units are therefore the same whatever the shard size or worker count, and a document
of up to ``DOC_BLOCK_RECORDS`` records whose records are contiguous (as in any archive of
articles) is analysed whole. A document whose records are scattered through a file is analysed
run by run.

``scan`` (in a worker) analyses every unit that lies inside its shard and returns those flags,
plus the unit that touches the shard's first row and the one that touches its last row, which
may continue in the neighbouring shards. ``merge_shards`` (in the driver) only stitches those
edge units across shard boundaries and analyses them, so the driver's share of the work and its
memory stay small, and flags are handed out per shard as soon as they are final.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from pipeline.shards import SEQ_STRIDE
from pipeline.stages.base import Batch, Stage, add_flags

DOC_BLOCK_RECORDS = 5000


class DocSegment(NamedTuple):
    file: str
    seq: int
    record: str
    index: int
    target: str
    source: str | None = None


Flags = dict[tuple[str, int], list[dict[str, Any]]]


def same_unit(a: DocSegment, b: DocSegment) -> bool:
    """Two forms of one unit (a PO plural: record ids ``msgid\\x000`` and ``msgid\\x001``)."""
    return a.file == b.file and a.record.split("\x00")[0] == b.record.split("\x00")[0]


UnitKey = tuple[str, str, int]  # (file, doc, block)


class Unit(NamedTuple):
    key: UnitKey
    segs: list[DocSegment]


class DocPart(NamedTuple):
    """A shard's scan: flags of the units inside it, and its edge units."""

    flags: Flags
    first: Unit | None
    last: Unit | None  # None when one unit covers the whole shard (then it is ``first``)


def _units(batch: Batch) -> list[Unit]:
    units: list[Unit] = []
    for doc, file, seq, rec, idx, target, src in zip(
        batch["doc"],
        batch["file"],
        batch["seq"],
        batch["record"],
        batch["index"],
        batch["target"],
        batch["source"],
        strict=True,
    ):
        key = (file, doc, (seq // SEQ_STRIDE) // DOC_BLOCK_RECORDS)
        seg = DocSegment(file, seq, rec, idx, target, src)
        if units and units[-1].key == key:
            units[-1].segs.append(seg)
        else:
            units.append(Unit(key, [seg]))
    return units


class DocCheck(Stage[Any]):
    needs_scan = True
    writes = frozenset({"flags"})

    def scan(self, batch: Batch) -> DocPart:
        units = _units(batch)
        flags: Flags = {}
        for u in units[1:-1]:
            self.analyse(u.segs, flags)
        if not units:
            return DocPart(flags, None, None)
        return DocPart(flags, units[0], units[-1] if len(units) > 1 else None)

    def merge(self, parts: list[DocPart]) -> Flags:
        """Whole-input form: every part at once."""
        flags: Flags = {}
        for _, state in self.merge_shards(enumerate(parts)):
            flags.update(state)
        return flags

    def merge_shards(
        self, parts: Iterable[tuple[int, DocPart | None]]
    ) -> Iterator[tuple[int, Flags]]:
        per_shard: dict[int, Flags] = {}
        pending: list[int] = []  # shards whose flags are not final yet
        open_key: UnitKey | None = None
        open_segs: list[tuple[int, DocSegment]] = []

        def close() -> None:
            found: Flags = {}
            self.analyse([s for _, s in open_segs], found)
            for sh, seg in open_segs:
                key = (seg.file, seg.seq)
                if key in found:
                    per_shard.setdefault(sh, {})[key] = found[key]
            open_segs.clear()

        for shard, part in parts:
            pending.append(shard)
            if part is None or part.first is None:
                continue
            per_shard.setdefault(shard, {}).update(part.flags)
            for n, unit in enumerate(u for u in (part.first, part.last) if u is not None):
                if n == 1 or open_key != unit.key:
                    if open_segs:
                        close()
                    open_key = unit.key
                open_segs.extend((shard, s) for s in unit.segs)
            low = open_segs[0][0] if open_segs else shard + 1
            while pending and pending[0] < low:
                sh = pending.pop(0)
                yield sh, per_shard.pop(sh, {})
        if open_segs:
            close()
        for sh in pending:
            yield sh, per_shard.pop(sh, {})

    @abstractmethod
    def analyse(self, segs: list[DocSegment], flags: Flags) -> None:
        """Add flags for one document's segments (in document order) to ``flags``."""

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        flags: Flags = state or {}
        new = [flags.get((f, s), []) for f, s in zip(batch["file"], batch["seq"], strict=True)]
        return add_flags(batch, new)
