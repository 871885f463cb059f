"""Detection quality: precision/recall/F1 per check and overall, against labelled data.

    python bench/detect_quality.py [--data FILE.jsonl] [--score-field NAME] [--glossary F]

FILE.jsonl records carry ``gold_garbled`` (bool) and optionally ``gold_checks`` (the checks
that should fire) and a numeric human score named by ``--score-field``; with it the bench
prints Kendall's tau between -garble_score and the human score. It also scores the user's
archive (../shared/samples/kashgar-aid-news.en.txt) at paragraph level against
tests/data/kashgar-labels.json when that archive is present.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Config, load_config  # noqa: E402
from pipeline.evaluate import by_record, kendall_tau_b, prf  # noqa: E402
from pipeline.runner import RunOptions, run  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "samples" / "kashgar-aid-news.en.txt"
LABELS = ROOT / "tests" / "data" / "kashgar-labels.json"
SHIPPED_GLOSSARY = ROOT / "glossary" / "xinjiang-aid.tsv"


def detect(paths: list[str], cfg: Config) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        run(paths, tmp, cfg, RunOptions(rewrite=False))
        text = (Path(tmp) / "segments.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def make_config(args: argparse.Namespace) -> Config:
    cfg = load_config(args.config)
    termbases = [] if args.no_glossary else (args.glossary or [str(SHIPPED_GLOSSARY)])
    cfg.stage_options.setdefault("glossary", {})["termbases"] = termbases
    return cfg


def labelled(args: argparse.Namespace) -> dict[str, float]:
    rows = [json.loads(x) for x in Path(args.data).read_text(encoding="utf-8").splitlines()]
    gold = {r["id"]: r for r in rows}
    pred = {rid: v for (_, rid), v in by_record(detect([args.data], make_config(args))).items()}
    print(
        f"== labelled data: {args.data} ({len(rows)} records, "
        f"{sum(r['gold_garbled'] for r in rows)} garbled)"
    )
    checks = sorted(
        {c for r in rows for c in r.get("gold_checks", [])}
        | {c for p in pred.values() for c in p["checks"]}
    )
    for check in checks:
        print(
            prf(
                (check in pred[i]["checks"], check in gold[i].get("gold_checks", [])) for i in gold
            ).line(check)
        )
    overall = prf((pred[i]["garbled"], gold[i]["gold_garbled"]) for i in gold)
    print(overall.line("OVERALL"))
    for i in gold:
        if pred[i]["garbled"] != gold[i]["gold_garbled"]:
            print(f"  miss: {i} gold={gold[i]['gold_garbled']} checks={sorted(pred[i]['checks'])}")
    result = {"labelled_precision": overall.precision, "labelled_recall": overall.recall}
    if args.score_field:
        ids = [i for i in gold if isinstance(gold[i].get(args.score_field), int | float)]
        tau = kendall_tau_b(
            [-pred[i]["score"] for i in ids], [float(gold[i][args.score_field]) for i in ids]
        )
        print(f"kendall_tau(-garble_score, {args.score_field}) = {tau:.3f} over {len(ids)} records")
        result["kendall_tau"] = tau
    return result


def sample(args: argparse.Namespace) -> dict[str, float]:
    if not SAMPLE.exists():
        print(f"== user archive: {SAMPLE} not present; skipped")
        return {}
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["paragraphs"]
    pred = {rid: v for (_, rid), v in by_record(detect([str(SAMPLE)], make_config(args))).items()}
    res = prf((pred[k]["garbled"], v["garbled"]) for k, v in labels.items())
    print(
        f"== user archive, paragraph level: {SAMPLE.name} ({len(labels)} paragraphs, "
        f"{sum(v['garbled'] for v in labels.values())} garbled by our labels)"
    )
    print(res.line("PARAGRAPHS"))
    for k, v in labels.items():
        if pred[k]["garbled"] != v["garbled"]:
            print(
                f"  miss: {k} gold={v['garbled']} ({v['why']}) checks={sorted(pred[k]['checks'])}"
            )
    return {"sample_precision": res.precision, "sample_recall": res.recall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "tests" / "data" / "detect_labelled.jsonl"))
    ap.add_argument("--score-field", default="human_score")
    ap.add_argument("--config", default=None)
    ap.add_argument(
        "--glossary",
        action="append",
        default=[],
        help="termbase for the glossary_known check (repeatable; default: the shipped "
        "glossary/xinjiang-aid.tsv, as make run uses)",
    )
    ap.add_argument("--no-glossary", action="store_true", help="run without any termbase")

    args = ap.parse_args()
    labelled(args)
    sample(args)


if __name__ == "__main__":
    main()
