"""Names: every stage by its name, and every flag name with the stage that owns it.

A check's flags carry its own name. Other stages declare the flags they add in their
``emits`` class attribute (``normalize``: mojibake, ...); what is neither a stage nor a check
(the renderer's ``markup``) is declared here with ``declare_flags``. ``pipeline.registry``
imports every built-in stage and joins the checks' names to these declarations, so ``--checks``,
``[combine] weights``, ``[decide] drop_checks`` and ``mtclean checks`` speak of one set.
"""

from __future__ import annotations

from typing import Any

# Stage classes by name (typed loosely: ``pipeline.core.stage`` imports this module).
STAGES: dict[str, Any] = {}
# Flag name -> owner (the stage, or component, that adds it), for flags that are not checks.
DECLARED_FLAGS: dict[str, str] = {}


def declare_flags(owner: str, *names: str) -> None:
    """Record that ``owner`` adds flags named ``names`` (a name has exactly one owner)."""
    for name in names:
        old = DECLARED_FLAGS.get(name)
        if old is not None and old != owner:
            raise ValueError(f"flag {name!r} declared by {old!r} and {owner!r}")
        DECLARED_FLAGS[name] = owner


def register(cls: Any) -> Any:
    """Class decorator: make a stage available by its ``name`` in configs and on the CLI."""
    if cls.name in STAGES and STAGES[cls.name] is not cls:
        raise ValueError(f"stage name {cls.name!r} registered twice")
    STAGES[cls.name] = cls
    declare_flags(cls.name, *cls.emits)
    return cls


# Flags added outside any stage: a rewrite the record's format cannot render is kept and flagged
# when the shard is rendered (``pipeline.shards``).
declare_flags("render", "markup")


# Every flag name, in ``mtclean checks`` order, with its owner (``check`` for a check, else the
# stage or component that adds it) and what it flags: a copy of what importing every stage
# registers (``pipeline.registry.flag_table``), so that listing the names (``mtclean checks``)
# needs no stage imported, and with them numpy, ftfy and every check module.
# tests/test_startup.py fails when a check or flag is added, renamed or re-described without
# this table following.
FLAG_TABLE: tuple[tuple[str, str, str], ...] = (
    (
        "language_id",
        "check",
        "Flag segments whose language is not the target language.",
    ),
    (
        "untranslated",
        "check",
        "Flag each run of untranslated source-script text.",
    ),
    (
        "source_copy",
        "check",
        "Flag targets identical or near-identical to their source.",
    ),
    (
        "repetition",
        "check",
        "Flag doubled words/phrases (major) and loops of three or more (critical).",
    ),
    (
        "duplicate",
        "check",
        "Flag the second and later occurrences of a segment within its document.",
    ),
    (
        "keyword_tail",
        "check",
        "Flag pipe-separated keyword tails and propose the segment without them.",
    ),
    (
        "byline",
        "check",
        "Flag lines that are only a byline, a source credit or a timestamp.",
    ),
    (
        "truncation",
        "check",
        "Flag segments that end a line in the middle of a sentence.",
    ),
    (
        "number_mismatch",
        "check",
        "Flag source numbers that the target lacks or changed.",
    ),
    (
        "entity_mismatch",
        "check",
        "Flag Latin-script names in a non-Latin source that the target lacks.",
    ),
    (
        "placeholder_mismatch",
        "check",
        "Flag placeholders lost, added or (unnumbered printf) reordered in the target.",
    ),
    (
        "whitespace_mismatch",
        "check",
        "Flag leading/trailing whitespace and newline counts that differ from the source.",
    ),
    (
        "tag_mismatch",
        "check",
        "Flag inline tags and inline codes the target lost, added or reordered.",
    ),
    (
        "url_mismatch",
        "check",
        "Flag URLs, e-mail addresses and file paths lost or added in the target.",
    ),
    (
        "end_punctuation",
        "check",
        "Flag a target whose final punctuation does another job than the source's.",
    ),
    (
        "bracket_pairing",
        "check",
        "Flag brackets and quotes of the target that do not pair up (full-width included).",
    ),
    (
        "accelerator_mismatch",
        "check",
        "Flag a menu accelerator marker (``&``, ``_``, ``~``) lost or added.",
    ),
    (
        "start_capital",
        "check",
        "Flag a cased target that starts lower-case where its source starts upper-case.",
    ),
    (
        "house_rules",
        "check",
        "Flag units that break a ``[[rules]]`` entry of the config (pattern must/must not match).",
    ),
    (
        "length_ratio",
        "check",
        "Flag bilingual segments whose length ratio is anomalous.",
    ),
    (
        "inconsistency",
        "check",
        "Flag name swaps between near-identical sentences and entities rendered several ways.",
    ),
    (
        "translation_inconsistency",
        "check",
        "Flag the same source translated differently and one target used for different sources.",
    ),
    (
        "glossary_known",
        "check",
        "Flag each known wrong rendering a glossary hook reports.",
    ),
    (
        "markup",
        "render",
        "A rewrite the record's format cannot render; the text is kept for review.",
    ),
    (
        "term_missing",
        "glossary",
        "A source term whose approved rendering the target lacks.",
    ),
    (
        "dnt_changed",
        "glossary",
        "A do-not-translate term not kept verbatim in the target.",
    ),
    (
        "mojibake",
        "normalize",
        "Mojibake repaired (not evidence of bad translation).",
    ),
    (
        "unicode_nfc",
        "normalize",
        "Text composed to NFC (not evidence of bad translation).",
    ),
    (
        "control_chars",
        "normalize",
        "Stray control characters removed (not evidence of bad translation).",
    ),
    (
        "term_dropped",
        "retranslate",
        "A re-translation lost a glossary term (the candidate is never applied).",
    ),
)

# The check names, in run order (``pipeline.checks.CHECKS``, without importing a check).
CHECK_NAMES: tuple[str, ...] = tuple(name for name, owner, _ in FLAG_TABLE if owner == "check")
