"""Stage ``glossary``: apply termbases to each segment and record every hit.

For each segment the glossary sees the text after the earlier stages (``glossary_base`` when that
differs from ``target``; hit offsets index that text):

- a known wrong variant is ``replaced`` by the approved rendering (capitalised at sentence
  start, all-caps kept, possessives untouched since only the term's span changes);
- a source-language term left in the target is ``replaced`` by its approved rendering;
- a variant wrong only in some contexts (``?acres`` for 亩) is ``flagged`` with the suggestion;
- an approved rendering already present is ``kept``;
- with a source: a source term whose approved rendering is missing from the result is
  ``flagged`` and raises ``term_missing`` (major); a do-not-translate term not kept verbatim
  raises ``dnt_changed`` (major).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from pipeline.flags import make_flag
from pipeline.glossary.matcher import Match, TermMatcher, matcher_for
from pipeline.glossary.termbase import Term
from pipeline.stages.base import Batch, Stage, StageConfig, register
from pipeline.text.scripts import base_language


class GlossaryConfig(StageConfig):
    termbases: list[str] = Field(
        default_factory=list, description="TSV/CSV/TBX files; set by --glossary"
    )
    replace_variants: bool = True
    translate_source_terms: bool = True
    compliance: bool = Field(True, description="check source terms against the target")


def cased(replacement: str, matched: str) -> str:
    """Carry the matched text's capitalisation over to the replacement."""
    if len(matched) > 1 and matched.isupper() and any(c.isalpha() for c in matched):
        return replacement.upper()
    if matched[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def hit(
    term: Term, match: str, start: int | None, end: int | None, action: str, replacement: str | None
) -> dict[str, Any]:
    return {
        "term": term.target,
        "match": match,
        "start": start,
        "end": end,
        "action": action,
        "replacement": replacement,
    }


@register
class Glossary(Stage):
    """Fix, flag and record glossary terms in every segment."""

    name = "glossary"
    Config = GlossaryConfig

    writes = frozenset({"output", "glossary", "glossary_base", "flags"})
    emits = ("term_missing", "dnt_changed")

    def __init__(self, config: Any = None, terms: list[Term] | None = None) -> None:
        super().__init__(config)
        self.given_terms = terms

    def check(self) -> None:
        """Load (and so validate) the termbases in the driver before any work."""
        if self.given_terms is None and self.config.termbases:  # type: ignore[attr-defined]
            matcher_for(self.config.termbases)  # type: ignore[attr-defined]

    def setup(self) -> None:
        """Load the termbases and build the matcher (once per worker process)."""
        if self.given_terms is not None:
            self.matcher = TermMatcher(self.given_terms)
        else:
            self.matcher = matcher_for(self.config.termbases)  # type: ignore[attr-defined]
        self.terms = self.matcher.terms

    @classmethod
    def detect_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        """Detect mode: fixes are only proposed (their hits say ``flagged``)."""
        return {**options, "replace_variants": False, "translate_source_terms": False}

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        self.ensure_setup()
        out = dict(batch)
        if not self.terms:
            out.setdefault("glossary_base", [None] * len(batch["target"]))
            return out
        outputs, hits_col, flags_col, bases = [], [], [], []
        for target, base, source, tgt_lang, hits, flags in zip(
            batch["target"],
            batch["output"],
            batch["source"],
            batch["tgt_lang"],
            batch["glossary"],
            batch["flags"],
            strict=True,
        ):
            text, new_hits, new_flags = self.segment(base, source, tgt_lang)
            outputs.append(text)
            hits_col.append(hits + new_hits)
            flags_col.append(flags + new_flags if new_flags else flags)
            bases.append(base if base != target else None)
        out["output"], out["glossary"], out["flags"] = outputs, hits_col, flags_col
        out["glossary_base"] = bases
        return out

    def segment(
        self, text: str, source: str | None, tgt_lang: str | None
    ) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
        """The fixed text, its glossary hits and any compliance flags."""
        cfg: GlossaryConfig = self.config  # type: ignore[assignment]
        lang = base_language(tgt_lang)
        hits: list[dict[str, Any]] = []
        edits: list[tuple[int, int, str]] = []
        for m in self.matcher.find(text):
            h = self._hit(m, lang, cfg)
            if h is None:
                continue
            hits.append(h)
            if h["action"] == "replaced":
                edits.append((m.start, m.end, h["replacement"]))
        fixed = text
        for start, end, rep in reversed(edits):
            fixed = fixed[:start] + rep + fixed[end:]
        flags: list[dict[str, Any]] = []
        if source and cfg.compliance:
            self._compliance(source, fixed, hits, flags)
        return fixed, hits, flags

    def _hit(self, m: Match, lang: str, cfg: GlossaryConfig) -> dict[str, Any] | None:
        t = m.term
        if m.kind == "approved":
            return hit(t, m.text, m.start, m.end, "kept", None)
        if m.kind == "ambiguous":
            return hit(t, m.text, m.start, m.end, "flagged", t.target)
        if m.kind == "source":
            if lang == t.src_lang or t.dnt:
                return None  # a source term in a source-language target is no error
            if not cfg.translate_source_terms:
                return hit(t, m.text, m.start, m.end, "flagged", t.target)
            return hit(t, m.text, m.start, m.end, "replaced", t.target)
        if not cfg.replace_variants:
            return hit(t, m.text, m.start, m.end, "flagged", t.target)
        return hit(t, m.text, m.start, m.end, "replaced", cased(t.target, m.text))

    def _compliance(
        self, source: str, fixed: str, hits: list[dict[str, Any]], flags: list[dict[str, Any]]
    ) -> None:
        present = {id(m.term) for m in self.matcher.find(fixed) if m.kind == "approved"}
        for m in self.matcher.find(source):
            t = m.term
            if m.kind not in ("source", "approved"):
                continue
            if t.dnt:
                if t.target not in fixed:
                    hits.append(hit(t, m.text, None, None, "flagged", t.target))
                    flags.append(
                        make_flag(
                            "dnt_changed",
                            "major",
                            1.0,
                            f"do-not-translate term {t.target!r} is not kept "
                            f"verbatim in the target",
                        )
                    )
                continue
            if m.kind == "source" and id(t) not in present:
                hits.append(hit(t, m.text, None, None, "flagged", t.target))
                flags.append(
                    make_flag(
                        "term_missing",
                        "major",
                        1.0,
                        f"source term {m.text!r} requires {t.target!r} in the target",
                    )
                )
