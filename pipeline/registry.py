"""Every built-in stage, registered by name, and the one set of flag names.

Importing this module imports every stage so each registers itself in ``STAGES``. A flag's
``check`` is always a registered name: a check (``CHECKS``, its flags carry its name) or a
flag a stage declares in ``emits`` (``pipeline.core.registry.DECLARED_FLAGS``). ``--checks``,
``[combine] weights`` and ``[decide] drop_checks`` are validated against ``flag_owners``.
"""

from __future__ import annotations

from pipeline import checks
from pipeline.checks import CHECKS
from pipeline.core.registry import DECLARED_FLAGS, STAGES
from pipeline.glossary import stage as glossary_stage
from pipeline.stages import combine, decide, normalize, retranslate, score, suppress


def flag_owners() -> dict[str, str]:
    """Every flag name and what adds it (``check`` for a check; else the stage)."""
    out = {name: "check" for name in CHECKS}
    for name, owner in DECLARED_FLAGS.items():
        out.setdefault(name, owner)
    return out


# What the flags that are not checks mean (``mtclean checks``).
FLAG_DOCS: dict[str, str] = {
    "markup": "A rewrite the record's format cannot render; the text is kept for review.",
    "term_missing": "A source term whose approved rendering the target lacks.",
    "dnt_changed": "A do-not-translate term not kept verbatim in the target.",
    "mojibake": "Mojibake repaired (not evidence of bad translation).",
    "unicode_nfc": "Text composed to NFC (not evidence of bad translation).",
    "control_chars": "Stray control characters removed (not evidence of bad translation).",
    "term_dropped": "A re-translation lost a glossary term (the candidate is never applied).",
}


def flag_table() -> list[tuple[str, str, str]]:
    """Every flag name with its owner and what it flags, as the imported stages say it: the
    checks in run order (owner ``check``, the first line of the check's docstring), then the
    flags other stages declare. ``pipeline.core.registry.FLAG_TABLE`` must equal it."""
    out = []
    for name, owner in flag_owners().items():
        if owner == "check":
            doc = (STAGES[name].__doc__ or "").strip().splitlines()
            out.append((name, owner, doc[0].strip() if doc else ""))
        else:
            out.append((name, owner, FLAG_DOCS.get(name, f"added by {owner}")))
    return out


def unknown_flag_names(names: list[str] | dict[str, object]) -> list[str]:
    """The names in ``names`` that are not registered flag names."""
    known = flag_owners()
    return [n for n in names if n not in known]


__all__ = [
    "CHECKS",
    "FLAG_DOCS",
    "STAGES",
    "checks",
    "combine",
    "decide",
    "flag_owners",
    "flag_table",
    "glossary_stage",
    "normalize",
    "retranslate",
    "score",
    "suppress",
    "unknown_flag_names",
]
