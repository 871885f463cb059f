"""Termbases: TSV/CSV with a header, and TBX (v2 ``martif`` and v3 ``tbx``).

Columns of TSV/CSV: ``source`` (optional), ``target`` (required), ``variants`` (``|``-separated
known wrong renderings; a leading ``?`` marks one that is wrong only in some contexts, which is
flagged for review, never replaced; a leading ``~`` marks an understandable alternative, e.g. an
organisation's other name, which is normalised but is no evidence of garbled text on its own),
``note``, ``case`` (``sensitive``|``insensitive``), ``dnt``
(do-not-translate: ``yes``/``true``/``1``), ``domain``; optional ``src_lang``/``tgt_lang``
(default ``zh``/``en``).

TBX: preferred and admitted terms of the target language are approved renderings;
``deprecatedTerm-admn-sts`` terms are known wrong variants, ``supersededTerm-admn-sts`` terms
minor ones (outdated but understandable), and either with a ``usageNote`` containing
"ambiguous" or "context" is one to flag rather than replace. Terms of the

other language are the source terms. XML is parsed without fetching any DTD, without external
entities and with no entity declarations allowed at all, so entity bombs cannot expand.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import MtcleanError
from pipeline.text.scripts import base_language

TRUE = frozenset({"yes", "true", "1", "y", "dnt"})


class TermbaseError(MtcleanError):
    """A termbase problem, always with file and line: ``glossary.tsv:7: empty target``."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")


@dataclass
class Term:
    """One concept: its approved target rendering, source term(s) and known wrong variants."""

    target: str
    sources: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    minor: list[str] = field(default_factory=list)  # understandable alternatives: normalised
    note: str = ""
    case_sensitive: bool | None = None  # None: insensitive for Latin, exact for the rest
    dnt: bool = False
    domain: str = ""
    src_lang: str = "zh"
    tgt_lang: str = "en"
    file: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def load_termbases(paths: list[str]) -> list[Term]:
    """Load and cross-check every termbase; any problem raises TermbaseError (file:line)."""
    terms: list[Term] = []
    for p in paths:
        terms += load_termbase(p)
    check_conflicts(terms)
    return terms


def load_termbase(path: str) -> list[Term]:
    p = Path(path)
    if not p.is_file():
        raise TermbaseError(path, None, "no such termbase file")
    suffix = p.suffix.lower()
    if suffix in (".tsv", ".csv", ".txt"):
        terms = _load_table(path, "\t" if suffix != ".csv" else ",")
    elif suffix in (".tbx", ".xml"):
        terms = _load_tbx(path)
    else:
        raise TermbaseError(
            path, None, f"unknown termbase format {suffix!r} (expected .tsv, .csv, .tbx)"
        )
    for t in terms:
        check_term(t)
    return terms


# Characters no term may hold: they are invisible in an editor, never match what a reader sees,
# and would be copied into the cleaned text (a zero-width target once replaced every "the"; a
# NUL was written out). Format characters include U+200B..U+200F, U+2060 and the BOM.
_FORBIDDEN_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Cs": "a lone surrogate",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def check_term(t: Term) -> None:
    """Refuse a term with an empty surface or one holding a control or zero-width character;
    the error names the file and line of the entry."""
    fields = [("target", t.target)]
    fields += [("source", s) for s in t.sources]
    fields += [("variant", v) for v in t.variants]
    fields += [("ambiguous variant ('?')", v) for v in t.ambiguous]
    fields += [("minor variant ('~')", v) for v in t.minor]
    for what, surface in fields:
        if not surface.strip():
            raise TermbaseError(t.file, t.line, f"empty {what}")
        for ch in surface:
            kind = _FORBIDDEN_CATEGORIES.get(unicodedata.category(ch))
            if kind:
                name = unicodedata.name(ch, "")
                raise TermbaseError(
                    t.file,
                    t.line,
                    f"{what} {surface!r} holds {kind}, U+{ord(ch):04X}"
                    + (f" ({name})" if name else ""),
                )


def _read(path: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise TermbaseError(path, None, f"not UTF-8 ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise TermbaseError(path, None, f"cannot read: {err.strerror or err}") from None


def _load_table(path: str, delimiter: str) -> list[Term]:
    text = _read(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    terms: list[Term] = []
    line_no = 1
    try:
        for cells in reader:
            number, line_no = line_no, reader.line_num + 1
            if not cells or not "".join(cells).strip() or cells[0].startswith("#"):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                if "target" not in header:
                    raise TermbaseError(path, number, "header has no 'target' column")
                continue
            if len(cells) != len(header):
                raise TermbaseError(
                    path, number, f"expected {len(header)} fields, found {len(cells)}"
                )
            terms.append(_row_term(path, number, dict(zip(header, cells, strict=True))))
    except csv.Error as err:
        raise TermbaseError(path, line_no, f"malformed row: {err}") from None
    if header is None:
        raise TermbaseError(path, None, "empty termbase")
    return terms


def _row_term(path: str, number: int, row: dict[str, str]) -> Term:
    target = row.get("target", "").strip()
    if not target:
        raise TermbaseError(path, number, "empty target")
    case = row.get("case", "").strip().lower()
    if case not in ("", "sensitive", "insensitive"):
        raise TermbaseError(
            path, number, f"case must be 'sensitive' or 'insensitive', not {case!r}"
        )
    variants, ambiguous = [], []
    minor = []
    for v in (row.get("variants") or "").split("|"):
        v = v.strip()
        if v.startswith("?"):
            ambiguous.append(v[1:].strip())
        elif v.startswith("~"):
            minor.append(v[1:].strip())
        elif v:
            variants.append(v)
    sources = [s.strip() for s in (row.get("source") or "").split("|") if s.strip()]
    return Term(
        target=target,
        sources=sources,
        variants=variants,
        ambiguous=ambiguous,
        minor=minor,
        note=(row.get("note") or "").strip(),
        case_sensitive=None if not case else case == "sensitive",
        dnt=(row.get("dnt") or "").strip().lower() in TRUE,
        domain=(row.get("domain") or "").strip(),
        src_lang=base_language(row.get("src_lang") or "zh"),
        tgt_lang=base_language(row.get("tgt_lang") or "en"),
        file=path,
        line=number,
    )


def _xml_parse(path: str):  # type: ignore[no-untyped-def]
    from pipeline import xmlsafe

    data = Path(path).read_bytes()
    try:
        return xmlsafe.parse(data, remove_comments=True)
    except xmlsafe.XmlError as err:
        raise TermbaseError(path, err.line, err.reason) from None


def _local(tag: object) -> str:
    return tag.split("}")[-1] if isinstance(tag, str) else ""


def _lang(el) -> str:  # type: ignore[no-untyped-def]
    return base_language(el.get("{http://www.w3.org/XML/1998/namespace}lang") or el.get("lang"))


def _load_tbx(path: str, tgt_lang: str = "en") -> list[Term]:
    tree = _xml_parse(path)
    root = tree.getroot()
    if _local(root.tag) not in ("martif", "tbx"):
        raise TermbaseError(path, root.sourceline, f"not TBX: root element is <{_local(root.tag)}>")
    terms: list[Term] = []
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        terms.append(_tbx_entry(path, entry, tgt_lang))
    if not terms:
        raise TermbaseError(path, None, "no termEntry or conceptEntry elements")
    return terms


def _tbx_entry(path: str, entry, tgt_lang: str) -> Term:  # type: ignore[no-untyped-def]
    approved: list[str] = []
    term = Term(target="", file=path, line=entry.sourceline or 0, tgt_lang=tgt_lang)
    notes = []
    for lang_el in entry:
        if _local(lang_el.tag) in ("descrip", "note", "descripGrp"):
            text = " ".join(lang_el.itertext()).strip()
            if _local(lang_el.tag) == "descrip" and lang_el.get("type") == "subjectField":
                term.domain = text
            elif text:
                notes.append(text)
            continue
        if _local(lang_el.tag) not in ("langSet", "langSec"):
            continue
        lang = _lang(lang_el)
        for grp in lang_el.iter():
            if _local(grp.tag) not in ("tig", "ntig", "termSec"):
                continue
            word, status, usage = "", "", ""
            for el in grp.iter():
                name = _local(el.tag)
                if name == "term":
                    word = "".join(el.itertext()).strip()
                elif name == "termNote" and el.get("type") == "administrativeStatus":
                    status = (el.text or "").strip()
                elif name == "termNote" and el.get("type") == "usageNote":
                    usage = (el.text or "").strip().lower()
            if not word:
                raise TermbaseError(path, grp.sourceline, "empty <term>")
            if lang != tgt_lang:
                term.sources.append(word)
                term.src_lang = lang
            elif status.startswith(("deprecatedTerm", "supersededTerm")):
                if "ambiguous" in usage or "context" in usage:
                    term.ambiguous.append(word)
                elif status.startswith("supersededTerm"):
                    term.minor.append(word)  # outdated but understandable
                else:
                    term.variants.append(word)
            else:
                approved.append(word)
    if not approved:
        raise TermbaseError(path, term.line, f"no preferred or admitted {tgt_lang!r} term")
    term.target = approved[0]
    term.note = "; ".join(notes)
    return term


def check_conflicts(terms: list[Term]) -> None:
    """Duplicate entries and conflicting mappings are errors, named by both places."""
    by_source: dict[str, Term] = {}
    by_variant: dict[str, Term] = {}
    approved = {t.target.lower(): t for t in terms}
    seen: dict[tuple[str, str], Term] = {}
    for t in terms:
        key = (t.target, "|".join(sorted(t.sources)))
        if key in seen:
            raise TermbaseError(
                t.file, t.line, f"duplicate entry for {t.target!r} (first at {seen[key].where})"
            )
        seen[key] = t
        for s in t.sources:
            other = by_source.get(s)
            if other is not None and other.target != t.target:
                raise TermbaseError(
                    t.file,
                    t.line,
                    f"source {s!r} maps to {t.target!r} here "
                    f"but to {other.target!r} at {other.where}",
                )
            by_source[s] = t
        for v in t.variants + t.ambiguous + t.minor:
            other = by_variant.get(v.lower())
            if other is not None and other.target != t.target:
                raise TermbaseError(
                    t.file,
                    t.line,
                    f"variant {v!r} corrects to {t.target!r} "
                    f"here but to {other.target!r} at "
                    f"{other.where}",
                )
            by_variant[v.lower()] = t
            owner = approved.get(v.lower())
            if owner is not None and owner is not t:
                raise TermbaseError(
                    t.file, t.line, f"variant {v!r} is the approved term of {owner.where}"
                )


def termbase_stats(terms: list[Term]) -> dict[str, object]:
    """Counts for ``glossary stats``: terms, every kind of surface form, do-not-translate entries,
    and terms by language pair and by domain (sorted by key)."""
    from collections import Counter

    pairs = Counter(f"{t.src_lang}->{t.tgt_lang}" for t in terms)
    domains = Counter(t.domain or "(none)" for t in terms)
    return {
        "terms": len(terms),
        "sources": sum(len(t.sources) for t in terms),
        "variants": sum(len(t.variants) for t in terms),
        "ambiguous": sum(len(t.ambiguous) for t in terms),
        "minor": sum(len(t.minor) for t in terms),
        "dnt": sum(t.dnt for t in terms),
        "by_pair": dict(sorted(pairs.items())),
        "by_domain": dict(sorted(domains.items())),
    }


def stats_lines(terms: list[Term]) -> list[str]:
    """``glossary stats`` output, one string per line (the CLI echoes them)."""
    s = termbase_stats(terms)
    lines = [
        f"terms: {s['terms']}  sources: {s['sources']}  variants: {s['variants']}  "
        f"ambiguous: {s['ambiguous']}  minor: {s['minor']}  do-not-translate: {s['dnt']}",
        "by language pair:",
    ]
    lines += [f"  {pair:<12} {n}" for pair, n in s["by_pair"].items()]  # type: ignore[attr-defined]
    lines.append("by domain:")
    lines += [f"  {dom:<12} {n}" for dom, n in s["by_domain"].items()]  # type: ignore[attr-defined]
    return lines
