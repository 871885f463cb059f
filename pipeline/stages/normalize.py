"""Stage ``normalize``: mojibake, NFC and control characters, recorded as flags."""

from __future__ import annotations

from typing import Any

from pipeline.core.stage import Batch, Stage, StageConfig, register
from pipeline.text.normalize import normalize


class NormalizeConfig(StageConfig):
    mojibake: bool = True
    nfc: bool = True
    control_chars: bool = True


@register
class Normalize(Stage):
    """Repair text that cannot be right (mojibake, decomposed forms, stray controls)."""

    name = "normalize"
    Config = NormalizeConfig
    writes = frozenset({"output", "flags"})
    emits = ("mojibake", "unicode_nfc", "control_chars")

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        cfg: NormalizeConfig = self.config  # type: ignore[assignment]
        outputs, flags = [], []
        for text, old_out, old_flags in zip(
            batch["target"], batch["output"], batch["flags"], strict=True
        ):
            fixed, new = normalize(
                old_out, mojibake=cfg.mojibake, nfc=cfg.nfc, controls=cfg.control_chars
            )
            if old_out != text:  # evidence offsets only hold against the original target
                for f in new:
                    f["evidence"]["start"] = f["evidence"]["end"] = None
            outputs.append(fixed)
            flags.append(old_flags + new if new else old_flags)
        out = dict(batch)
        out["output"], out["flags"] = outputs, flags
        return out
