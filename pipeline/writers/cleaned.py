"""The cleaned copy of an input, in its own format.

Untouched records and rejects are copied from the decoded input (undecodable bytes included),
so a file where nothing changed comes back byte for byte.
"""

from __future__ import annotations

from pipeline import readers
from pipeline.readers.base import UTF8_BOM
from pipeline.records import InputFile


def cleaned_text(f: InputFile, new_targets: dict[int, str]) -> str:
    """Rebuild ``f.text`` with ``new_targets`` (record index -> new target) applied."""
    if f.format == "txt":
        return _cleaned_paragraphs(f, new_targets)
    parts: list[str] = []
    pos = 0
    for i, rec in enumerate(f.records):
        if i not in new_targets:
            continue
        s, e = rec.span
        rendered = readers.render(f, rec, new_targets[i])
        parts += [f.text[pos:s], rendered if rendered is not None else ""]
        pos = e
    parts.append(f.text[pos:])
    return "".join(parts)


def _cleaned_paragraphs(f: InputFile, new_targets: dict[int, str]) -> str:
    # Paragraphs (records and rejects) alternate with separators. A dropped paragraph takes the
    # separator after it along, so no run of extra blank lines is left behind.
    paras = sorted(
        [(r.span, i) for i, r in enumerate(f.records)] + [(r.span, -1) for r in f.rejects]
    )
    if not paras:
        return f.text
    text = f.text
    kept: list[tuple[str, str]] = []  # (paragraph text, separator that followed it)
    for k, ((s, e), i) in enumerate(paras):
        following = text[e : paras[k + 1][0][0]] if k + 1 < len(paras) else ""
        body: str | None = text[s:e]
        if i >= 0 and i in new_targets:
            body = readers.render(f, f.records[i], new_targets[i])
        if body is not None:
            kept.append((body, following))
    out = [text[: paras[0][0][0]]]
    for k, (body, following) in enumerate(kept):
        out.append(body)
        if k + 1 < len(kept):
            out.append(following)
    out.append(text[paras[-1][0][1] :])
    return "".join(out)


def encode(f: InputFile, text: str) -> bytes:
    """Encode like the input: UTF-8, the same BOM, undecodable bytes restored."""
    data = text.encode("utf-8", errors="surrogateescape")
    return UTF8_BOM + data if f.bom else data
