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
