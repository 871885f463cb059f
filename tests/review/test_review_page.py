"""The review page in a real headless Chromium (Debian's /usr/bin/chromium, driven by
playwright): filters, accept/reject, export, then ``mtclean review apply``."""

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, mtclean, read_jsonl

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARCHIVE = (
    "When it comes to bad fish, people in Jiangnan understand it.\n\n"
    "The campus covers 268 acres. Officials from Kazakhstan came.\n\n"
    'Evil <script>window.pwned = 1</script> and <img src=x onerror="window.pwned=2"> bad fish.\n\n'
    "Release time:Apr 14, 2024 13:47 PM\n\n"
    "A plain sentence that needs nothing.\n"
)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def run_dir(tmp_path):
    src = tmp_path / "news.txt"
    src.write_text(ARCHIVE, encoding="utf-8")
    out = tmp_path / "run"
    proc = mtclean(
        "run",
        str(src),
        "--out",
        str(out),
        "-q",
        "--glossary",
        str(ROOT / "glossary" / "xinjiang-aid.tsv"),
    )
    assert proc.returncode == 0, proc.stderr
    rv = mtclean("review", str(out))
    assert rv.returncode == 0 and "items to review" in rv.stdout
    return out


def open_page(browser, run_dir):
    page = browser.new_page(accept_downloads=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((run_dir / "review.html").as_uri())
    return page, errors


def test_page_is_self_contained_and_escapes_archive_text(browser, run_dir):
    html = (run_dir / "review.html").read_text(encoding="utf-8")
    assert "<script>window.pwned" not in html and "http://" not in html and "https://" not in html
    page, errors = open_page(browser, run_dir)
    assert errors == []
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned = 1</script>" in page.inner_text("#items")
    assert page.locator("#items img").count() == 0
    page.close()


def test_filters_accept_reject_export_and_apply(browser, run_dir, tmp_path):
    page, errors = open_page(browser, run_dir)
    items = page.locator(".item")
    total = items.count()
    assert total >= 4
    page.select_option("#f-term", "zao fish")
    shown = page.locator(".item:not(.hidden)")
    assert shown.count() == 2 and all("fish" in t for t in shown.all_inner_texts())
    page.select_option("#f-term", "")
    page.select_option("#f-check", "byline")
    visible = page.locator(".item:not(.hidden)")
    assert visible.count() == 1 and "Release time" in visible.inner_text()
    page.select_option("#f-check", "")
    page.select_option("#f-decision", "needs_review")
    assert all(
        "needs_review" in t
        for t in page.locator(".item:not(.hidden) [data-role=decision]").all_inner_texts()
    )
    page.select_option("#f-decision", "")
    assert page.locator(".item:not(.hidden)").count() == total

    segs = read_jsonl(run_dir / "segments.jsonl")
    key = {s["target"][:12]: f"{s['file']}::{s['record']}::{s['index']}" for s in segs}
    fish, acres = key["When it come"], key["The campus c"]
    byline = key["Release time"]
    # Accept the zao fish segment, accept the flagged 'acres' hit only, reject the byline drop.
    page.locator(f'.item[data-key="{fish}"] .meta button[data-action=accept]').click()
    page.locator(f'[data-hit="{acres}#0"] button[data-action=accept]').click()
    page.locator(f'.item[data-key="{byline}"] .meta button[data-action=reject]').click()
    with page.expect_download() as dl:
        page.click("#export")
    exported = json.loads(page.input_value("#export-json"))
    assert exported["segments"] == {fish: "accept", byline: "reject"}
    assert exported["hits"] == {f"{acres}#0": "accept"}
    saved = tmp_path / "decisions.json"
    dl.value.save_as(saved)
    assert json.loads(saved.read_text()) == exported
    assert errors == []
    page.close()

    proc = mtclean("review", "apply", str(run_dir), str(saved))
    assert proc.returncode == 0, proc.stderr
    cleaned = (run_dir / "cleaned" / "news.txt").read_text(encoding="utf-8")
    assert "zao fish" in cleaned  # accepted segment
    assert "268 mu. Officials from Kazakhstan" in cleaned  # accepted hit only
    assert "Release time:Apr 14" in cleaned  # rejected drop
    assert "<script>window.pwned = 1</script>" in cleaned  # untouched text stays


def test_apply_with_nothing_accepted_restores_the_input(run_dir, tmp_path):
    empty = tmp_path / "none.json"
    empty.write_text('{"segments": {}, "hits": {}}')
    assert mtclean("review", "apply", str(run_dir), str(empty)).returncode == 0
    src = Path(json.loads((run_dir / "summary.json").read_text())["inputs"][0])
    assert (run_dir / "cleaned" / "news.txt").read_bytes() == src.read_bytes()


def test_bad_decisions_file_is_one_line_status_2(run_dir, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"segments": {"x::y::0": "maybe"}}')
    proc = mtclean("review", "apply", str(run_dir), str(bad))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "must be 'accept' or 'reject'" in proc.stderr
    proc = mtclean("review", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "not a finished run" in proc.stderr
