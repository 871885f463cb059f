"""Start-up cost of mtclean commands, per CPU-second, against importing everything a run imports.

Each command runs as its own ``python -m pipeline`` process; its cost is the user+sys CPU time of
that process (``getrusage(RUSAGE_CHILDREN)``) and its wall time. The reference line imports the
command line and every stage (``pipeline.cli``, ``pipeline.registry``, ``pipeline.runner``):
what every command paid before start-up was lazy. Each figure is the median of ``--reps``
interleaved repetitions; the ratios compare figures measured side by side in this run.
``--compare TREE`` runs the same commands from another checkout (``git archive REV pipeline |
tar -x -C TREE``) interleaved with this one.

    python bench/startup.py [--reps 3] [--compare /tmp/old-tree]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

EAGER = "import pipeline.cli, pipeline.registry, pipeline.runner"


def commands(tmp: Path) -> dict[str, list[str]]:
    """Name -> arguments after ``python``; files they read are written under ``tmp``."""
    (tmp / "tiny.en.txt").write_text("A first line.\nSecond line here.\n", encoding="utf-8")
    (tmp / "terms.tsv").write_text("source\ttarget\n数据\tdata\n", encoding="utf-8")
    cli = ["-m", "pipeline"]
    return {
        "import all (reference)": ["-c", EAGER],
        "mtclean --help": [*cli, "--help"],
        "mtclean checks": [*cli, "checks"],
        "mtclean glossary stats": [*cli, "glossary", "stats", str(tmp / "terms.tsv")],
        "mtclean config": [*cli, "config"],
        "mtclean run (2 lines, -j1)": [
            *cli,
            "run",
            str(tmp / "tiny.en.txt"),
            "--out",
            str(tmp / "out"),
            "-j1",
            "-q",
            "--overwrite",
        ],
    }


def measure(args: list[str], tree: Path, cwd: Path) -> tuple[float, float]:
    """(CPU seconds user+sys, wall seconds) of ``python ARGS`` with ``tree`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, *args], env=env, cwd=cwd, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.decode()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="interleaved repetitions (median)")
    ap.add_argument("--compare", metavar="TREE", help="another checkout to run side by side")
    args = ap.parse_args()
    trees = {"this": ROOT}
    if args.compare:
        trees["compare"] = Path(args.compare).resolve()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cmds = commands(tmp)
        runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.reps):
            for name, cmd in cmds.items():
                for label, tree in trees.items():
                    runs.setdefault((name, label), []).append(measure(cmd, tree, tmp))
    cpu = {k: statistics.median(c for c, _ in v) for k, v in runs.items()}
    wall = {k: statistics.median(w for _, w in v) for k, v in runs.items()}
    ref = cpu[("import all (reference)", "this")]
    print(f"median of {args.reps} interleaved repetitions; CPU = user+sys of the process")
    head = f"{'command':<28} {'CPU s':>6} {'wall s':>7} {'CPU/ref':>8}"
    if args.compare:
        head += f" {'compare CPU s':>14} {'this/compare':>13}"
    print(head)
    for name in cmds:
        line = f"{name:<28} {cpu[(name, 'this')]:>6.2f} {wall[(name, 'this')]:>7.2f}"
        line += f" {cpu[(name, 'this')] / ref:>8.2f}"
        if args.compare:
            old = cpu[(name, "compare")]
            line += f" {old:>14.2f} {cpu[(name, 'this')] / old:>13.2f}"
        print(line)


if __name__ == "__main__":
    main()
