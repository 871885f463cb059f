"""Detection checks: one module per check, each a registered stage that adds flags.

Every flag is ``{check, severity, score, evidence}``; ``pipeline.stages.combine`` turns a
segment's flags into ``garble_score`` and ``garbled``. ``CHECKS`` lists them in run order.
"""

from pipeline.checks import (
    accelerators,
    boilerplate,
    brackets,
    capitals,
    consistency,
    entities,
    glossary_hook,
    langid,
    length_ratio,
    numbers,
    placeholders,
    punctuation,
    repetition,
    source_copy,
    tags,
    truncation,
    untranslated,
    urls,
    whitespace,
)

CHECKS: list[str] = [
    "language_id",
    "untranslated",
    "source_copy",
    "repetition",
    "duplicate",
    "keyword_tail",
    "byline",
    "truncation",
    "number_mismatch",
    "entity_mismatch",
    "placeholder_mismatch",
    "whitespace_mismatch",
    "tag_mismatch",
    "url_mismatch",
    "end_punctuation",
    "bracket_pairing",
    "accelerator_mismatch",
    "start_capital",
    "length_ratio",
    "inconsistency",
    "glossary_known",
]

__all__ = [
    "CHECKS",
    "accelerators",
    "boilerplate",
    "brackets",
    "capitals",
    "consistency",
    "entities",
    "glossary_hook",
    "langid",
    "length_ratio",
    "numbers",
    "placeholders",
    "punctuation",
    "repetition",
    "source_copy",
    "tags",
    "truncation",
    "untranslated",
    "urls",
    "whitespace",
]
