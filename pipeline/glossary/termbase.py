"""Termbases: TSV/CSV with a header, and TBX (v2 ``martif`` and v3 ``tbx``).

Columns of TSV/CSV: ``source`` (optional), ``target`` (required), ``variants`` (``|``-separated
known wrong renderings; a leading ``?`` marks one that is wrong only in some contexts, which is
flagged for review, never replaced; a leading ``~`` marks an understandable alternative, e.g. an
organisation's other name, which is normalised but is no evidence of garbled text on its own),
``note``, ``case`` (``sensitive``|``insensitive``), ``dnt``
(do-not-translate: ``yes``/``true``/``1``), ``domain``; optional ``src_lang``/``tgt_lang``
(default ``zh``/``en``).

TSV/CSV may also have ``accepted`` (``|``-separated other right renderings, never rewritten).
A term ``full form (ABBR)`` also accepts the full form and the abbreviation on their own. A source
mapped to several targets accepts all of them. Invisible marks (bidi marks, zero-width space, BOM,
soft hyphen) are stripped from every surface with a warning; ZWNJ/ZWJ stay between letters.

TBX: every language pair the entry holds, in both directions (``Term.src_lang``/``tgt_lang``);
the first preferred or admitted term of the target language is the target, the others accepted;
``deprecatedTerm-admn-sts`` terms are known wrong variants, ``supersededTerm-admn-sts`` terms
minor ones (outdated but understandable), and either with a ``usageNote`` containing
"ambiguous" or "context" is one to flag rather than replace. Preferred and admitted terms of
the other language are the source terms. Every bad entry is reported with its line.
XML is parsed without fetching any DTD, without external
entities and with no entity declarations allowed at all, so entity bombs cannot expand.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import MtcleanError
from pipeline.text.scripts import base_language

TRUE = frozenset({"yes", "true", "1", "y", "dnt"})


class TermbaseError(MtcleanError):
    """A termbase problem, always with file and line: ``glossary.tsv:7: empty target``.

    ``more`` holds the file's further problems: the message stays one line and names the
    first ten; ``lines()`` gives every one (``mtclean glossary check`` prints them all)."""

    def __init__(
        self, path: str, line: int | None, reason: str, more: list[TermbaseError] | None = None
    ) -> None:
        self.path, self.line, self.reason = path, line, reason
        self.more = more or []
        shown = self.lines()[:10]
        rest = len(self.more) + 1 - len(shown)
        super().__init__("; ".join(shown) + (f"; and {rest} more" if rest else ""))

    def lines(self) -> list[str]:
        """Every problem, ``file:line: reason`` each."""
        head = (
            f"{self.path}:{self.line}: {self.reason}"
            if self.line
            else f"{self.path}: {self.reason}"
        )
        return [head, *(m for e in self.more for m in e.lines())]

    @classmethod
    def all_of(cls, errors: list[TermbaseError]) -> TermbaseError:
        first = errors[0]
        return cls(first.path, first.line, first.reason, errors[1:])


Warn = Callable[[str], None]
_log = logging.getLogger("mtclean.glossary")


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
    # Other renderings that are right too (TBX: every preferred/admitted term of the target
    # language; a source mapped to several targets: all of them). Never rewritten.
    accepted: list[str] = field(default_factory=list)
    # Whether the file states the languages (TBX, a table with src_lang/tgt_lang columns): then
    # the term applies only to records with that target language.
    langs_stated: bool = False
    # A source term with several right targets: left untranslated it is flagged, not replaced.
    several_targets: bool = False

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def accepted_forms(self) -> list[str]:
        """Every right rendering: the target, the accepted ones, and for ``full (ABBR)`` forms
        (``核糖核酸（RNA）``) the full form and the abbreviation on their own."""
        forms = [self.target, *self.accepted]
        for f in list(forms):
            m = _EXPANSION.match(f)
            if m:
                forms += [m.group(1).strip(), m.group(2).strip()]
        return list(dict.fromkeys(x for x in forms if x))


# ``full form (ABBR)`` with half- or full-width brackets.
_EXPANSION = re.compile(r"^(.+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")


def load_termbases(
    paths: list[str],
    warn: Warn | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> list[Term]:
    """Load and cross-check every termbase; problems raise one TermbaseError naming each
    (file:line); stripped invisible characters are reported through ``warn``. ``src_lang``/
    ``tgt_lang`` (``--src-lang``/``--tgt-lang``) give the pair of terms whose file states
    none, and leave out terms whose file states another pair."""
    terms: list[Term] = []
    for p in paths:
        terms += load_termbase(p, warn)
    terms = for_pair(terms, src_lang, tgt_lang)
    check_conflicts(terms)
    return terms


def for_pair(terms: list[Term], src_lang: str | None, tgt_lang: str | None) -> list[Term]:
    """The terms of one language pair (see ``load_termbases``)."""
    src, tgt = base_language(src_lang), base_language(tgt_lang)
    out = []
    for t in terms:
        if not t.langs_stated:
            t.src_lang, t.tgt_lang = src or t.src_lang, tgt or t.tgt_lang
            t.langs_stated = bool(tgt)
        elif (src and t.src_lang != src) or (tgt and t.tgt_lang != tgt):
            continue
        out.append(t)
    return out


def load_termbase(path: str, warn: Warn | None = None) -> list[Term]:
    said: set[str] = set()
    sink = warn or _log.warning

    def warn_once(message: str) -> None:  # a TBX surface is in a term of every pair
        if message not in said:
            said.add(message)
            sink(message)

    warn = warn_once
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
    errors: list[TermbaseError] = []
    for t in terms:
        try:
            check_term(t, warn)
        except TermbaseError as err:
            errors.append(err)
    if errors:
        raise TermbaseError.all_of(errors)
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


# Invisible characters a termbase exported from a tool may carry around a term (bidi marks,
# embeddings and isolates, word joiner, BOM, soft hyphen): stripped with a warning.
# Overrides (U+202D, U+202E) are not among them: they make what a reader sees differ from the
# stored order ("\u202eragsahK" shows as "Khashgar"), so they stay refused.
_STRIPPABLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202c\u2060\u2066-\u2069\ufeff]")
# Joiners stay where a script needs them: between two letters or marks (Persian ZWNJ in
# "می‌شود", Indic conjuncts); anywhere else they are stripped like the marks above.
_STRAY_JOINER = re.compile(r"(?<![^\W\d_])[\u200c\u200d]|[\u200c\u200d](?![^\W\d_])")


def _clean_surface(surface: str) -> str:
    out = _STRIPPABLE.sub("", surface)
    prev = None
    while prev != out:  # "a\u200c\u200c" -> strip one at a time until stable
        prev, out = out, _STRAY_JOINER.sub("", out)
    return out


def check_term(t: Term, warn: Warn | None = None) -> None:
    """Strip invisible marks (with a warning), then refuse a term with an empty surface or one
    still holding a control or format character; the error names the file and line."""
    for name in ("sources", "variants", "ambiguous", "minor", "accepted"):
        values = getattr(t, name)
        cleaned = [_clean_surface(v) for v in values]
        _warn_stripped(t, values, cleaned, warn)
        setattr(t, name, cleaned)
    target = _clean_surface(t.target)
    _warn_stripped(t, [t.target], [target], warn)
    t.target = target
    fields = [("target", t.target)]
    fields += [("source", s) for s in t.sources]
    fields += [("variant", v) for v in t.variants]
    fields += [("ambiguous variant ('?')", v) for v in t.ambiguous]
    fields += [("minor variant ('~')", v) for v in t.minor]
    fields += [("accepted rendering", v) for v in t.accepted]
    for what, surface in fields:
        if not surface.strip():
            raise TermbaseError(t.file, t.line, f"empty {what}")
        for ch in surface:
            kind = _FORBIDDEN_CATEGORIES.get(unicodedata.category(ch))
            if kind and ch not in "\u200c\u200d":
                name = unicodedata.name(ch, "")
                raise TermbaseError(
                    t.file,
                    t.line,
                    f"{what} {surface!r} holds {kind}, U+{ord(ch):04X}"
                    + (f" ({name})" if name else ""),
                )


def _warn_stripped(t: Term, before: list[str], after: list[str], warn: Warn | None) -> None:
    for old, new in zip(before, after, strict=True):
        if old != new:
            gone = sorted({f"U+{ord(c):04X}" for c in old if old.count(c) != new.count(c)})
            (warn or _log.warning)(
                f"{t.where}: invisible character(s) {', '.join(gone)} stripped from {new!r}"
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
    errors: list[TermbaseError] = []
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
                errors.append(
                    TermbaseError(
                        path, number, f"expected {len(header)} fields, found {len(cells)}"
                    )
                )
                continue
            try:
                terms.append(_row_term(path, number, dict(zip(header, cells, strict=True))))
            except TermbaseError as err:
                errors.append(err)  # every bad row is reported, not only the first
    except csv.Error as err:
        errors.append(TermbaseError(path, line_no, f"malformed row: {err}"))
    if errors:
        raise TermbaseError.all_of(errors)
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
        accepted=[a.strip() for a in (row.get("accepted") or "").split("|") if a.strip()],
        langs_stated=bool((row.get("tgt_lang") or "").strip()),
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


def _load_tbx(path: str) -> list[Term]:
    """Every language pair an entry holds, in both directions: an entry with en, zh and de
    terms gives en->zh, zh->en, en->de, de->en, zh->de and de->zh terms."""
    tree = _xml_parse(path)
    root = tree.getroot()
    if _local(root.tag) not in ("martif", "tbx"):
        raise TermbaseError(path, root.sourceline, f"not TBX: root element is <{_local(root.tag)}>")
    terms: list[Term] = []
    errors: list[TermbaseError] = []
    entries = 0
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        entries += 1
        try:
            terms += _tbx_entry(path, entry)
        except TermbaseError as err:
            errors.append(err)
    if errors:
        raise TermbaseError.all_of(errors)
    if not entries:
        raise TermbaseError(path, None, "no termEntry or conceptEntry elements")
    return terms


@dataclass
class _LangTerms:
    """The terms of one language in one entry, by status."""

    approved: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    minor: list[str] = field(default_factory=list)


def _tbx_entry(path: str, entry) -> list[Term]:  # type: ignore[no-untyped-def]
    line = entry.sourceline or 0
    notes, domain = [], ""
    langs: dict[str, _LangTerms] = {}
    for lang_el in entry:
        if _local(lang_el.tag) in ("descrip", "note", "descripGrp"):
            text = " ".join(lang_el.itertext()).strip()
            if _local(lang_el.tag) == "descrip" and lang_el.get("type") == "subjectField":
                domain = text
            elif text:
                notes.append(text)
            continue
        if _local(lang_el.tag) not in ("langSet", "langSec"):
            continue
        lang = _lang(lang_el)
        if not lang:
            raise TermbaseError(path, lang_el.sourceline, "<langSet> without xml:lang")
        found = langs.setdefault(lang, _LangTerms())
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
            if status.startswith(("deprecatedTerm", "supersededTerm")):
                if "ambiguous" in usage or "context" in usage:
                    found.ambiguous.append(word)
                elif status.startswith("supersededTerm"):
                    found.minor.append(word)  # outdated but understandable
                else:
                    found.variants.append(word)
            else:
                found.approved.append(word)
    usable = [lang for lang, t in langs.items() if t.approved]
    if len(usable) == 1 and len(langs) == 1:
        # A correction entry in one language: its deprecated forms are wrong renderings of the
        # preferred one, whatever the source said (what `review export-terms` proposes).
        t = langs[usable[0]]
        if t.variants or t.ambiguous or t.minor:
            return [
                Term(
                    target=t.approved[0],
                    accepted=t.approved[1:],
                    sources=[],
                    variants=list(t.variants),
                    ambiguous=list(t.ambiguous),
                    minor=list(t.minor),
                    note="; ".join(notes),
                    domain=domain,
                    tgt_lang=usable[0],
                    file=path,
                    line=line,
                    langs_stated=True,
                )
            ]
    if len(usable) < 2:
        have = ", ".join(sorted(langs)) or "none"
        raise TermbaseError(
            path, line, f"needs preferred or admitted terms in two languages (has: {have})"
        )
    terms = []
    for src in usable:
        for tgt in usable:
            if src == tgt:
                continue
            t = langs[tgt]
            terms.append(
                Term(
                    target=t.approved[0],
                    accepted=t.approved[1:],  # several preferred terms: all are right
                    sources=list(langs[src].approved),
                    variants=list(t.variants),
                    ambiguous=list(t.ambiguous),
                    minor=list(t.minor),
                    note="; ".join(notes),
                    domain=domain,
                    src_lang=src,
                    tgt_lang=tgt,
                    file=path,
                    line=line,
                    langs_stated=True,
                )
            )
    return terms


def check_conflicts(terms: list[Term]) -> None:
    """Duplicate entries and conflicting variants are errors, named by both places (every one
    of them). A source term with several targets in one language pair is allowed: each target
    is an accepted rendering of the others, and the source left untranslated is only flagged."""
    by_source: dict[tuple[str, str, str], list[Term]] = {}
    by_variant: dict[tuple[str, str], Term] = {}
    approved = {(t.tgt_lang, t.target.lower()): t for t in terms}
    seen: dict[tuple[str, str, str, str], Term] = {}
    errors: list[TermbaseError] = []
    for t in terms:
        key = (t.src_lang, t.tgt_lang, t.target, "|".join(sorted(t.sources)))
        if key in seen:
            errors.append(
                TermbaseError(
                    t.file, t.line, f"duplicate entry for {t.target!r} (first at {seen[key].where})"
                )
            )
            continue
        seen[key] = t
        for s in t.sources:
            by_source.setdefault((t.src_lang, t.tgt_lang, s), []).append(t)
        for v in t.variants + t.ambiguous + t.minor:
            other = by_variant.get((t.tgt_lang, v.lower()))
            if other is not None and other.target != t.target:
                errors.append(
                    TermbaseError(
                        t.file,
                        t.line,
                        f"variant {v!r} corrects to {t.target!r} "
                        f"here but to {other.target!r} at {other.where}",
                    )
                )
            by_variant[(t.tgt_lang, v.lower())] = t
            owner = approved.get((t.tgt_lang, v.lower()))
            if owner is not None and owner is not t:
                errors.append(
                    TermbaseError(
                        t.file, t.line, f"variant {v!r} is the approved term of {owner.where}"
                    )
                )
    if errors:
        raise TermbaseError.all_of(errors)
    for group in by_source.values():
        targets = list(dict.fromkeys(t.target for t in group))
        if len(targets) < 2:
            continue
        for t in group:
            t.accepted = list(dict.fromkeys(t.accepted + [x for x in targets if x != t.target]))
            t.several_targets = True


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
