"""The review page for editors, in headless Chromium: source beside target (CJK and RTL fonts),
candidates with origin, quality and guard reasons, inline tags as visible tokens that cannot
be deleted, the editor scrolled into view, bulk accept with confirmation and undo, numbers
formatted, the PO context spelled out. Screenshots of the source column and of the tag
tokens are checked for ink and kept under ``$MTCLEAN_SHOTS`` (default: the test's tmp dir)."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.review.page import key_of, write_review
from pipeline.segments import new_row, output_record
from tests.conftest import ROOT, mtclean, read_jsonl
from tests.review.helpers import review

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PO = """msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Source-Language: zh\\n"

msgctxt "heading"
msgid "结算"
msgstr "Checkout checkout"

msgid "馆内商店出售龙井茶。"
msgstr "The museum shop sells Longjing tea."
"""


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory):
    base = tmp_path_factory.mktemp("bilingual")
    (base / "app.po").write_text(PO, encoding="utf-8")
    shutil.copy(ROOT / "samples" / "museum-guide.zh-en.xlf", base / "museum.xlf")
    out = base / "run"
    proc = mtclean("run", str(base / "app.po"), str(base / "museum.xlf"), "--out", str(out), "-q")
    assert proc.returncode in (0, 3), proc.stderr
    return out


@pytest.fixture
def run_dir(bilingual, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(bilingual, copy)
    code, _, err = review(str(copy))
    assert code == 0, err
    return copy


def shots_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("MTCLEAN_SHOTS") or tmp_path / "shots")
    d.mkdir(parents=True, exist_ok=True)
    return d


def open_page(browser, run_dir, **kw):
    page = browser.new_page(**kw)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((run_dir / "review.html").as_uri())
    page.wait_for_function("window.MTCLEAN_READY === true")
    return page, errors


def card_of(page, run_dir: Path, record: str):
    s = next(s for s in read_jsonl(run_dir / "segments.jsonl") if s["record"] == record)
    key = key_of(s["file"], s["record"], s["index"]).replace("\\", "\\\\")  # CSS escapes
    return page.locator(f".item[data-key='{key}']"), s


def ink(png: bytes) -> tuple[int, int]:
    """(width of the inked columns, number of dark pixels) of a screenshot."""
    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("L")
    w, h = im.size
    px = im.load()
    cols = [x for x in range(w) if any(px[x, y] < 140 for y in range(h))]
    dark = sum(1 for x in range(w) for y in range(h) if px[x, y] < 140)
    return (cols[-1] - cols[0] + 1 if cols else 0), dark


def exported(page) -> dict:
    with page.expect_download():
        page.click("#export")
    return json.loads(page.input_value("#export-json"))


def test_source_beside_target_with_cjk_font_and_screenshot(browser, run_dir, tmp_path):
    page, errors = open_page(browser, run_dir, viewport={"width": 1200, "height": 900})
    card, seg = card_of(page, run_dir, "hours")
    src, tgt = card.locator("[data-role=source]"), card.locator("[data-role=target]")
    assert src.inner_text() == seg["source"].translate({0xE000 + k: f"⟨{k + 1}⟩" for k in range(8)})
    assert src.inner_text().startswith("开放时间")
    a, b = src.bounding_box(), tgt.bounding_box()
    assert a["x"] + a["width"] <= b["x"]  # side by side: source left of target
    assert a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]
    assert src.get_attribute("lang") == "zh" and src.get_attribute("dir") == "auto"
    assert "Noto Sans CJK" in src.evaluate("e => getComputedStyle(e).fontFamily")
    shot = src.screenshot()
    (shots_dir(tmp_path) / "source-column.png").write_bytes(shot)
    (shots_dir(tmp_path) / "card.png").write_bytes(card.screenshot())
    width, dark = ink(shot)
    # 开放时间：周二至周日 ... drawn as glyphs: wide and dense, not a row of thin boxes
    assert width > 250 and dark > 600, (width, dark)
    assert errors == []
    page.close()


def test_inline_tags_are_tokens_in_the_editor_that_cannot_be_deleted(browser, run_dir, tmp_path):
    page, errors = open_page(browser, run_dir, viewport={"width": 1200, "height": 900})
    card, seg = card_of(page, run_dir, "hours")
    assert card.locator("[data-role=target] .ph").all_inner_texts() == ["⟨1⟩", "⟨2⟩", "⟨3⟩"]
    card.locator("[data-action=edit]").click()
    box = card.locator(".edit-box")
    chips = box.locator(".ph")
    assert chips.all_inner_texts() == ["⟨1⟩", "⟨2⟩", "⟨3⟩"]
    assert all(c.get_attribute("contenteditable") == "false" for c in chips.all())
    shot = chips.first.screenshot()
    (shots_dir(tmp_path) / "tag-token.png").write_bytes(shot)
    (shots_dir(tmp_path) / "editor.png").write_bytes(box.screenshot())
    width, dark = ink(shot)
    assert width >= 12 and dark > 25, (width, dark)  # a visible ⟨1⟩, not an empty box
    # Backspace right after the first chip, then select everything and delete: the chips stay.
    box.evaluate(
        """b => { const chip = b.querySelector('.ph'); const r = document.createRange();
                  r.setStartAfter(chip); r.collapse(true); const s = getSelection();
                  s.removeAllRanges(); s.addRange(r); b.focus(); }"""
    )
    page.keyboard.press("Backspace")
    assert chips.count() == 3
    assert "inline tags stay" in card.locator("[data-role=warn]").inner_text()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    assert chips.count() == 3
    # Text typed around the chips is kept, and the saved edit holds the tag characters.
    box.evaluate(
        """b => { const r = document.createRange(); r.selectNodeContents(b); r.collapse(false);
                  const s = getSelection(); s.removeAllRanges(); s.addRange(r); b.focus(); }"""
    )
    page.keyboard.type(" Closed on Mondays.")
    box.press("Control+Enter")
    data = exported(page)
    key = key_of(seg["file"], seg["record"], seg["index"])
    edit = data["edits"][key]
    assert [c for c in edit if "\ue000" <= c <= "\uf8ff"] == [
        c for c in seg["target"] if "\ue000" <= c <= "\uf8ff"
    ]
    assert edit.endswith(" Closed on Mondays.")
    assert data["anchors"][key]["record"] == seg["record"]
    assert errors == []
    page.close()


def test_context_separator_and_numbers_are_formatted(browser, run_dir):
    page, _ = open_page(browser, run_dir)
    card, _ = card_of(page, run_dir, "heading\x04结算")
    where = card.locator("[data-role=where]").inner_text()
    assert "结算 (context: heading)" in where
    text = card.inner_text()
    assert "\u0004" not in text and "\u2404" not in text
    for score in page.locator(".item [data-role=score]").all_inner_texts():
        number = score.split()[-1]
        assert len(number.split(".")[1]) == 2, score  # 0.28, never 0.2798
    assert "(major, 0.90)" in card.locator("[data-role=flag]").first.inner_text()
    page.close()


def test_opened_editor_scrolls_into_view(browser, run_dir):
    page, _ = open_page(browser, run_dir, viewport={"width": 1000, "height": 420})
    page.select_option("#f-view", "all")
    last = page.locator(".item").last
    page.evaluate("window.scrollTo(0, 0)")
    assert last.bounding_box()["y"] > 420  # below the fold
    last.locator("[data-action=edit]").evaluate("b => b.click()")  # a click that scrolls nothing
    box = last.locator(".edit-box").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 420
    page.close()


def test_accept_all_shown_asks_and_can_be_undone(browser, run_dir):
    page, _ = open_page(browser, run_dir)
    shown = page.locator(".item").count()
    assert shown >= 3
    first = page.locator(".item").first
    first.locator("[data-action=reject][data-kind=segments]").click()
    messages: list[str] = []

    def dismiss(d):
        messages.append(d.message)
        d.dismiss()

    page.once("dialog", dismiss)
    page.click("#accept-visible")
    assert messages == [f"Accept the proposals of all {shown} segments shown?"]
    assert exported(page)["segments"] == {first.get_attribute("data-key"): "reject"}

    page.once("dialog", lambda d: d.accept())
    page.click("#accept-visible")
    after = exported(page)["segments"]
    assert len(after) == shown and set(after.values()) == {"accept"}
    assert page.locator("#undo-bar").is_visible()
    assert page.locator("#undo-text").inner_text() == f"Accepted {shown} segments."
    page.click("#undo")
    assert exported(page)["segments"] == {first.get_attribute("data-key"): "reject"}
    assert not page.locator("#undo-bar").is_visible()
    page.close()


def _synth(out: Path) -> Path:
    """A small bilingual run with candidates (as a model-backed run writes them) and an
    Arabic unit, built directly."""
    out.mkdir(parents=True)
    mt = "The shop sells Longjing tea and silk and silk."
    rows = []
    r = new_row(
        mt, file="shop.xlf", record="shop", index=0, source="馆内商店出售龙井茶和丝绸纪念品。"
    )
    r.update(
        output="The museum shop sells Longjing tea and silk souvenirs.",
        decision="retranslated",
        quality=0.8123,
        candidates=[
            {"origin": "mt", "text": mt, "score": 0.6788, "reasons": []},
            {
                "origin": "retranslation",
                "text": "The museum shop sells Longjing tea and silk souvenirs.",
                "score": 0.8123,
                "reasons": [],
            },
            {
                "origin": "glossary",
                "text": "The shop sells Longjing tea.",
                "score": 0.7011,
                "reasons": ["length ratio 0.41 below 0.5"],
            },
        ],
        flags=[
            {
                "check": "repetition",
                "severity": "major",
                "score": 0.9,
                "evidence": {
                    "start": 30,
                    "end": 46,
                    "text": "and silk and silk",
                    "reason": "doubled",
                },
            }
        ],
    )
    rows.append(r)
    ar = new_row(
        "متحف الشاي مفتوح كل يوم",
        file="shop.xlf",
        record="ar",
        index=0,
        source="Tea museum open daily",
    )
    ar.update(
        decision="needs_review",
        quality=0.4,
        flags=[
            {
                "check": "length_ratio",
                "severity": "minor",
                "score": 0.5,
                "evidence": {"start": None, "end": None, "text": "", "reason": "short"},
            }
        ],
    )
    rows.append(ar)
    with (out / "segments.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(output_record(row), ensure_ascii=False) + "\n")
    summary = {
        "fingerprint": "synthetic-1",
        "inputs": ["shop.xlf"],
        "records": {"in": 2},
        "segments": 2,
        "checks": {"repetition": 1, "length_ratio": 1},
        "decisions": {"retranslated": 1, "needs_review": 1},
        "effective_config": {"input": {"src_lang": "zh", "tgt_lang": "en"}},
    }
    (out / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    write_review(str(out))
    return out


def test_candidates_with_origin_quality_guards_and_choice(browser, tmp_path):
    run = _synth(tmp_path / "synth")
    page, errors = open_page(browser, run)
    card = page.locator('.item[data-key=\'["shop.xlf","shop",0]\']')
    items = card.locator("[data-role=candidates] li")
    assert items.count() == 3
    labels = [li.locator(".label").inner_text() for li in items.all()]
    assert labels == [
        "mt · quality 0.68",
        "retranslation · quality 0.81 · chosen",
        "glossary · quality 0.70",
    ]
    assert "guards: length ratio 0.41 below 0.5" in items.nth(2).inner_text()
    items.nth(0).locator("[data-action=choose]").click()
    data = exported(page)
    assert data["choices"] == {
        '["shop.xlf","shop",0]': {
            "origin": "mt",
            "text": "The shop sells Longjing tea and silk and silk.",
        }
    }
    assert "your choice" in card.locator("[data-role=candidates] li").nth(0).inner_text()
    # RTL: the Arabic target runs right to left in its own font family
    ar = page.locator('.item[data-key=\'["shop.xlf","ar",0]\'] [data-role=target] .text')
    assert ar.get_attribute("lang") == "ar"
    assert ar.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "Naskh" in ar.evaluate("e => getComputedStyle(e).fontFamily")
    column = page.locator('.item[data-key=\'["shop.xlf","ar",0]\'] [data-role=target]')
    assert column.evaluate("e => getComputedStyle(e).direction") == "rtl"  # aligned right
    assert errors == []
    page.close()
