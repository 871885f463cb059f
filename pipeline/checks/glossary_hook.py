"""Check ``glossary_known``: known wrong renderings from a glossary raise detection flags.

The detection side defines the interface; the glossary fills it. A hook is anything with
``known_wrong(text, tgt_lang) -> list[KnownWrong]``. The check loads hooks from the termbases
named in its config (``[glossary_known] termbases``, which ``--glossary`` sets) or takes hook
objects directly (``GlossaryKnown(hooks=[...])``), so any term source can plug in.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register


class KnownWrong(NamedTuple):
    """A known wrong rendering found at ``text[start:end]``."""

    start: int
    end: int
    wrong: str
    approved: str
    ambiguous: bool = False  # wrong only in some contexts: flag for review, do not replace
    note: str = ""
    minor: bool = False  # an understandable alternative rendering: no garble on its own


class GlossaryHook(Protocol):
    def known_wrong(self, text: str, tgt_lang: str | None) -> list[KnownWrong]: ...


class GlossaryKnownConfig(StageConfig):
    termbases: list[str] = Field(
        default_factory=list,
        description="termbase files (TSV/CSV/TBX) whose known wrong "
        "renderings are flagged; set by --glossary",
    )


def load_hooks(paths: list[str]) -> list[GlossaryHook]:
    """Hooks for the given termbases (imported lazily: detection does not need the glossary)."""
    if not paths:
        return []
    from pipeline.glossary.matcher import matcher_for

    return [matcher_for(paths)]


@register
class GlossaryKnown(SegmentCheck):
    """Flag each known wrong rendering a glossary hook reports."""

    name = "glossary_known"
    Config = GlossaryKnownConfig
    columns = ("target", "tgt_lang")

    def __init__(self, config: Any = None, hooks: list[GlossaryHook] | None = None) -> None:
        super().__init__(config)
        self.hooks = list(hooks or []) + load_hooks(self.config.termbases)  # type: ignore

    def apply(self, batch: Any, state: Any = None) -> Any:
        if not self.hooks:
            return batch
        return super().apply(batch, state)

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        flags = []
        for hook in self.hooks:
            for hit in hook.known_wrong(row["target"], row["tgt_lang"]):
                sev = "minor" if hit.minor else "major"
                what = (
                    "may be wrong here"
                    if hit.ambiguous
                    else "is another rendering"
                    if hit.minor
                    else "is a known wrong rendering"
                )
                reason = f"{hit.wrong!r} {what}; approved: {hit.approved!r}"
                if hit.note:
                    reason += f" ({hit.note})"
                flags.append(
                    make_flag(
                        self.name,
                        sev,
                        0.7 if hit.ambiguous else 1.0,
                        reason,
                        hit.start,
                        hit.end,
                        row["target"][hit.start : hit.end],
                    )
                )
        return flags
