"""Inputs named on the command line: files as given, folders searched recursively."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.readers import COMPRESSION_SUFFIXES, FORMATS, split_suffix
from pipeline.runner import Input


def _supported(path: Path) -> bool:
    suffix, _ = split_suffix(str(path))
    return suffix in FORMATS


def _match(rel: str, patterns: list[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatchcase(rel, p) or fnmatchcase(name, p) for p in patterns)


def expand_inputs(
    inputs: list[str],
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    out: str | None = None,
) -> list[Input]:
    """Files stay as given (cleaned copy ``cleaned/<name>``); folders expand recursively to the
    supported files under them, sorted, filtered by globs, never inside ``out`` (cleaned copy
    ``cleaned/<path relative to the folder>``)."""
    found: list[Input] = []
    out_real = Path(out).resolve() if out else None
    for item in inputs:
        p = Path(item)
        if not p.is_dir():
            found.append(Input(item, p.name))
            continue
        files = []
        for q in sorted(p.rglob("*")):
            if out_real is not None and (
                q.resolve() == out_real or out_real in q.resolve().parents
            ):
                continue
            rel = q.relative_to(p).as_posix()
            if not q.is_file() or not _supported(q) or q.name.endswith(".gold.jsonl"):
                continue  # gold-label sidecars belong to their sample, they are not inputs
            if include and not _match(rel, include):
                continue
            if exclude and _match(rel, exclude):
                continue
            files.append(Input(str(q), rel))
        if not files:
            kinds = ", ".join(sorted(FORMATS))
            raise UsageError(
                f"{item}: folder has no input files ({kinds}, optionally "
                f"{'/'.join(COMPRESSION_SUFFIXES)}) matching the filters"
            )
        found += files
    return found
