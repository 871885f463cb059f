"""Stage ``retranslate``: re-translate garbled segments with a local sequence-to-sequence model.

It runs after ``combine`` (which sets ``garbled``) and before ``decide``:

- **Bilingual segments** chosen by ``select`` (``garbled``, or ``quality`` below
  ``quality_threshold`` once a scoring stage fills it) are translated again from their source:
  beam search, sources sorted by length into batches of ``batch_tokens``. Glossary source terms
  are masked, forced and verified (``pipeline.mt.terms``); a lost term adds a ``term_dropped``
  flag. Each candidate goes through the guards (``pipeline.stages.guards``); their failures
  go in the candidate's ``guards``. This stage only proposes: stage ``decide`` applies the
  candidate rule (``pipeline.stages.choice``), and a candidate with any guard failure is never
  applied.
- **A stray source-script span** in a target without source (an untranslated 鲊 in English
  text) is translated in place with the model; without a model, a CC-CEDICT gloss is proposed
  as a ``dictionary`` candidate and never applied.
- **Without a model** (``model = ""``) nothing is skipped silently: the garbled segments that
  wait for one are counted (``waiting_for_model`` in ``summary.json``), and ``decide`` marks
  them ``needs_review``.

``candidates`` holds ``Candidate`` records (``pipeline.core.schema``): ``mt`` (the target as
read), ``glossary`` (the glossary stage's fix, when it replaced something), ``retranslation``
and ``dictionary``. ``logprob`` is the model's length-normalised log-probability of the text
given the source (None without a model); ``score`` (quality) is left to stage ``score``. The
termbase matcher and the translator come from the worker context, loaded once per worker.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pipeline.core.context import Context, default_context
from pipeline.core.schema import at_least, make_candidate, make_flag
from pipeline.core.stage import Batch, Stage, StageConfig, batch_rows, register
from pipeline.glossary.matcher import matcher_for
from pipeline.mt import load, terms
from pipeline.mt.dictionary import gloss, gloss_note
from pipeline.mt.modeldir import inspect_dir
from pipeline.stages.guards import CandidateGuard
from pipeline.text.scripts import CJK, base_language, language_scripts

DEFAULT_GUARD_CHECKS = [
    "language_id",
    "untranslated",
    "source_copy",
    "repetition",
    "truncation",
    "number_mismatch",
    "entity_mismatch",
    "length_ratio",
]


class RetranslateConfig(StageConfig):
    model: str = Field("", description="model directory ('' = none); set by --model")
    device: Literal["cpu", "cuda"] = Field("cpu", description="set by --device")
    allow_pickle: bool = Field(
        False, description="load pytorch_model.bin pickles (runs code); set by --allow-pickle"
    )
    compute_type: str = Field(
        "default", description="CTranslate2 compute type; default int8 (cpu), int8_float16 (cuda)"
    )
    src_lang: str = Field("zh", description="source language of records that name none")
    tgt_lang: str = Field("en", description="the target language the model translates into")
    beam_size: int = Field(4, ge=1)
    max_length_ratio: float = Field(2.0, gt=0, description="output tokens per source token")
    batch_tokens: int = Field(4096, ge=1, description="source tokens per batch (padding counted)")
    no_repeat_ngram_size: int = Field(0, ge=0, description="0 = no n-gram blocking")
    workers: int = Field(1, ge=1, description="[run] workers; threads = cores // workers")
    threads: int = Field(0, ge=0, description="CPU threads per worker; 0 = from workers")
    select: Literal["garbled", "quality"] = Field(
        "garbled", description="segments to re-translate: garbled, or quality below threshold"
    )
    quality_threshold: float = Field(0.5, ge=0.0, le=1.0)
    stray_spans: bool = Field(True, description="translate or gloss source-script spans")
    termbases: list[str] = Field(
        default_factory=list, description="glossary constraints (set by --glossary)"
    )
    terms: Literal["force", "mask", "off"] = Field(
        "force", description="mask terms; force lost ones with a target prefix; or off"
    )
    placeholder: str = Field("TERM{n}", description="what a masked source term becomes")
    guard_checks: list[str] = Field(
        default_factory=lambda: list(DEFAULT_GUARD_CHECKS),
        description="detection checks re-run on each candidate",
    )
    guard_min_severity: Literal["minor", "major", "critical"] = "major"
    runaway_factor: float = Field(
        3.0, gt=1.0, description="longer than this times the expected length: runaway"
    )


@register
class Retranslate(Stage):
    """Re-translate garbled segments with a local model; propose dictionary glosses."""

    name = "retranslate"
    Config = RetranslateConfig
    writes = frozenset({"candidates", "flags"})
    uses_model = True
    emits = ("term_dropped",)

    def check(self) -> None:
        """The model folder is usable (files, architecture, safety) before any work starts."""
        cfg: RetranslateConfig = self.config  # type: ignore[assignment]
        if cfg.model:
            inspect_dir(cfg.model, cfg.allow_pickle)
        if cfg.termbases:
            matcher_for(cfg.termbases)

    def setup(self) -> None:
        cfg: RetranslateConfig = self.config  # type: ignore[assignment]
        ctx: Context = self.context or default_context(
            [self],
            termbases=tuple(cfg.termbases),
            load_matcher=matcher_for,
            load_translator=load.cached_translator,
        )
        self.guard = CandidateGuard(
            ctx, cfg.guard_checks, cfg.guard_min_severity, cfg.runaway_factor, cfg.src_lang
        )
        self.matcher = None
        if cfg.termbases:  # the run's matcher when these are the run's termbases
            same = tuple(cfg.termbases) == ctx.spec.termbases
            self.matcher = ctx.matcher if same else matcher_for(cfg.termbases)
        self.translator = None
        if cfg.model:
            before = load.LOADS
            self.translator = ctx.translator(
                cfg.model,
                cfg.src_lang,
                cfg.tgt_lang,
                device=cfg.device,
                allow_pickle=cfg.allow_pickle,
                workers=cfg.workers,
                threads=cfg.threads,
                compute_type=cfg.compute_type,
            )
            self.count("model_loads", load.LOADS - before)

    # -- selection
    def _direction_ok(self, row: dict[str, Any]) -> bool:
        cfg: RetranslateConfig = self.config  # type: ignore[assignment]
        src = base_language(row.get("src_lang")) or base_language(cfg.src_lang)
        return src == base_language(cfg.src_lang) and base_language(
            row.get("tgt_lang")
        ) == base_language(cfg.tgt_lang)

    def _selected(self, row: dict[str, Any]) -> bool:
        cfg: RetranslateConfig = self.config  # type: ignore[assignment]
        if not row.get("source"):
            return False
        if cfg.select == "quality":
            q = row.get("quality")
            return q is not None and q < cfg.quality_threshold
        return bool(row.get("garbled"))

    def _stray(self, row: dict[str, Any]) -> list[tuple[int, int]]:
        """Source-script spans in the output of a record without source (English targets)."""
        cfg: RetranslateConfig = self.config  # type: ignore[assignment]
        if not cfg.stray_spans or row.get("source") or row.get("decision") == "dropped":
            return []
        if {"Han", "Kana", "Hangul"} & set(language_scripts(row.get("tgt_lang"))):
            return []
        text = row["output"]
        if text.isascii():
            return []
        return [(m.start(), m.end()) for m in CJK.finditer(text)]

    # -- apply
    def apply(self, batch: Batch, state: Any = None) -> Batch:
        self.ensure_setup()
        rows = list(batch_rows(batch))
        for row in rows:
            row["candidates"] = list(row.get("candidates") or [])
        bilingual = [r for r in rows if self._selected(r)]
        stray = [(r, spans) for r in rows if (spans := self._stray(r))]
        if bilingual:
            self.count("selected", len(bilingual))
        if stray:
            self.count("stray_spans", sum(len(s) for _, s in stray))
        if self.translator is None:
            if bilingual:
                self.count("waiting_for_model", len(bilingual))
            for row, spans in stray:
                self._dictionary(row, spans)
        else:
            other = [r for r in bilingual if not self._direction_ok(r)]
            if other:
                self.count("other_direction", len(other))  # counted, left for review
            self._retranslate([r for r in bilingual if self._direction_ok(r)])
            self._stray_in_place(stray)
        out = dict(batch)
        for key in ("candidates", "flags"):
            out[key] = [r[key] for r in rows]
        return out

    def _dictionary(self, row: dict[str, Any], spans: list[tuple[int, int]]) -> None:
        text = row["output"]
        new, notes = text, []
        for start, end in reversed(spans):
            g = gloss(text[start:end])
            note = gloss_note(text[start:end])
            if g is None or note is None:
                self.count("no_gloss")
                continue
            new = new[:start] + g + new[end:]
            notes.insert(0, note)
        if notes:
            # A proposal for an editor: never applied, so its reasons say why.
            row["candidates"].append(make_candidate("dictionary", new, reasons=notes))
            self.count("dictionary_proposed")

    def _retranslate(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        cfg: RetranslateConfig = self.config  # type: ignore[assignment]
        tr = self.translator
        assert tr is not None
        kw = {
            "beam_size": cfg.beam_size,
            "max_length_ratio": cfg.max_length_ratio,
            "batch_tokens": cfg.batch_tokens,
            "no_repeat_ngram_size": cfg.no_repeat_ngram_size,
        }
        sources = [r["source"] for r in rows]
        slots = [
            terms.find_slots(s, self.matcher, cfg.placeholder)
            if self.matcher is not None and cfg.terms != "off"
            else []
            for s in sources
        ]
        masked = [terms.mask(s, sl) if sl else s for s, sl in zip(sources, slots, strict=True)]
        hyps = tr.translate(masked, **kw)
        lost: list[list[terms.Slot]] = []
        for i, sl in enumerate(slots):
            hyps[i], gone = terms.unmask(hyps[i], sl)
            lost.append(gone)
        if cfg.terms == "force":
            redo = [i for i, gone in enumerate(lost) if gone]
            if redo:
                prefixes = [terms.forced_prefix(hyps[i], masked[i], lost[i]) for i in redo]
                again = tr.translate([masked[i] for i in redo], prefixes=prefixes, **kw)
                for i, text in zip(redo, again, strict=True):
                    hyps[i], _ = terms.unmask(text, slots[i])
                self.count("terms_forced", len(redo))
        scores = tr.score(sources + sources, hyps + [r["target"] for r in rows])
        n = len(rows)
        for i, row in enumerate(rows):
            text = hyps[i]
            reasons = self.guard.reasons(row, text)
            if slots[i] and self.matcher is not None:
                for s in terms.dropped(text, slots[i], self.matcher):
                    reasons.append(f"term_dropped: {s.source!r} must be {s.rendering!r}")
                    row["flags"] = [
                        *row["flags"],
                        make_flag(
                            "term_dropped",
                            "major",
                            1.0,
                            f"re-translation lost glossary term {s.source!r} -> {s.rendering!r}",
                        ),
                    ]
                    self.count("term_dropped")
            self._record_originals(row, scores[n + i])
            row["candidates"].append(
                make_candidate("retranslation", text, logprob=scores[i], guards=reasons)
            )
            self._settle(reasons)

    def _record_originals(self, row: dict[str, Any], mt_logprob: float | None) -> None:
        cfg: RetranslateConfig = self.config  # type: ignore[assignment]
        why = [
            f"{f['check']}: {f['evidence']['reason']}"
            for f in row["flags"]
            if at_least(f["severity"], cfg.guard_min_severity) and f["check"] != "term_dropped"
        ]
        row["candidates"].append(
            make_candidate("mt", row["target"], logprob=mt_logprob, reasons=why)
        )
        if any(h.get("action") == "replaced" for h in row.get("glossary") or []):
            row["candidates"].append(make_candidate("glossary", row["output"]))

    def _settle(self, reasons: list[str]) -> None:
        """Count the candidate: usable (``decide`` may apply it) or discarded, and why."""
        if reasons:
            self.count("discarded")
            for r in reasons:
                self.count(f"discarded_{r.split(':', 1)[0]}")
            return
        self.count("retranslated")

    def _stray_in_place(self, stray: list[tuple[dict[str, Any], list[tuple[int, int]]]]) -> None:
        if not stray:
            return
        cfg: RetranslateConfig = self.config  # type: ignore[assignment]
        tr = self.translator
        assert tr is not None
        spans = [row["output"][s:e] for row, sp in stray for s, e in sp]
        found = tr.translate(
            spans,
            beam_size=cfg.beam_size,
            max_length_ratio=cfg.max_length_ratio,
            batch_tokens=cfg.batch_tokens,
            no_repeat_ngram_size=cfg.no_repeat_ngram_size,
        )
        scores = tr.score(spans, found)
        k = 0
        for row, sp in stray:
            new = row["output"]
            for j in reversed(range(len(sp))):  # right to left: earlier offsets stay valid
                s, e = sp[j]
                new = new[:s] + found[k + j] + new[e:]
            score = sum(scores[k : k + len(sp)]) / len(sp)
            k += len(sp)
            reasons = self.guard.reasons(row, new)
            row["candidates"].append(
                make_candidate("retranslation", new, logprob=round(score, 6), guards=reasons)
            )
            self._settle(reasons)
