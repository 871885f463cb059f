"""What ``review apply`` checks before it writes an editor's text: the edit against its SOURCE.

The run's own render check compares a new target with the OLD target, which is right for the
pipeline's fixes (they must not lose what the translation had) and wrong for an editor: an edit
that restores a placeholder the machine translation lost (``%i`` back in a fuzzy PO entry) is
exactly what the editor is there for. So an edited unit is checked against its source unit:

- inline tags (XLIFF/TMX markup, shown as ⟨n⟩): every tag of the unit, once each, in order,
  and no tag the unit does not have;
- placeholders (printf ``%s``/``%(n)d``, brace ``{0}``, simple HTML tags): the same as in the
  source (for a plural form other than the first, the same set; the first may drop them, as
  "One item" drops ``%d``);
- newline rules of PO (what ``msgfmt -c`` checks): the target begins and ends with ``\\n``
  exactly when the source does;
- characters XML cannot hold.

An edit that fails is reported with its reason and skipped (the unit keeps the text it would
have had without the edit); the other decisions are applied.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.readers.tm import PO_PLACEHOLDER, TargetText, placeholder_problem
from pipeline.records import Record, Reject
from pipeline.writers.cleaned import KEEP, REPLACE, Item

PUA = range(0xE000, 0xF900)


def _plural_form(record_id: str) -> int | None:
    if "\x00" in record_id:
        tail = record_id.rsplit("\x00", 1)[1]
        return int(tail) if tail.isdigit() else None
    return None


def edit_problem(rec: Record, target: str) -> str | None:
    """Why ``target`` cannot replace the unit ``rec``'s target, checked against its source."""
    tt = rec.extra if isinstance(rec.extra, TargetText) else None
    if tt is not None and tt.kind == "xml":
        stray = sorted({c for c in target if ord(c) in PUA and c not in tt.tokens})
        if stray:
            return f"inline tag ⟨{ord(stray[0]) - 0xE000 + 1}⟩ is not in this unit"
        problem = placeholder_problem(tt, target)  # tags kept, once each, in order
        if problem:
            return problem
    elif any(ord(c) in PUA for c in target) and not any(ord(c) in PUA for c in rec.target):
        return "inline tag characters in a unit that has none"
    source = rec.source
    if source is None or not target:
        return None
    src = Counter(PO_PLACEHOLDER.findall(source))
    new = Counter(PO_PLACEHOLDER.findall(target))
    form = _plural_form(rec.id)
    if form is not None:
        extra = sorted(set(new) - set(src))
        missing = sorted(set(src) - set(new)) if form > 0 else []
    else:
        extra = sorted((new - src).elements())
        missing = sorted((src - new).elements())
    if extra or missing:
        parts = [f"missing {' '.join(missing)}" if missing else ""]
        parts.append(f"not in the source: {' '.join(extra)}" if extra else "")
        return "placeholders differ from the source: " + "; ".join(p for p in parts if p)
    if tt is not None and tt.kind == "po":
        for end, test in (("begin", str.startswith), ("end", str.endswith)):
            if test(source, "\n") != test(target, "\n"):
                has = "does" if test(source, "\n") else "does not"
                return f"the source {has} {end} with a line break (\\n) and the edit must match"
    return None


def render_trusted(fmt: Any, rec: Record, target: str) -> str:
    """``target`` rendered for ``rec`` without the old-target comparison (the edit passed
    ``edit_problem``); plain formats render as usual."""
    if isinstance(rec.extra, TargetText) and hasattr(fmt, "_render"):
        return fmt._render(rec.extra, target)
    return fmt.render(rec, target)


def items_with_edits(
    fmt: Any,
    items: Iterable[Record | Reject],
    targets: dict[str, str],
    trusted: set[str],
) -> Iterator[Item]:
    """Like ``shards.cleaned_items``, but records in ``trusted`` (edits checked against the
    source) are rendered with ``render_trusted``."""
    from pipeline.shards import edit_item

    for it in items:
        nt = targets.get(it.id) if isinstance(it, Record) else None
        if nt is not None and isinstance(it, Record) and it.id in trusted and nt.strip():
            rendered = render_trusted(fmt, it, nt)
            yield Item(it.span[0], it.span[1], REPLACE, rendered.encode("utf-8", "surrogateescape"))
        elif nt is None:
            yield Item(it.span[0], it.span[1], KEEP)
        else:
            yield edit_item(fmt, it, nt)
