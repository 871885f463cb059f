"""Records and rejects: what the readers produce and the writers consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Record:
    """One input record.

    ``span`` is the record's place in the decoded file text, so an unchanged record is
    copied back byte for byte and only changed ones are re-rendered by their format.
    ``extra`` keeps format-specific state (the parsed JSON object, the CSV row) so that
    unknown fields survive a rewrite.
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


@dataclass(slots=True)
class InputFile:
    """A parsed input: its decoded text, its records in order and its rejects."""

    path: str
    format: str
    text: str
    bom: bool
    records: list[Record] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    @property
    def name(self) -> str:
        from pathlib import Path

        return Path(self.path).name
