"""``mtclean review export-terms DIR DECISIONS --out terms.tbx|tsv [--gold FOLDER]``.

What an editor decided grows the termbase and the gold labels:

- **Term suggestions** (status ``proposed``): every glossary hit the editor accepted that was
  only flagged (an ambiguous variant confirmed wrong in this context) and every accepted
  replacement, plus every short change an editor typed (a name or a term: at most
  ``MAX_TERM_WORDS`` words replaced by at most as many). Each suggestion names the wrong
  rendering as a context-dependent variant (TSV ``?variant``, TBX ``usageNote`` "context"), so
  a later run with the exported termbase flags it for review wherever it recurs but never
  rewrites it (one editor's fix in one sentence is not yet a certain fix), and carries the
  segments it came from (file, unit, source, target before and after).
  TSV has the termbase columns the loader reads plus ``status`` and ``context``; TBX (v2,
  ``martif``) marks each entry ``processStatus provisionallyProcessed`` with a note
  ``status: proposed`` and the segments as ``context`` descriptions.
- **Gold labels** (``--gold FOLDER``): one ``<input name>.gold.jsonl`` per input file, in the
  sidecar form ``regress`` reads (``{"id", "gold_garbled", "gold_checks"}``): a unit the editor
  edited, or whose flags or proposal they accepted, is garbled (with the checks they agreed
  with); a unit whose flags they all rejected is not.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pipeline.errors import UsageError
from pipeline.review.apply import Decisions, SegKey, load_decisions
from pipeline.review.page import load_segments, load_summary
from pipeline.writers import atomic
from pipeline.writers.atomic import gold_name

MAX_TERM_WORDS = 4
MAX_CONTEXTS = 5
COLUMNS = ["source", "target", "variants", "note", "src_lang", "tgt_lang", "status", "context"]
_WORD = re.compile(r"\w[\w'’-]*|[^\w\s]", re.UNICODE)
_TAGS = re.compile("[\ue000-\uf8ff]")


@dataclass
class Suggestion:
    """One proposed termbase entry and the segments it came from."""

    target: str
    variants: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    contexts: list[dict[str, Any]] = field(default_factory=list)
    origin: str = "edit"  # edit | glossary


def changed_phrases(before: str, after: str) -> list[tuple[str, str]]:
    """Short replacements between two texts: (old words, new words), each at most
    ``MAX_TERM_WORDS`` words; insertions, deletions and long rewrites are not terms."""
    a, b = _TAGS.sub(" ", before), _TAGS.sub(" ", after)
    wa = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(a)]
    wb = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(b)]
    sm = difflib.SequenceMatcher(a=[w for w, _, _ in wa], b=[w for w, _, _ in wb], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace" or i2 - i1 > MAX_TERM_WORDS or j2 - j1 > MAX_TERM_WORDS:
            continue
        old = a[wa[i1][1] : wa[i2 - 1][2]].strip()
        new = b[wb[j1][1] : wb[j2 - 1][2]].strip()
        if old and new and old.lower() != new.lower() and any(c.isalnum() for c in new):
            out.append((old, new))
    return out


def _context(seg: dict[str, Any], after: str | None) -> dict[str, Any]:
    return {
        "file": Path(seg.get("file") or "").name,
        "unit": seg["record"],
        "source": seg.get("source"),
        "before": seg["target"],
        "after": after,
    }


def suggestions(segs: list[dict[str, Any]], d: Decisions) -> list[Suggestion]:
    """Term suggestions from accepted glossary hits and typed edits, merged by target."""
    found: dict[str, Suggestion] = {}

    def add(
        target: str,
        variant: str,
        src: list[str],
        seg: dict[str, Any],
        after: str | None,
        origin: str,
    ) -> None:
        s = found.setdefault(target, Suggestion(target=target, origin=origin))
        if variant and variant != target and variant not in s.variants:
            s.variants.append(variant)
        s.sources.extend(x for x in src if x and x not in s.sources)
        ctx = _context(seg, after)
        if len(s.contexts) < MAX_CONTEXTS and ctx not in s.contexts:
            s.contexts.append(ctx)

    for seg in segs:
        key: SegKey = (seg.get("file") or "", seg["record"], seg["index"])
        verdict = d.segments.get(key)
        for n, h in enumerate(seg.get("glossary") or []):
            hv = d.hits.get((*key, n))
            accepted = hv == "accept" or (
                h["action"] == "replaced" and verdict == "accept" and hv != "reject"
            )
            if accepted and h.get("replacement") and h["action"] in ("replaced", "flagged"):
                add(h["replacement"], h["match"], [], seg, seg.get("output"), "glossary")
        typed = d.edits.get(key, d.choices.get(key))
        if typed is not None:
            for old, new in changed_phrases(seg["target"], typed):
                add(new, old, [], seg, typed, "edit")
    return list(found.values())


def gold_labels(segs: list[dict[str, Any]], d: Decisions) -> dict[str, dict[str, dict[str, Any]]]:
    """``{input file name: {record id: {"gold_garbled", "gold_checks"}}}`` for the units an
    editor judged."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for seg in segs:
        key: SegKey = (seg.get("file") or "", seg["record"], seg["index"])
        checks = sorted({f["check"] for f in seg.get("flags") or []})
        verdict = d.segments.get(key)
        right = [c for c in checks if d.flags.get((*key, c)) == "accept"]
        wrong = [c for c in checks if d.flags.get((*key, c)) == "reject"]
        if key in d.edits or key in d.choices:
            label: tuple[bool, list[str]] | None = (True, [c for c in checks if c not in wrong])
        elif verdict == "accept" and (checks or seg.get("garbled")):
            label = (True, [c for c in checks if c not in wrong])
        elif right:
            label = (True, right)
        elif verdict == "reject" or (checks and len(wrong) == len(checks)):
            label = (False, [])
        else:
            continue
        rec = out.setdefault(Path(seg.get("file") or "").name, {}).setdefault(
            seg["record"], {"gold_garbled": False, "gold_checks": []}
        )
        rec["gold_garbled"] = rec["gold_garbled"] or label[0]
        rec["gold_checks"] = sorted({*rec["gold_checks"], *label[1]})
    return out


def write_gold(folder: Path, labels: dict[str, dict[str, dict[str, Any]]]) -> list[Path]:
    """One sidecar per input file in ``folder``; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records in sorted(labels.items()):
        stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
        path = folder / gold_name(stem)
        lines = [
            json.dumps({"id": rid, **lab, "labelled_by": "review"}, ensure_ascii=False)
            for rid, lab in sorted(records.items())
        ]
        atomic.write_text(path, "".join(line + "\n" for line in lines))
        written.append(path)
    return written


def _context_text(c: dict[str, Any]) -> str:
    src = f"{c['source']} => " if c.get("source") else ""
    return f"{c['file']}#{c['unit']}: {src}{c['after'] if c.get('after') is not None else ''}"


def to_tsv(items: list[Suggestion], src_lang: str, tgt_lang: str, run: str) -> str:
    """Termbase TSV (the loader's columns) with ``status`` and ``context``."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(
        ["source", "target", "variants", "note", "src_lang", "tgt_lang", "status", "context"]
    )
    for s in items:
        w.writerow(
            [
                "|".join(s.sources),
                s.target,
                "|".join("?" + v for v in s.variants),
                f"proposed from review of {run} ({s.origin})",
                src_lang,
                tgt_lang,
                "proposed",
                " ¦ ".join(
                    _context_text(c).replace("\t", " ").replace("\n", " ") for c in s.contexts
                ),
            ]
        )
    return buf.getvalue()


def to_tbx(items: list[Suggestion], src_lang: str, tgt_lang: str, run: str) -> str:
    """TBX v2 (``martif``) with each entry marked proposed."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<martif type="TBX" xml:lang={quoteattr(tgt_lang)}>',
        "<martifHeader><fileDesc><sourceDesc>"
        f"<p>Term suggestions from the review of {escape(run)} (status: proposed)</p>"
        "</sourceDesc></fileDesc></martifHeader>",
        "<text><body>",
    ]
    for n, s in enumerate(items, 1):
        out.append(f'<termEntry id="proposed-{n}">')
        out.append(f"<note>status: proposed; from review of {escape(run)} ({s.origin})</note>")
        for c in s.contexts:
            out.append(f'<descrip type="context">{escape(_context_text(c))}</descrip>')
        if s.sources:
            out.append(f"<langSet xml:lang={quoteattr(src_lang)}>")
            out.extend(f"<tig><term>{escape(x)}</term></tig>" for x in s.sources)
            out.append("</langSet>")
        out.append(f"<langSet xml:lang={quoteattr(tgt_lang)}>")
        out.append(
            f"<tig><term>{escape(s.target)}</term>"
            '<termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>'
            '<termNote type="processStatus">provisionallyProcessed</termNote></tig>'
        )
        for v in s.variants:
            out.append(
                f"<tig><term>{escape(v)}</term>"
                '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>'
                '<termNote type="usageNote">context: proposed from review</termNote></tig>'
            )
        out.append("</langSet></termEntry>")
    out.append("</body></text></martif>")
    return "\n".join(out) + "\n"


def export_terms(
    run_dir: str, decisions_path: str, out: str, gold: str | None = None
) -> tuple[int, list[Path]]:
    """Write the suggestions to ``out`` (``.tbx`` or ``.tsv``) and, with ``gold``, the gold
    labels; returns the number of suggestions and the gold files written."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".tbx", ".tsv"):
        raise UsageError(f"--out {out}: expected a .tbx or .tsv file name")
    d = load_decisions(decisions_path, run_dir)
    segs = load_segments(run_dir)
    langs = (load_summary(run_dir).get("effective_config") or {}).get("input") or {}
    src_lang = langs.get("src_lang") or "zh"
    tgt_lang = langs.get("tgt_lang") or "en"
    items = suggestions(segs, d)
    run = Path(run_dir).resolve().name
    text = (to_tbx if suffix == ".tbx" else to_tsv)(items, src_lang, tgt_lang, run)
    atomic.write_text(Path(out), text)
    written = write_gold(Path(gold), gold_labels(segs, d)) if gold else []
    return len(items), written
