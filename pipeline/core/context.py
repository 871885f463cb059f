"""The worker context: built once per worker from the effective config, shared by its stages.

It holds what judging a text needs: the configured checks (the run's own stage objects, or,
for a check the run does not apply but a guard names, one built once from the run's options
for it), the termbase matcher, the language pair of each record and the translator cache.
Detection, candidate scoring, the re-translation guards and the re-check of ``review apply``
all judge a text through ``judge``, so none of them builds a check with default options.

Core imports nothing above it: the loaders of the termbase matcher and of translators are
named in the (picklable) ``ContextSpec`` by whoever assembles the run (``pipeline.assembly``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.registry import STAGES
from pipeline.core.schema import Flag
from pipeline.core.stage import Row, SegmentCheck, Stage


@dataclass(frozen=True)
class ContextSpec:
    """What a worker needs to build its context (small and picklable).

    ``options`` holds the effective options of every stage by name; ``checks`` the run's
    segment checks in run order (what ``judge`` runs by default); ``src_lang``/``tgt_lang``
    the defaults for records that name no language. ``load_matcher(termbases)`` and
    ``load_translator(model, src, tgt, **kw)`` are module-level functions (pickled by name).
    """

    options: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    checks: tuple[str, ...] = ()
    termbases: tuple[str, ...] = ()
    src_lang: str | None = None
    tgt_lang: str = "en"
    load_matcher: Callable[[list[str]], Any] | None = None
    load_translator: Callable[..., Any] | None = None


class Context:
    """Per-worker judgement: ``judge(row, text)`` and the shared resources behind it."""

    def __init__(self, spec: ContextSpec, stages: Iterable[Stage[Any]] = ()) -> None:
        self.spec = spec
        self._stages: dict[str, Stage[Any]] = {}
        self._matcher: Any = None
        self._translators: dict[tuple[Any, ...], Any] = {}
        for st in stages:
            self._stages.setdefault(st.name, st)
            st.bind(self)

    # -- stages and checks
    def stage(self, name: str) -> Stage[Any]:
        """The configured stage ``name``: the run's own, or one built once from its options."""
        st = self._stages.get(name)
        if st is None:
            cls = STAGES.get(name)
            if cls is None:
                raise KeyError(f"unknown stage {name!r}")
            st = cls(dict(self.spec.options.get(name, {})))
            st.bind(self)
            self._stages[name] = st
        st.ensure_setup()
        return st

    def checks(self, names: Sequence[str] | None = None) -> list[SegmentCheck]:
        """The named segment checks (default: the run's), configured; others are skipped."""
        out = []
        for name in self.spec.checks if names is None else names:
            cls = STAGES.get(name)
            if cls is not None and issubclass(cls, SegmentCheck):
                st = self.stage(name)
                assert isinstance(st, SegmentCheck)
                out.append(st)
        return out

    def judge(self, row: Row, text: str, names: Sequence[str] | None = None) -> list[Flag]:
        """The flags the configured segment checks (or those in ``names``) raise on ``text``
        standing in for the row's target, with the positions of ``text``."""
        probe = changed_row(row, text)
        flags: list[Flag] = []
        for check in self.checks(names):
            flags += check.check_row(probe)
        return flags

    # -- languages
    def languages(self, row: Row) -> tuple[str | None, str]:
        """The language pair of a record: its own, else the run's defaults."""
        return row.get("src_lang") or self.spec.src_lang, row.get("tgt_lang") or self.spec.tgt_lang

    # -- shared resources
    @property
    def matcher(self) -> Any:
        """The run's termbase matcher (None without termbases), loaded once per worker."""
        if self._matcher is None and self.spec.termbases:
            assert self.spec.load_matcher is not None, "termbases without a matcher loader"
            self._matcher = self.spec.load_matcher(list(self.spec.termbases))
        return self._matcher

    def translator(self, model: str, src: str, tgt: str, **kw: Any) -> Any:
        """A translator for ``model`` and one language pair, loaded once per worker."""
        key = (model, src, tgt, *sorted(kw.items()))
        tr = self._translators.get(key)
        if tr is None:
            assert self.spec.load_translator is not None, "a model without a translator loader"
            tr = self._translators[key] = self.spec.load_translator(model, src, tgt, **kw)
        return tr


def changed_row(row: Row, text: str) -> Row:
    """``row`` with ``text`` as its target and output, and the positions of ``text``: its end
    offset, and whether it still reaches the end of the original's line."""
    if text == row.get("target"):
        return row
    probe = {**row, "target": text, "output": text}
    probe["end"] = (row.get("start") or 0) + len(text)
    old = row.get("target") or ""
    kept = text.rstrip()
    if kept and old.startswith(kept) and len(kept) < len(old.rstrip()):
        # A cut of the original's end (a keyword tail): the rest of the original line still
        # follows the new text, so it does not end its line.
        probe["line_end"] = False
    return probe


def default_context(stages: Iterable[Stage[Any]] = (), **spec: Any) -> Context:
    """A context over ``stages`` for callers without a config (tests, programmatic use of one
    stage): every registered segment check judges, each with its default options."""
    if "checks" not in spec:
        spec["checks"] = tuple(
            n
            for n, cls in STAGES.items()
            if isinstance(cls, type) and issubclass(cls, SegmentCheck)
        )
    return Context(ContextSpec(**spec), stages)
