"""The review page in a real headless Chromium (Debian's /usr/bin/chromium, driven by
playwright): escaping, filters, kept hits, keyboard, editing, export then ``review apply``,
CJK glyphs, and a 100,000-segment run."""

from __future__ import annotations

import io
import json
import shutil
import time
from pathlib import Path

import pytest

from pipeline.review.page import key_of, write_review
from tests.conftest import ROOT, mtclean, read_jsonl
from tests.review.helpers import review
from tests.review.synth import synth_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARCHIVE = (
    "At every stall in the old town visitors ask for bad fish.\n\n"
    "The campus covers 268 acres. Officials from Kazakhstan came.\n\n"
    'Evil <script>window.pwned = 1</script> and <img src=x onerror="window.pwned=2"> bad fish.\n\n'
    "Release time:Mar 3, 2023 09:15 AM\n\n"
    "Officials from Kashgar (喀什) visited the market selling 鲊 and Kashgar bread.\n\n"
    "A plain sentence that needs nothing.\n"
)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    # A run folder whose name would have pasted the data into the old page's title.
    base = tmp_path_factory.mktemp("page")
    src = base / "news.txt"
    src.write_text(ARCHIVE, encoding="utf-8")
    out = base / "__DATA__<b>run&amp;"
    glossary = str(ROOT / "glossary" / "xinjiang-aid.tsv")
    proc = mtclean("run", str(src), "--out", str(out), "-q", "--glossary", glossary)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture
def run_dir(finished_run, tmp_path):
    copy = tmp_path / finished_run.name
    shutil.copytree(finished_run, copy)
    code, out, err = review(str(copy))
    assert code == 0 and "need a decision" in out, err
    return copy


def open_page(browser, run_dir):
    page = browser.new_page(accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((run_dir / "review.html").as_uri())
    page.wait_for_function("window.MTCLEAN_READY === true")
    return page, errors


def seg_key(run_dir: Path, prefix: str) -> str:
    s = next(s for s in read_jsonl(run_dir / "segments.jsonl") if s["target"].startswith(prefix))
    return key_of(s["file"], s["record"], s["index"])


def test_title_is_escaped_and_archive_text_stays_text(browser, run_dir):
    html = (run_dir / "review.html").read_text(encoding="utf-8")
    assert "<title>mtclean review: __DATA__&lt;b&gt;run&amp;amp;</title>" in html
    assert "At every stall" not in html  # the data is in the sidecar, not pasted anywhere
    assert "<script>window.pwned" not in html and "http://" not in html
    page, errors = open_page(browser, run_dir)
    assert errors == []
    assert page.title() == "mtclean review: __DATA__<b>run&amp;"
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned = 1</script>" in page.inner_text("#items")
    assert page.locator("#items img").count() == 0
    page.close()


def test_summary_first_then_worst_first_and_kept_hits_are_information(browser, run_dir):
    page, errors = open_page(browser, run_dir)
    assert errors == []
    assert "need a decision" in page.inner_text("#summary")
    assert page.locator("#charts .chart").count() == 3
    shown = page.locator(".item .meta span:nth-child(3)").all_inner_texts()
    kinds = {t.split()[0] for t in shown}
    scores = [float(t.split()[-1]) for t in shown]
    assert kinds == {"quality"}  # runs carry a quality score; worst (lowest) first
    assert scores == sorted(scores) and len(scores) >= 3
    # The Kashgar segment's hit is ``kept`` (already right): shown, but without buttons.
    kept = page.locator("li.info[data-hit]")
    assert kept.count() >= 1 and kept.locator("button").count() == 0
    assert "kept (already right)" in kept.first.inner_text()
    page.close()


def test_flags_are_deduplicated(browser, tmp_path):
    run = synth_run(tmp_path / "synth", 40)
    write_review(str(run))
    page, _ = open_page(browser, run)
    for card in page.locator(".item").all():
        flags = card.locator("[data-role=flag]").all_inner_texts()
        assert len(flags) == len(set(flags)) <= 1
    page.close()


def test_filters(browser, run_dir):
    page, _ = open_page(browser, run_dir)
    page.select_option("#f-check", "byline")
    assert page.locator(".item").count() == 1
    assert "Release time" in page.locator(".item").inner_text()
    page.select_option("#f-check", "")
    page.select_option("#f-term", "zao fish")
    assert page.locator(".item").count() == 2
    page.select_option("#f-term", "")
    page.select_option("#f-view", "all")
    assert page.locator(".item").count() == len(read_jsonl(run_dir / "segments.jsonl"))
    page.close()


def test_keyboard_edit_export_and_apply(browser, run_dir, tmp_path):
    page, errors = open_page(browser, run_dir)
    assert "j" in page.inner_text("#keys") and "edit" in page.inner_text("#keys")
    assert page.locator(".item.current").count() == 1
    first = page.locator(".item.current").get_attribute("data-key")
    page.keyboard.press("j")
    second = page.locator(".item.current").get_attribute("data-key")
    assert second != first
    page.keyboard.press("a")
    page.keyboard.press("k")
    page.keyboard.press("r")
    rejected = page.locator(".item.current").get_attribute("data-key")
    assert rejected == first
    # Edit the plain sentence, reached through the "all segments" view.
    page.select_option("#f-view", "all")
    plain = seg_key(run_dir, "A plain")
    page.locator(f".item[data-key='{plain}']").click()
    page.locator("body").press("e")
    box = page.locator(f".item[data-key='{plain}'] .edit-box")
    box.fill("A plain sentence that an editor rewrote.")
    box.press("Control+Enter")
    assert (
        "an editor rewrote"
        in page.locator(f".item[data-key='{plain}'] [data-role=edit]").inner_text()
    )
    with page.expect_download() as dl:
        page.click("#export")
    exported = json.loads(page.input_value("#export-json"))
    assert exported["segments"] == {second: "accept", rejected: "reject"}
    assert exported["edits"] == {plain: "A plain sentence that an editor rewrote."}
    assert (
        exported["fingerprint"] == json.loads((run_dir / "summary.json").read_text())["fingerprint"]
    )
    saved = tmp_path / "decisions.json"
    dl.value.save_as(saved)
    assert errors == []
    page.close()

    code, out, err = review("apply", str(run_dir), str(saved))
    assert code == 0, err
    cleaned = (run_dir / "cleaned" / "news.txt").read_text(encoding="utf-8")
    assert "A plain sentence that an editor rewrote.\n" in cleaned
    assert "checks pass" in out


def _ink(png: bytes) -> tuple[int, int]:
    """(ink width in pixels, number of dark pixels) of a black-on-white screenshot."""
    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("L")
    w, h = im.size
    px = im.load()
    cols = [x for x in range(w) if any(px[x, y] < 128 for y in range(h))]
    dark = sum(1 for x in range(w) for y in range(h) if px[x, y] < 128)
    return (cols[-1] - cols[0] + 1 if cols else 0), dark


def test_cjk_renders_as_glyphs_not_boxes(browser, run_dir):
    """With fonts-noto-cjk installed, 鲊 and 喀什 are drawn as glyphs a full em wide; a code
    point no font has (U+10FFFD) is drawn as the narrower missing-glyph box."""
    page, _ = open_page(browser, run_dir)
    assert "Noto Sans CJK SC" in page.evaluate("getComputedStyle(document.body).fontFamily")
    page.evaluate(
        """() => {
          for (const [id, t] of [["zha", "鲊"], ["kashgar", "喀什"], ["box", "\\u{10FFFD}"],
                                 ["boxes", "\\u{10FFFD}\\u{10FFFD}"]]) {
            const s = document.createElement("span");
            s.id = "g-" + id; s.textContent = t;
            Object.assign(s.style, {fontSize: "64px", background: "#fff", color: "#000",
                                    display: "inline-block"});
            document.querySelector("main").prepend(s);
          }
        }"""
    )
    shots = {
        k: _ink(page.locator(f"#g-{k}").screenshot()) for k in ("zha", "kashgar", "box", "boxes")
    }
    page.close()
    zha, kashgar, box, boxes = shots["zha"], shots["kashgar"], shots["box"], shots["boxes"]
    assert zha[0] >= 48 and kashgar[0] >= 100  # about one em per ideograph
    assert abs(zha[0] - box[0]) > 10 and abs(kashgar[0] - boxes[0]) > 20
    assert zha[1] != box[1] and kashgar[1] != boxes[1]


def _load_time(browser, run_dir: Path) -> float:
    page = browser.new_page()
    t0 = time.perf_counter()
    page.goto((run_dir / "review.html").as_uri())
    page.wait_for_function("window.MTCLEAN_READY === true", timeout=120_000)
    elapsed = time.perf_counter() - t0
    assert page.locator(".item").count() == 50  # one page of cards, whatever the run size
    page.close()
    return elapsed


def test_a_100k_segment_run_pages_and_scales(browser, tmp_path):
    small = synth_run(tmp_path / "small", 1_000)
    big = synth_run(tmp_path / "big", 100_000)
    for run in (small, big):
        write_review(str(run))
    page_bytes = (big / "review.html").stat().st_size
    data_bytes = (big / "review.data.js").stat().st_size
    t_small = _load_time(browser, small)
    t_big = _load_time(browser, big)
    print(
        f"\nreview page, 100k segments: html {page_bytes / 1e6:.2f} MB, "
        f"data {data_bytes / 1e6:.1f} MB,"
        f" ready in {t_big:.2f} s; 1k segments: {t_small:.2f} s; ratio {t_big / t_small:.1f}"
    )
    assert page_bytes < 20_000_000
    # 100x the segments must not cost anything like 100x the time (the old page: ~linear DOM).
    assert t_big / t_small < 25
