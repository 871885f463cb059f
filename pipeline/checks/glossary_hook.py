"""Check ``glossary_known``: known wrong renderings from a glossary raise detection flags.

The detection side defines the interface; the glossary fills it. A hook is anything with
``known_wrong(text, tgt_lang) -> list[KnownWrong]``. The check loads hooks from the termbases
of the glossary stage (``[glossary] termbases``, which ``--glossary`` sets: one setting feeds
both the glossary stage and this check) or takes hook
objects directly (``GlossaryKnown(hooks=[...])``), so any term source can plug in.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import KnownWrong, make_flag
from pipeline.stages.base import StageConfig, register


class GlossaryHook(Protocol):
    def known_wrong(self, text: str, tgt_lang: str | None) -> list[KnownWrong]: ...


class GlossaryKnownConfig(StageConfig):
    termbases: list[str] = Field(
        default_factory=list,
        description="set from [glossary] termbases (one setting feeds both stages)",
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
        self.given_hooks = list(hooks or [])
        self.hooks: list[GlossaryHook] = list(self.given_hooks)

    def setup(self) -> None:
        self.hooks = self.given_hooks + load_hooks(self.config.termbases)  # type: ignore

    def apply(self, batch: Any, state: Any = None) -> Any:
        self.ensure_setup()
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
