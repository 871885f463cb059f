"""Re-translation speed: transformers fp32 against CTranslate2 int8, side by side in one run.

A random-weight Marian model with OPUS-MT zh-en's dimensions (d_model 512, 6 encoder and 6
decoder layers, 8 heads, FFN 2048, a 65,001-entry vocabulary) translates the same Chinese
sentences with both backends through mtclean's own ``Translator.translate``: beam 4, every
output forced to the same length (equal minimum and maximum new tokens, since random weights
decode to arbitrary lengths), all cores. Each backend runs in its own process so its peak RSS
is its own. The weights are random: this measures speed, never quality.

    python bench/retranslate_speed.py [--sentences 500] [--new-tokens 10]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def measure(backend: str, model: str, sentences: int, new_tokens: int, batch_tokens: int) -> None:
    """Child process: translate and print one JSON line of figures."""
    from pipeline.mt.load import load_translator

    threads = os.cpu_count() or 1
    if backend == "transformers":
        import torch

        torch.set_num_threads(threads)
    tr = load_translator(model, threads=threads)  # CTranslate2 copies load int8 by default
    src = chinese_sentences(sentences)
    tr.translate(src[:4], beam_size=4, min_new_tokens=4, max_new_tokens=4)  # warm-up
    t0 = time.perf_counter()
    out = tr.translate(
        src,
        beam_size=4,
        batch_tokens=batch_tokens,
        min_new_tokens=new_tokens,
        max_new_tokens=new_tokens,
    )
    secs = time.perf_counter() - t0
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": secs, "outputs": len(out), "rss_mib": rss_mib}))


def child(backend: str, model: Path, args: argparse.Namespace) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", backend, str(model)]
    cmd += ["--sentences", str(args.sentences), "--new-tokens", str(args.new_tokens)]
    cmd += ["--batch-tokens", str(args.batch_tokens)]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit(f"{backend} run failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=500)
    ap.add_argument("--new-tokens", type=int, default=10, help="output length, forced")
    ap.add_argument("--batch-tokens", type=int, default=1024)
    ap.add_argument("--child", nargs=2, metavar=("BACKEND", "MODEL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        measure(args.child[0], args.child[1], args.sentences, args.new_tokens, args.batch_tokens)
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
            f"(min = max), batches of {args.batch_tokens} source tokens"
        )
        speed = {}
        for name, model in (("transformers fp32", hf_dir), ("ctranslate2 int8", ct2_dir)):
            r = child(name.split()[0], model, args)
            tokens = args.sentences * args.new_tokens
            speed[name] = tokens / r["seconds"]
            print(
                f"{name:<18} {r['seconds']:7.1f}s  {speed[name]:8.1f} tokens/s  "
                f"peak RSS {r['rss_mib']:.0f} MiB"
            )
    ratio = speed["ctranslate2 int8"] / speed["transformers fp32"]
    print(f"ctranslate2/transformers speed ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
