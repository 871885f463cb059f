"""CLI conventions (issue 10): the functions in ``pipeline.cli_conventions`` and the real
``mtclean`` command line that uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli_conventions import (
    discover_config,
    format_checks,
    glossary_check_report,
    list_checks,
    select_stages,
    validate_language,
)
from pipeline.errors import ConfigError, UsageError
from tests.conftest import ROOT, mtclean

# -- languages


@pytest.mark.parametrize(
    ("given", "tag"), [("en", "en"), ("zh_CN", "zh-CN"), ("zh-hans", "zh-Hans"), ("EN-us", "en-US")]
)
def test_valid_language_tags_are_standardised(given, tag):
    assert validate_language(given) == tag


@pytest.mark.parametrize("bad", ["zz", "english", "", "en--US", "x"])
def test_invalid_language_tags_are_refused(bad):
    with pytest.raises(UsageError, match="not a valid BCP 47 language tag"):
        validate_language(bad, "--tgt-lang")


# -- checks


def test_every_check_and_declared_flag_is_listed_with_owner_and_description():
    from pipeline.registry import CHECKS

    rows = list_checks()
    assert [n for n, o, _ in rows if o == "check"] == CHECKS
    # the flags stages declare, each with the stage that adds it
    owners = {n: o for n, o, _ in rows if o != "check"}
    assert owners == {
        "markup": "render",
        "term_missing": "glossary",
        "dnt_changed": "glossary",
        "mojibake": "normalize",
        "unicode_nfc": "normalize",
        "control_chars": "normalize",
        "term_dropped": "retranslate",
    }
    assert all(d and "\n" not in d and not d.startswith("added by") for _, _, d in rows)
    text = format_checks()
    assert text.count("\n") == len(rows) and text.startswith("language_id")


def test_select_stages():
    stages = ["normalize", "language_id", "repetition", "byline", "glossary", "combine", "decide"]
    assert select_stages(stages, "repetition", None) == [
        "normalize",
        "repetition",
        "glossary",
        "combine",
        "decide",
    ]
    assert select_stages(stages, None, "byline,language_id") == [
        "normalize",
        "repetition",
        "glossary",
        "combine",
        "decide",
    ]
    # a check named in --checks but not configured is added, in registry order
    assert select_stages(stages, "truncation,repetition", None)[1:3] == ["repetition", "truncation"]
    assert select_stages(stages, None, None) == stages
    with pytest.raises(UsageError, match="unknown check 'nope'"):
        select_stages(stages, "nope", None)
    with pytest.raises(UsageError, match="--skip-checks"):
        select_stages(stages, None, ",")


# -- config discovery


def test_config_discovery_order(tmp_path):
    assert discover_config(None, tmp_path).kind == "defaults"
    assert discover_config(None, tmp_path).source == "built-in defaults"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert discover_config(None, tmp_path).kind == "defaults"  # no [tool.mtclean]
    (tmp_path / "pyproject.toml").write_text("[tool.mtclean.run]\nbatch_size = 7\n")
    choice = discover_config(None, tmp_path)
    assert choice.kind == "pyproject.toml" and choice.table == {"run": {"batch_size": 7}}
    assert choice.source.endswith("pyproject.toml [tool.mtclean]")
    (tmp_path / "mtclean.toml").write_text("[run]\nbatch_size = 9\n")
    choice = discover_config(None, tmp_path)
    assert choice.kind == "mtclean.toml" and choice.table == {"run": {"batch_size": 9}}
    other = tmp_path / "other.toml"
    other.write_text("[run]\nbatch_size = 3\n")
    choice = discover_config(str(other), tmp_path)
    assert choice.kind == "option" and choice.table == {"run": {"batch_size": 3}}


def test_config_discovery_errors_are_one_line(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        discover_config(str(tmp_path / "missing.toml"), tmp_path)
    (tmp_path / "mtclean.toml").write_text("[run\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        discover_config(None, tmp_path)
    (tmp_path / "mtclean.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool]\nmtclean = "yes"\n')
    with pytest.raises(ConfigError, match=r"\[tool.mtclean\] must be a table"):
        discover_config(None, tmp_path)


# -- glossary


def test_glossary_check_prints_only_errors_when_invalid(tmp_path):
    good = tmp_path / "good.tsv"
    good.write_text(
        "source\ttarget\tvariants\n糟鱼\tzao fish\tbad fish|?rotten fish|~distillers fish\n"
    )
    bad = tmp_path / "bad.tsv"
    bad.write_text("source\ttarget\n喀什\t\n")
    out, err, code = glossary_check_report([str(good), str(bad)])
    assert code == 2 and out == [] and len(err) == 1 and "bad.tsv" in err[0]
    out, err, code = glossary_check_report([str(good)])
    assert code == 0 and err == [] and out == [f"{good}: 1 terms, valid"]


def test_variant_counts_count_every_kind(tmp_path):
    from pipeline.glossary.termbase import load_termbase

    tb = tmp_path / "g.tsv"
    tb.write_text(
        "source\ttarget\tvariants\n"
        "糟鱼\tzao fish\tbad fish|?rotten fish|~distillers fish|~grain fish\n"
        "喀什\tKashgar\tKashi\n"
    )
    from pipeline.glossary.termbase import termbase_stats

    counts = termbase_stats(load_termbase(str(tb)))
    assert (counts["variants"], counts["ambiguous"], counts["minor"]) == (2, 1, 2)


# -- the command line (after wiring)


def test_short_help_and_version():
    proc = mtclean("-h")
    assert proc.returncode == 0 and "Usage: mtclean" in proc.stdout
    for flag in ("-V", "--version"):
        proc = mtclean(flag)
        assert proc.returncode == 0 and proc.stdout.startswith("mtclean ")


def test_help_has_clean_metavars_for_every_command():
    for args in (["run"], ["detect"], ["glossary", "check"], ["review"], ["review", "apply"]):
        proc = mtclean(*args, "--help")
        assert proc.returncode == 0, args
        assert "<str>" not in proc.stdout and "<list" not in proc.stdout and "{" not in proc.stdout
    proc = mtclean("review", "apply", "-h")
    assert "Usage: mtclean review apply [OPTIONS] DIR DECISIONS.json" in proc.stdout


def test_bad_language_is_refused(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Hello.\n")
    proc = mtclean("run", str(src), "--out", str(tmp_path / "o"), "--tgt-lang", "zz", "-q")
    assert proc.returncode == 2 and "not a valid BCP 47 language tag" in proc.stderr


def test_checks_command_and_selection(tmp_path):
    proc = mtclean("checks")
    assert proc.returncode == 0 and proc.stdout == format_checks()
    src = tmp_path / "a.txt"
    src.write_text("The the the the the the dog.\n")
    out = tmp_path / "o"
    proc = mtclean("run", str(src), "--out", str(out), "-q", "--checks", "repetition")
    assert proc.returncode == 0, proc.stderr
    stages = json.loads((out / "summary.json").read_text())["stages"]
    assert "repetition" in stages and "byline" not in stages


def test_config_discovered_in_the_working_folder(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Hello.\n")
    (tmp_path / "mtclean.toml").write_text("[run]\nbatch_size = 5\n")
    proc = mtclean("run", str(src), "--out", str(tmp_path / "o"), "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert "mtclean.toml" in json.dumps(summary["config"])


def test_glossary_cli_prints_only_errors(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("source\ttarget\n喀什\t\n")
    good = ROOT / "glossary" / "xinjiang-aid.tsv"
    proc = mtclean("glossary", "check", str(good), str(bad))
    assert proc.returncode == 2 and proc.stdout == ""
    proc = mtclean("glossary", "stats", str(good))
    assert "minor" in proc.stdout and "ambiguous" in proc.stdout


def test_repo_root_has_no_stray_config():
    # Discovery reads ./mtclean.toml: the repository itself must not ship one by accident.
    assert not (Path(ROOT) / "mtclean.toml").exists()
