"""Records and rejects: what the formats produce and the writers consume."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Record:
    """One input record.

    ``span`` is the record's *byte* range in the (decompressed) input, so an unchanged record is
    copied back byte for byte and only a changed one is re-rendered by its format. ``extra``
    keeps format-specific state (the raw JSON line, the CSV row) so unknown fields survive.
    """

    id: str
    target: str
    line: int
    span: tuple[int, int]
    source: str | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None
    doc: str | None = None
    reference: str | None = None
    extra: Any = None


@dataclass(slots=True)
class Reject:
    """A malformed record: written to ``rejects.jsonl`` and copied unchanged to the cleaned file."""

    file: str
    line: int
    reason: str
    raw: str
    span: tuple[int, int] = (0, 0)

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "reason": self.reason, "raw": self.raw}
