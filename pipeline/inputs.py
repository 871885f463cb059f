"""Inputs named on the command line: files as given, folders searched recursively."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

from pipeline.errors import UsageError, quote_path
from pipeline.readers import COMPRESSION_SUFFIXES, FORMATS, split_suffix
from pipeline.runner import Input


def _supported(path: Path) -> bool:
    suffix, _ = split_suffix(str(path))
    return suffix in FORMATS


def _match(rel: str, patterns: list[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatchcase(rel, p) or fnmatchcase(name, p) for p in patterns)


def _resolved(q: Path) -> Path:
    """``q`` with its links followed; a link that loops (``a -> b -> a``) is a usage error
    naming it, which ``--exclude`` can leave out."""
    try:
        return q.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a loop
        raise UsageError(
            f"{quote_path(str(q))}: symbolic link loop; remove it or leave it out with --exclude"
        ) from None


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
            rel = q.relative_to(p).as_posix()
            if include and not _match(rel, include):
                continue
            if exclude and _match(rel, exclude):
                continue
            real = _resolved(q)
            if out_real is not None and (real == out_real or out_real in real.parents):
                continue
            if not q.is_file() or not _supported(q) or q.name.endswith(".gold.jsonl"):
                continue  # gold-label sidecars belong to their sample, they are not inputs
            files.append(Input(str(q), rel))
        if not files:
            kinds = ", ".join(sorted(FORMATS))
            raise UsageError(
                f"{item}: folder has no input files ({kinds}, optionally "
                f"{'/'.join(COMPRESSION_SUFFIXES)}) matching the filters"
            )
        found += files
    return found
