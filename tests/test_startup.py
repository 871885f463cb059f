"""Start-up: the command line imports no heavy library a stage loads for itself on first use
(a model runtime, langdetect's profiles, word lists), so a run that needs none never pays for it,
and every worker's memory holds only what it uses. Commands that run no stage (``--help``,
``checks``, ``glossary``, ``review``, ``export``, ``models``) import no stage at all: not the
registry, not numpy or ftfy; they read check names from a static table kept equal to the
registry here."""

from __future__ import annotations

import subprocess
import sys

# Loaded on first use only: by a model backend, a check, the score stage, a TM reader.
LAZY = ("torch", "transformers", "ctranslate2", "langdetect", "wordfreq", "langcodes")

# Loaded only by a command that builds stages (run, detect, score, regress, config, review apply).
STAGE_IMPORTS = (
    "numpy",
    "ftfy",
    "pipeline.checks",
    "pipeline.registry",
    "pipeline.config",
    "pipeline.runner",
)


def test_the_command_line_imports_no_lazy_library():
    code = (
        "import sys, pipeline.cli, pipeline.readers, pipeline.mt.load, pipeline.registry\n"
        f"print(' '.join(m for m in {LAZY!r} if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == []


def _loaded_after(commands: list[list[str]], tmp_path) -> dict[str, list[str]]:
    """Run each command in one fresh interpreter, in turn; for each, the stage imports loaded
    so far (a command that loads one shows it, and so does every command after it)."""
    code = (
        "import sys\n"
        "from pipeline.cli import main\n"
        f"for args in {commands!r}:\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"    loaded = [m for m in {STAGE_IMPORTS + LAZY!r} if m in sys.modules]\n"
        "    print(' '.join(args) + '|' + ' '.join(loaded), file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    lines = [line for line in r.stderr.splitlines() if "|" in line]
    return {cmd: found.split() for cmd, found in (line.rsplit("|", 1) for line in lines)}


def test_commands_that_run_no_stage_import_none(tmp_path):
    (tmp_path / "terms.tsv").write_text("source\ttarget\n数据\tdata\n", encoding="utf-8")
    commands = [
        ["--help"],
        ["--version"],
        ["checks"],
        ["run", "--help"],
        ["glossary", "check", "terms.tsv"],
        ["glossary", "stats", "terms.tsv"],
        ["review", "--help"],
        ["export", "--help"],
        ["models", "list"],
        ["models", "check", "no-such-model"],
    ]
    loaded = _loaded_after(commands, tmp_path)
    assert loaded == {" ".join(c): [] for c in commands}


def test_the_probe_sees_a_command_that_imports_the_stages(tmp_path):
    # ``config`` prints every stage's defaults, so it imports them all: the probe must say so.
    loaded = _loaded_after([["--help"], ["config"]], tmp_path)
    assert loaded["--help"] == []
    assert {"numpy", "ftfy", "pipeline.registry", "pipeline.config"} <= set(loaded["config"])


def test_the_static_flag_table_is_the_registry():
    from pipeline.core.registry import CHECK_NAMES, FLAG_TABLE
    from pipeline.registry import CHECKS, flag_table

    real = flag_table()
    assert list(CHECK_NAMES) == CHECKS
    # The checks in run order; the other flags by name (their registration order follows
    # whichever stage module a process imports first).
    assert [r for r in FLAG_TABLE if r[1] == "check"] == [r for r in real if r[1] == "check"]
    assert sorted(r for r in FLAG_TABLE if r[1] != "check") == sorted(
        r for r in real if r[1] != "check"
    )
    assert len(FLAG_TABLE) == len(real) == len({r[0] for r in FLAG_TABLE})


def test_langcodes_still_answers_where_it_is_used():
    from pipeline.mt.languages import marian_target_token, nllb_codes
    from pipeline.readers.tm import same_language

    assert same_language("zh-Hans", "zh_CN")
    assert not same_language("en", "fr")
    assert nllb_codes("zh-TW") == ["zho_Hant"]
    assert marian_target_token("fr") == [">>fra<<", ">>fr<<"]
