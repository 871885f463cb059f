"""Localisation noise benchmark: mtclean against pofilter on real files we did not write.

    python bench/l10n_noise.py [--data bench/data/l10n] [--dump flags.jsonl]

The corpus is ``bench/data/l10n/files/`` (PO, XLIFF 1.2 and TMX files of public projects, all
under permissive licences), listed with repository, commit, path and licence in
``PROVENANCE.tsv``; ``fetch.sh`` re-creates it from git mirrors. Languages come from the files
(PO ``Language`` header, XLIFF ``source-language``/``target-language``, TMX ``srclang`` and
``xml:lang``); a language option is passed only where PROVENANCE.tsv says the file does not state
it (a PO file whose msgids are not English). For every file, in one run, side by side with
``pofilter`` (translate-toolkit) on the same file:

- the share of units sent to review (mtclean ``needs_review`` or ``dropped``; pofilter: any test
  failed);
- units blanked or changed in ``cleaned/`` without a glossary (must be 0);
- per-check precision on the labelled sample ``labels.jsonl`` (flags judged true/false by a person,
  with a reason), counted over the labelled flags this run still raises;
- placeholder recall: of the units where pofilter's placeholder, URL or newline tests fire and the
  label says the finding is real, the share mtclean flags too;
- the median quality of unflagged units (professional translations), or that none is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from translate.storage import factory

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "l10n"
# pofilter tests that are about placeholders, URLs and newlines
PF_FORMAL = {
    "printf",
    "pythonbraceformat",
    "variables",
    "urls",
    "emails",
    "filepaths",
    "newlines",
    "endwhitespace",
    "startwhitespace",
    "xmltags",
}
OURS_FORMAL = {"placeholder_mismatch", "url_mismatch", "whitespace_mismatch", "tag_mismatch"}


def _corpus(data: Path) -> list[tuple[Path, list[str]]]:
    """(file, extra mtclean options) for every row of PROVENANCE.tsv."""
    out = []
    with open(data / "PROVENANCE.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            opts = row["languages"].split() if row["languages"].startswith("--") else []
            out.append((ROOT / row["local file"], opts))
    return out


def _units(path: Path) -> list[tuple[str, str, str]]:
    """(id, source, target) of the translated, non-header units of a file."""
    store = factory.getobject(str(path))
    out = []
    for u in store.units:
        # XLIFF units without approved="yes" count as fuzzy for translate-toolkit: every unit
        # with a target is a translation here
        if u.isheader() or u.isobsolete() or not str(u.target or "").strip():
            continue  # obsolete (#~) PO entries are not used by the program, nor read by us
        out.append((u.getid(), str(u.source), str(u.target)))
    return out


def _pofilter(path: Path, tgt: str) -> dict[str, list[str]]:
    """Unit id -> names of the pofilter tests it fails."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / ("out" + path.suffix)
        cmd = ["pofilter", f"--language={tgt.replace('-', '_')}", str(path), str(out)]
        subprocess.run(cmd, check=True, capture_output=True)
        found: dict[str, list[str]] = {}
        if out.exists():
            for u in factory.getobject(str(out)).units:
                if u.isheader() or u.isobsolete():
                    continue
                notes = u.getnotes("translator") if path.suffix == ".po" else u.getnotes()
                tests = [
                    n.split(":", 1)[0].replace("(pofilter)", "").strip()
                    for n in notes.splitlines()
                    if "(pofilter)" in n
                ]
                # units without a target are not read as translations by mtclean either
                tests = [t for t in tests if t != "untranslated"]
                if tests:
                    found[u.getid()] = tests
        return found


def _mtclean(path: Path, opts: list[str]) -> tuple[list[dict], dict, Path]:
    tmp = Path(tempfile.mkdtemp())
    out = tmp / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", str(path), "--out", str(out), "-q", "-j", "1"]
    res = subprocess.run(cmd + opts, capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        raise SystemExit(f"mtclean failed on {path}: {res.stderr.strip()}")
    segs = [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    return segs, summary, out / "cleaned" / path.name


def _pair(path: Path, opts: list[str]) -> tuple[str, str]:
    """(source, target) language as the file states them (TMX: ``srclang``, the other ``tuv``)."""
    store = factory.getobject(str(path))
    src = opts[opts.index("--src-lang") + 1] if "--src-lang" in opts else None
    src = src or store.getsourcelanguage() or "en"
    tgt = store.gettargetlanguage() if hasattr(store, "gettargetlanguage") else None
    if not tgt and path.suffix == ".tmx":
        langs = {
            str(n.get("{http://www.w3.org/XML/1998/namespace}lang"))
            for n in store.document.iter("{*}tuv")
        }
        tgt = next(iter(sorted(langs - {src})), "")
    if not tgt and path.suffix == ".po":  # as the reader does: the name says the language
        from pipeline.readers.po import language_from_name

        tgt = language_from_name(str(path))
    return src, tgt or ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--dump", help="write every flag (ours and pofilter's) here, for labelling")
    args = ap.parse_args()
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None  # noqa: SIM115
    data = Path(args.data)
    corpus = _corpus(data)
    missing = [str(f) for f, _ in corpus if not f.exists()]
    if missing:
        print(f"missing corpus files ({missing[0]}...): run {data / 'fetch.sh'}", file=sys.stderr)
        return 2
    labels = {
        (lab["file"], lab["id"], lab["tool"], lab["check"]): lab
        for lab in map(json.loads, (data / "labels.jsonl").read_text("utf-8").splitlines())
    }
    tot: Counter = Counter()
    # (file, source, tool, check) of this run -> its most severe flag ("" for pofilter)
    raised: dict[tuple[str, str, str, str], str] = {}
    ours_by_unit: dict[tuple[str, str], set[str]] = defaultdict(set)
    pairs: Counter = Counter()
    quality: list[float] = []
    quality_none = 0
    skipped: Counter = Counter()
    print(f"{'file':38} {'pair':6} {'units':>5} {'mt review':>9} {'pf fail':>7} {'changed':>7}")
    for f, opts in corpus:
        segs, summary, cleaned = _mtclean(f, opts)
        tot["no_lang_option"] += not opts
        for check, st in summary.get("stage_stats", {}).items():
            if isinstance(st, dict) and st.get("skipped_pair"):
                skipped[check] += st["skipped_pair"]
        units = _units(f)
        src_of = {uid: src for uid, src, _ in units}
        src, tgt = _pair(f, opts)
        # pofilter writes its findings as notes; a TMX unit has no place for them
        pf = _pofilter(f, tgt) if f.suffix != ".tmx" else {}
        pair = f"{re.split('[-_]', src)[0]}-{re.split('[-_]', tgt)[0]}".lower()
        reviewed = sum(1 for s in segs if s["decision"] in ("needs_review", "dropped"))
        for s in segs:
            ours_by_unit[(f.name, s["source"])] |= {fl["check"] for fl in s["flags"]}
            for fl in s["flags"]:
                key = (f.name, s["source"], "mtclean", fl["check"])
                if raised.get(key) != "major" and raised.get(key) != "critical":
                    raised[key] = fl["severity"]
                if fl["severity"] == "critical":
                    raised[key] = "critical"
            if not s["flags"] and s["decision"] == "kept":
                if s.get("quality") is None:
                    quality_none += 1
                else:
                    quality.append(s["quality"])
            if dump:
                for fl in s["flags"]:
                    rec = {"file": f.name, "id": s["source"], "tool": "mtclean"}
                    rec |= {"check": fl["check"], "severity": fl["severity"]}
                    rec |= {"target": s["target"], "why": fl["evidence"]["reason"]}
                    dump.write(json.dumps(rec, ensure_ascii=False) + "\n")
        for uid, tests in pf.items():
            for t in tests:
                raised[(f.name, src_of.get(uid, ""), "pofilter", t)] = ""
                if dump:
                    rec = {"file": f.name, "id": src_of.get(uid, ""), "tool": "pofilter"}
                    rec |= {"check": t, "target": dict((u, tg) for u, _, tg in units).get(uid)}
                    dump.write(json.dumps(rec, ensure_ascii=False) + "\n")
        # blanked or changed: every input target must be in the cleaned file unchanged
        after = {uid: t for uid, _, t in _units(cleaned)}
        changed = sum(1 for uid, _, t in units if after.get(uid) != t)
        pairs[pair] += 1
        tot.update(files=1, units=len(units), segs=len(segs), review=reviewed, pf=len(pf))
        tot.update(changed=changed)
        print(f"{f.name:38} {pair:6} {len(units):5} {reviewed:9} {len(pf):7} {changed:7}")
    print(
        f"{'ALL':38} {'':6} {tot['units']:5} {tot['review']:9} {tot['pf']:7} {tot['changed']:7}\n"
        f"files: {tot['files']} (target >= 20) in pairs {dict(sorted(pairs.items()))}; "
        f"read without a language option: {tot['no_lang_option']}\n"
        f"share sent to review: mtclean {tot['review'] / max(1, tot['segs']):.1%} "
        f"(target <= 5%), pofilter {tot['pf'] / max(1, tot['units']):.1%}\n"
        f"units blanked or changed without a glossary: {tot['changed']} (target 0)"
    )
    if quality:
        print(
            f"median quality of unflagged professional translations: "
            f"{statistics.median(quality):.2f} over {len(quality)} units (target >= 0.5 or none)"
        )
    else:
        print(
            "median quality of unflagged professional translations: none given "
            f"({quality_none} units with quality null)"
        )
    print(f"rows skipped as pair not supported, per check: {dict(skipped)}")
    _precision(labels, raised)
    _recall(labels, ours_by_unit, raised)
    return 0


def _precision(labels: dict, raised: dict) -> None:
    """Per-check precision over the labelled flags this run raises, and overall: the labelled
    sample is stratified by check (every flag of a rare check, a random share of a frequent
    one), so the overall figure weights each check's precision by the flags it raised."""
    per: dict[tuple[str, str], Counter] = defaultdict(Counter)
    stale = 0
    for key, lab in labels.items():
        if key not in raised:
            stale += 1
            continue
        per[(lab["tool"], lab["check"])][lab["label"]] += 1
    n_labels = sum(sum(c.values()) for c in per.values())
    print(
        f"\nlabelled flags raised by this run: {n_labels} (target >= 200); "
        f"labels of flags no longer raised: {stale}"
    )
    n_raised = Counter((tool, check) for _, _, tool, check in raised)
    for tool in ("mtclean", "pofilter"):
        allc: Counter = Counter()
        weighted = weight = 0.0
        for (t, check), c in sorted(per.items()):
            if t != tool:
                continue
            allc.update(c)
            n = c[True] + c[False]
            weighted += n_raised[(t, check)] * c[True] / n
            weight += n_raised[(t, check)]
            print(
                f"  {tool:8} {check:26} {c[True]:3}/{n:<3} precision {c[True] / n:.2f}"
                f"   (labelled {n} of {n_raised[(t, check)]} raised)"
            )
        n = allc[True] + allc[False]
        target = " (target >= 0.7)" if tool == "mtclean" else ""
        print(
            f"  {tool:8} {'ALL labelled':26} {allc[True]:3}/{n:<3} precision "
            f"{allc[True] / max(1, n):.2f}; weighted by flags raised in the labelled checks: "
            f"{weighted / max(1.0, weight):.2f}{target}"
        )
    severe: Counter = Counter(
        lab["label"] for key, lab in labels.items() if raised.get(key) in ("major", "critical")
    )
    n = severe[True] + severe[False]
    print(
        f"  mtclean  major/critical flags (they send a unit to review): {severe[True]}/{n} "
        f"precision {severe[True] / max(1, n):.2f}"
    )
    unlabelled = {k: v for k, v in n_raised.items() if k[0] == "mtclean" and k not in per}
    if unlabelled:
        print(f"  mtclean checks with no label: {dict(unlabelled)}")


def _recall(labels: dict, ours_by_unit: dict, raised: dict) -> None:
    """Of pofilter's formal findings in this run judged real, the share mtclean flags with a
    formal check."""
    real_pf = {
        (lab["file"], lab["id"])
        for key, lab in labels.items()
        if lab["tool"] == "pofilter"
        and lab["label"]
        and lab["check"] in PF_FORMAL
        and key in raised
    }
    hit = sum(1 for k in real_pf if ours_by_unit.get(k, set()) & OURS_FORMAL)
    print(
        f"\nplaceholder/URL/newline findings of pofilter judged real: {len(real_pf)}; "
        f"mtclean flags {hit} of them (recall {hit / max(1, len(real_pf)):.2f}, target 1.00)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
