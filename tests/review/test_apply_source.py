"""``review apply``: edits checked against the SOURCE unit and the format (PO passes
``msgfmt -c``, XLIFF and TMX parse with translate-toolkit), decisions that outlive their run
(content keys, stale ones reported), and rejected flags that become suppressions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from pipeline.decisions import anchor, read_suppressions, text_hash
from pipeline.review.page import key_of
from tests.conftest import ROOT, mtclean, read_jsonl

PO = """msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Source-Language: en\\n"

#, fuzzy, c-format
msgid "Render %i frames on the GPU"
msgstr "Rendre les images sur le  GPU "

msgid "Saved.\\n"
msgstr "Enregistré.\\n"

msgctxt "menu"
msgid "Open the file"
msgstr "Ouvrir le fichier le fichier"
"""

MSGFMT = shutil.which("msgfmt")


def _run(tmp_path: Path, name: str, text: str | None = None, src: Path | None = None) -> Path:
    path = tmp_path / name
    if src is not None:
        shutil.copy(src, path)
    else:
        path.write_text(text or "", encoding="utf-8")
    out = tmp_path / "run"
    proc = mtclean("run", str(path), "--out", str(out), "-q", "-j", "1")
    assert proc.returncode in (0, 3), proc.stderr
    return out


def _decide(out: Path, tmp_path: Path, **parts) -> Path:
    body = {
        "version": 3,
        "fingerprint": json.loads((out / "summary.json").read_text())["fingerprint"],
    }
    body.update(parts)
    path = tmp_path / "d.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def _segs(out: Path) -> dict[str, dict]:
    return {s["record"]: s for s in read_jsonl(out / "segments.jsonl")}


def _key(s: dict, *rest) -> str:
    return (
        key_of(s["file"], s["record"], s["index"], *rest)
        if rest
        else key_of(s["file"], s["record"], s["index"])
    )


def test_po_edits_are_checked_against_the_source_and_the_output_passes_msgfmt(tmp_path):
    assert MSGFMT, "msgfmt is not installed: run `make install` (it installs gettext)"
    out = _run(tmp_path, "app.po", PO)
    s = _segs(out)
    gpu, saved, menu = s["Render %i frames on the GPU"], s["Saved.\n"], s["menu\x04Open the file"]
    d = _decide(
        out,
        tmp_path,
        edits={
            # restores the %i the MT lost: right against the source, "added %i" against the
            # old target (what the run's own check compares with)
            _key(gpu): "Rendre %i images sur le GPU",
            # loses the final line break the source has: msgfmt -c would refuse the file
            _key(saved): "Enregistré.",
            _key(menu): "Ouvrir le fichier",
        },
    )
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    skipped = [x for x in lines if "SKIPPED" in x]
    assert len(skipped) == 1 and '"Saved.\\n", 0]' in skipped[0]
    assert "end with a line break" in skipped[0]
    assert "(2 edited)" in lines[0]
    cleaned = (out / "cleaned" / "app.po").read_text(encoding="utf-8")
    assert 'msgstr "Rendre %i images sur le GPU"' in cleaned
    assert 'msgstr "Ouvrir le fichier"' in cleaned
    assert 'msgstr "Enregistré.\\n"' in cleaned  # the skipped edit left the unit as it was
    for args in (["-c"], ["-c", "--use-fuzzy"]):
        check = subprocess.run(
            [MSGFMT, *args, "-o", "/dev/null", str(out / "cleaned" / "app.po")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
    from translate.storage import po

    units = {u.getid(): u for u in po.pofile.parsefile(str(out / "cleaned" / "app.po")).units}
    assert units["Render %i frames on the GPU"].target == "Rendre %i images sur le GPU"
    assert units["Render %i frames on the GPU"].isfuzzy()  # flags are the editor's to change


def test_po_placeholder_missing_from_the_source_is_skipped(tmp_path):
    out = _run(tmp_path, "app.po", PO)
    gpu = _segs(out)["Render %i frames on the GPU"]
    d = _decide(out, tmp_path, edits={_key(gpu): "Rendre %d images sur le GPU"})
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 3
    assert "placeholders differ from the source: missing %i; not in the source: %d" in proc.stdout


def test_xliff_edit_keeping_its_tags_is_written_and_parses(tmp_path):
    out = _run(tmp_path, "museum.xlf", src=ROOT / "samples" / "museum-guide.zh-en.xlf")
    hours = _segs(out)["hours"]
    tags = [c for c in hours["target"] if "\ue000" <= c <= "\uf8ff"]
    assert len(tags) == 3
    edit = (
        f"Opening hours: {tags[0]}Tuesday to Sunday{tags[1]} 9:00–17:00{tags[2]}Closed on Mondays."
    )
    d = _decide(out, tmp_path, edits={_key(hours): edit})
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from translate.storage import xliff

    store = xliff.xlifffile.parsefile(str(out / "cleaned" / "museum.xlf"))
    unit = next(u for u in store.units if u.getid().endswith("\x04hours"))
    raw = (out / "cleaned" / "museum.xlf").read_text(encoding="utf-8")
    assert '<g id="1">Tuesday to Sunday</g> 9:00–17:00<x id="2"/>Closed on Mondays.' in raw
    assert "Closed on Mondays." in unit.target


def test_tmx_edit_is_written_and_parses(tmp_path):
    out = _run(tmp_path, "terms.tmx", src=ROOT / "samples" / "tea-terms.zh-multi.tmx")
    segs = read_jsonl(out / "segments.jsonl")
    seg = segs[0]
    tags = "".join(c for c in seg["target"] if "\ue000" <= c <= "\uf8ff")
    edit = "Edited by the editor & checked" + tags
    d = _decide(out, tmp_path, edits={_key(seg): edit})
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from translate.storage import tmx

    store = tmx.tmxfile.parsefile(str(out / "cleaned" / "terms.tmx"))
    assert any("Edited by the editor & checked" in (u.target or "") for u in store.units)


ARCHIVE = """msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Source-Language: en\\n"

msgid "Open the file"
msgstr "Ouvrir le fichier le fichier"

msgid "Close the window"
msgstr "Fermer la fenêtre la fenêtre"

msgid "Print the page"
msgstr "Imprimer la page la page"
"""


def _anchors(segs: list[dict]) -> dict[str, dict]:
    return {_key(s): anchor(s) for s in segs}


def test_decisions_outlive_their_run_and_stale_ones_are_reported(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    out = _run(first, "app.po", ARCHIVE)
    segs = read_jsonl(out / "segments.jsonl")
    by = {s["record"]: s for s in segs}
    body = {
        "version": 3,
        "fingerprint": json.loads((out / "summary.json").read_text())["fingerprint"],
        "edits": {
            _key(by["Open the file"]): "Ouvrir le fichier",
            _key(by["Print the page"]): "Imprimer la page",
        },
        "flags": {_key(by["Close the window"], "repetition"): "reject"},
        "anchors": _anchors(segs),
    }
    decisions = tmp_path / "d.json"
    decisions.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    # A later run of the same archive, moved, with one unit retranslated and another config.
    second = tmp_path / "second"
    second.mkdir()
    (second / "app.po").write_text(
        ARCHIVE.replace("Imprimer la page la page", "Imprimer cette page"), encoding="utf-8"
    )
    (second / "mtclean.toml").write_text("[combine]\nthreshold = 0.4\n", encoding="utf-8")
    out2 = second / "run"
    proc = mtclean("run", "app.po", "--out", str(out2), "-q", "-j", "1", cwd=second)
    assert proc.returncode == 0, proc.stderr
    fp2 = json.loads((out2 / "summary.json").read_text())["fingerprint"]
    assert fp2 != body["fingerprint"]
    proc = mtclean("review", "apply", str(out2), str(decisions))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cleaned = (out2 / "cleaned" / "app.po").read_text(encoding="utf-8")
    assert 'msgstr "Ouvrir le fichier"\n' in cleaned  # still valid: applied
    assert 'msgstr "Imprimer cette page"' in cleaned  # stale: the new text stays
    stale = [x for x in proc.stdout.splitlines() if "stale" in x]
    assert len(stale) == 1 and "Print the page" in stale[0] and "text changed" in stale[0]
    sup = read_suppressions(str(out2 / "suppressions.jsonl"))
    assert [(e["record"], e["check"]) for e in sup] == [("Close the window", "repetition")]
    # Without content keys, decisions of another run are still refused as a whole.
    decisions.write_text(json.dumps({**body, "anchors": {}}), encoding="utf-8")
    proc = mtclean("review", "apply", str(out2), str(decisions))
    assert proc.returncode == 2 and "carry no content keys" in proc.stderr


def test_rejected_flags_are_suppressed_in_later_runs_and_counted(tmp_path):
    out = _run(tmp_path, "app.po", ARCHIVE)
    by = _segs(out)
    d = _decide(
        out,
        tmp_path,
        segments={_key(by["Open the file"]): "reject"},  # every flag of it: a false alarm
        flags={_key(by["Close the window"], "repetition"): "reject"},
        anchors=_anchors(list(by.values())),
    )
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sup = out / "suppressions.jsonl"
    entries = read_suppressions(str(sup))
    assert sorted(e["record"] for e in entries) == ["Close the window", "Open the file"]
    assert entries[0]["target"] == text_hash(by[entries[0]["record"]]["target"])
    kept = tmp_path / "suppressions.jsonl"
    shutil.copy(sup, kept)
    out2 = tmp_path / "run2"
    proc = mtclean(
        "run", str(tmp_path / "app.po"), "--out", str(out2), "-q", "--suppressions", str(kept)
    )
    assert proc.returncode == 0, proc.stderr
    by2 = _segs(out2)
    assert by2["Open the file"]["flags"] == [] and by2["Close the window"]["flags"] == []
    assert by2["Open the file"]["decision"] == "kept"
    # the same check on other text still flags
    assert [f["check"] for f in by2["Print the page"]["flags"]] == ["repetition"]
    summary = json.loads((out2 / "summary.json").read_text())
    assert summary["stage_stats"]["suppress"]["suppressed"] == 2
    assert summary["stage_stats"]["suppress"]["suppressed.repetition"] == 2
    assert summary["checks"].get("repetition") == 1
    # a broken suppressions file is one line, exit 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"check": "x"}\n', encoding="utf-8")
    proc = mtclean(
        "run",
        str(tmp_path / "app.po"),
        "--out",
        str(tmp_path / "r3"),
        "-q",
        "--suppressions",
        str(bad),
    )
    assert proc.returncode == 2 and "bad.jsonl:1:" in proc.stderr


def test_remap_finds_a_moved_plain_text_unit_by_its_text_and_reports_the_rest():
    from pipeline.decisions import remap

    old = {"file": "/a/news.txt", "record": "L3", "index": 0, "target": "Bad fish.", "source": None}
    other = {"file": "/a/news.txt", "record": "L5", "index": 0, "target": "Gone.", "source": None}
    data = {
        "segments": {_key(old): "accept", _key(other): "reject"},
        "edits": {'["/a/news.txt","L9",0]': "x"},  # no content key at all
        "anchors": {_key(old): anchor(old), _key(other): anchor(other)},
    }
    # the next run: the archive moved and a paragraph was added above (L3 -> L5)
    moved = {**old, "file": "/b/news.txt", "record": "L5"}
    new = {**other, "file": "/b/news.txt", "record": "L7", "target": "Changed."}
    out, stale = remap(data, [moved, new])
    assert out["segments"] == {_key(moved): "accept"}
    assert sorted((s.kind, s.reason) for s in stale) == [
        ("edits", "no content key"),
        ("segments", "text changed or gone"),
    ]
