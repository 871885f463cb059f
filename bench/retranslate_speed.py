"""Re-translation speed: transformers fp32 against CTranslate2 int8, side by side in one run.

A random-weight Marian model with OPUS-MT zh-en's dimensions (d_model 512, 6 encoder and 6
decoder layers, 8 heads, FFN 2048, a 65,001-entry vocabulary) translates the same Chinese
sentences with both backends through mtclean's own ``Translator.translate``: beam 4, every
output forced to the same length (equal minimum and maximum new tokens, since random weights
decode to arbitrary lengths). Each backend runs in its own process so its peak RSS and CPU time
are its own. The weights are random: this measures speed, never quality.

Measured fairly (issue 20): both backends with the same thread count (``--threads``, default 1,
the transformers backend's policy) and passive OpenMP waiting, run interleaved ``--reps`` (3)
times; each figure is the median, in tokens per CPU-second of the child process (user + system,
from ``getrusage``) and per wall second.

    python bench/retranslate_speed.py [--sentences 500] [--new-tokens 10] [--threads 1] [--reps 3]

Target: CTranslate2 int8 >= 4x transformers fp32 per CPU-second.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.mt.tiny import corpus_lines  # noqa: E402

OPUS_MT_DIMS = {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048, "vocab_size": 65001}


def chinese_sentences(n: int) -> list[str]:
    """``n`` distinct sentences: pairs of the shipped Chinese lines, joined."""
    zh = [ln for ln in corpus_lines() if not ln.isascii()]
    out = []
    for i in range(n):
        a, b = zh[i % len(zh)], zh[(i * 7 + 3 + i // len(zh)) % len(zh)]
        out.append(a if i < len(zh) else a + b)
    return out


def measure(
    backend: str, model: str, sentences: int, new_tokens: int, batch_tokens: int, threads: int
) -> None:
    """Child process: translate and print one JSON line of figures."""
    from pipeline.mt.load import load_translator

    tr = load_translator(model, threads=threads)  # CTranslate2 copies load int8 by default
    src = chinese_sentences(sentences)
    tr.translate(src[:4], beam_size=4, min_new_tokens=4, max_new_tokens=4)  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    out = tr.translate(
        src,
        beam_size=4,
        batch_tokens=batch_tokens,
        min_new_tokens=new_tokens,
        max_new_tokens=new_tokens,
    )
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": secs, "cpu": cpu, "outputs": len(out), "rss_mib": rss_mib}))


def child(backend: str, model: Path, args: argparse.Namespace) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", backend, str(model)]
    cmd += ["--sentences", str(args.sentences), "--new-tokens", str(args.new_tokens)]
    cmd += ["--batch-tokens", str(args.batch_tokens), "--threads", str(args.threads)]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    r = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if r.returncode != 0:
        sys.exit(f"{backend} run failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=500)
    ap.add_argument("--new-tokens", type=int, default=10, help="output length, forced")
    ap.add_argument("--batch-tokens", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=1, help="intra-op threads, both backends")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--child", nargs=2, metavar=("BACKEND", "MODEL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        measure(
            args.child[0],
            args.child[1],
            args.sentences,
            args.new_tokens,
            args.batch_tokens,
            args.threads,
        )
        return

    from pipeline.mt.convert import convert
    from pipeline.mt.tiny import build_tiny

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        hf_dir = build_tiny(Path(tmp) / "opus-dims", **OPUS_MT_DIMS)
        ct2_dir = convert(hf_dir, Path(tmp) / "opus-dims-ct2", "int8")
        print(
            f"random-weight Marian, OPUS-MT zh-en dimensions {OPUS_MT_DIMS}; built and "
            f"converted in {time.perf_counter() - t0:.1f}s; {os.cpu_count()} cores"
        )
        print(
            f"{args.sentences} sentences, beam 4, {args.new_tokens} new tokens each "
            f"(min = max), batches of {args.batch_tokens} source tokens, {args.threads} "
            f"thread(s) each, OMP_WAIT_POLICY=PASSIVE, median of {args.reps} interleaved runs"
        )
        tokens = args.sentences * args.new_tokens
        names = (("transformers fp32", hf_dir), ("ctranslate2 int8", ct2_dir))
        runs: dict[str, list[dict[str, float]]] = {n: [] for n, _ in names}
        for _ in range(args.reps):
            for name, model in names:
                runs[name].append(child(name.split()[0], model, args))
        per_cpu = {}
        for name, _ in names:
            rs = runs[name]
            per_cpu[name] = statistics.median(tokens / r["cpu"] for r in rs)
            wall = statistics.median(tokens / r["seconds"] for r in rs)
            print(
                f"{name:<18} {per_cpu[name]:8.1f} tokens per CPU-second  {wall:8.1f} tokens/s "
                f"wall  peak RSS {max(r['rss_mib'] for r in rs):.0f} MiB"
            )
    ratio = per_cpu["ctranslate2 int8"] / per_cpu["transformers fp32"]
    verdict = "met" if ratio >= 4 else "NOT met"
    print(f"ctranslate2/transformers per CPU-second: {ratio:.2f}x (target >= 4x: {verdict})")


if __name__ == "__main__":
    main()
