"""Helpers for tests: read a file the way the runner does, write a cleaned copy in memory."""

from __future__ import annotations

import io
from types import SimpleNamespace

from pipeline.readers import Source, format_for, iter_records
from pipeline.records import Record, Reject
from pipeline.shards import cleaned_items
from pipeline.writers.cleaned import write_cleaned


def read_input(path, src_lang=None, tgt_lang="en"):
    format_for(path)
    Source(path).probe()
    items = list(iter_records(path, None, src_lang, tgt_lang))
    return SimpleNamespace(
        path=path,
        items=items,
        records=[i for i in items if isinstance(i, Record)],
        rejects=[i for i in items if isinstance(i, Reject)],
    )


def render(f, record, target):
    return format_for(f.path).render(record, target)


def cleaned_bytes(f, new_targets):
    """The cleaned file with ``new_targets`` (record index -> new target) applied."""
    targets = {f.records[i].id: t for i, t in new_targets.items()}
    buf = io.BytesIO()
    write_cleaned(f.path, cleaned_items(f.path, f.items, targets), buf)
    return buf.getvalue()


def cleaned_text(f, new_targets):
    return cleaned_bytes(f, new_targets).decode("utf-8", "surrogateescape")
