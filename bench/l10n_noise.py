"""Localisation noise benchmark: mtclean against pofilter on real PO files we did not write.

    python bench/l10n_noise.py [--data bench/data/l10n]

The corpus is listed in ``bench/data/l10n/PROVENANCE.tsv`` (repository, commit, path, licence);
``bench/data/l10n/fetch.sh`` downloads it into ``bench/data/l10n/cache/`` (ignored by git).
For every file, in one run, this prints side by side with ``pofilter`` (translate-toolkit):

- the share of units sent to review (mtclean ``needs_review`` or ``dropped``; pofilter: any test
  failed);
- units blanked or changed in ``cleaned/`` without a glossary (must be 0);
- per-check precision on the labelled sample ``bench/data/l10n/labels.jsonl`` (flags judged
  true/false by a person, with a reason);
- placeholder recall: of the units where pofilter's placeholder, URL or newline tests fire and the
  label says the finding is real, the share mtclean flags too.

Languages are passed as ``--src-lang en --tgt-lang <from the file name>`` until the readers take
them from the PO header.
"""

from __future__ import annotations

import argparse
import json
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


def _lang(path: Path) -> str:
    return path.stem.split(".")[-1].replace("_", "-")


def _units(path: Path) -> list[tuple[str, str, str]]:
    """(id, source, target) of the translated, non-header units of a PO file."""
    store = factory.getobject(str(path))
    out = []
    for u in store.units:
        if u.isheader() or not u.istranslated():
            continue
        out.append((u.getid(), str(u.source), str(u.target)))
    return out


def _pofilter(path: Path, lang: str) -> dict[str, list[str]]:
    """Unit id -> names of the pofilter tests it fails."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.po"
        subprocess.run(
            ["pofilter", "--nofuzzy", f"--language={lang.replace('-', '_')}", str(path), str(out)],
            check=True,
            capture_output=True,
        )
        found: dict[str, list[str]] = {}
        if out.exists():
            for u in factory.getobject(str(out)).units:
                if u.isheader():
                    continue
                tests = [
                    n.split(":", 1)[0].replace("(pofilter)", "").strip()
                    for n in u.getnotes("translator").splitlines()
                    if "(pofilter)" in n
                ]
                if tests:
                    found[u.getid()] = tests
        return found


def _mtclean(path: Path, lang: str) -> tuple[list[dict], str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "pipeline", "run", str(path), "--out", str(out), "-q"]
        cmd += ["-j", "1", "--src-lang", "en", "--tgt-lang", lang]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if res.returncode:
            raise SystemExit(f"mtclean failed on {path}: {res.stderr.strip()}")
        segs = [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]
        return segs, (out / "cleaned" / path.name).read_text("utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--dump", help="write every flag (ours and pofilter's) here, for labelling")
    args = ap.parse_args()
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None  # noqa: SIM115
    data = Path(args.data)
    files = sorted((data / "cache").glob("*.po"))
    if not files:
        print(f"no corpus in {data / 'cache'}: run {data / 'fetch.sh'}", file=sys.stderr)
        return 2
    labels = [json.loads(x) for x in (data / "labels.jsonl").read_text("utf-8").splitlines()]
    tot = Counter()
    ours_by_unit: dict[tuple[str, str], set[str]] = {}
    pf_by_unit: dict[tuple[str, str], list[str]] = {}
    print(f"{'file':40} {'units':>5} {'mt review':>9} {'pf fail':>7} {'changed':>7}")
    for f in files:
        lang = _lang(f)
        units = _units(f)
        segs, cleaned_text = _mtclean(f, lang)
        pf = _pofilter(f, lang)
        reviewed = sum(1 for s in segs if s["decision"] in ("needs_review", "dropped"))
        by_src = defaultdict(set)
        for s in segs:
            by_src[s["source"]].update(fl["check"] for fl in s["flags"])
        for uid, src, _ in units:
            ours_by_unit[(f.name, uid)] = by_src.get(src, set())
        if dump:
            tgt_of = {uid: (src, tgt) for uid, src, tgt in units}
            for s in segs:
                for fl in s["flags"]:
                    rec = {"file": f.name, "id": s["record"].split("\x00")[0], "tool": "mtclean"}
                    rec |= {"check": fl["check"], "severity": fl["severity"]}
                    rec |= {"source": s["source"], "target": s["target"]}
                    dump.write(
                        json.dumps(rec | {"why": fl["evidence"]["reason"]}, ensure_ascii=False)
                        + "\n"
                    )
            for uid, tests in pf.items():
                src, tgt = tgt_of.get(uid, ("", ""))
                for t in tests:
                    rec = {"file": f.name, "id": uid, "tool": "pofilter", "check": t}
                    dump.write(
                        json.dumps(rec | {"source": src, "target": tgt}, ensure_ascii=False) + "\n"
                    )
        for uid, tests in pf.items():
            pf_by_unit[(f.name, uid)] = tests
        # blanked or changed: every input msgstr must be in the cleaned file unchanged
        tmp = Path(tempfile.mkdtemp()) / f.name
        tmp.write_text(cleaned_text, "utf-8")
        after = {uid: tgt for uid, _, tgt in _units(tmp)}
        changed = sum(1 for uid, _, tgt in units if after.get(uid) != tgt)
        tot.update(units=len(units), segs=len(segs), review=reviewed, pf=len(pf), changed=changed)
        print(f"{f.name:40} {len(units):5} {reviewed:9} {len(pf):7} {changed:7}")
    print(
        f"{'ALL':40} {tot['units']:5} {tot['review']:9} {tot['pf']:7} {tot['changed']:7}\n"
        f"share sent to review: mtclean {tot['review'] / max(1, tot['segs']):.1%} "
        f"(target <= 5%), pofilter {tot['pf'] / max(1, tot['units']):.1%}\n"
        f"units blanked or changed without a glossary: {tot['changed']} (target 0)"
    )
    # precision per check on the labelled sample
    per: dict[str, Counter] = defaultdict(Counter)
    for lab in labels:
        per[lab["check"]][lab["label"]] += 1
    print(f"\nlabelled flags: {len(labels)} (target >= 200)")
    allc = Counter()
    for check, c in sorted(per.items()):
        allc.update(c)
        n = c[True] + c[False]
        print(f"  {check:28} {c[True]:3}/{n:<3} precision {c[True] / n:.2f}")
    n = allc[True] + allc[False]
    print(f"  {'ALL mtclean':28} {allc[True]:3}/{n:<3} precision {allc[True] / max(1, n):.2f}")
    # recall of the real formal findings (pofilter's, judged true in the labels) by our checks
    real_pf = {
        (lab["file"], lab["id"])
        for lab in labels
        if lab["tool"] == "pofilter" and lab["label"] and lab["check"] in PF_FORMAL
    }
    hit = sum(1 for k in real_pf if ours_by_unit.get(k, set()) & OURS_FORMAL)
    print(
        f"\nplaceholder/URL/newline findings of pofilter judged real: {len(real_pf)}; "
        f"mtclean flags {hit} of them (recall {hit / max(1, len(real_pf)):.2f}, target 1.00)"
    )
    pf_formal = Counter(t for ts in pf_by_unit.values() for t in ts if t in PF_FORMAL)
    print(f"pofilter formal findings by test: {dict(pf_formal)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
