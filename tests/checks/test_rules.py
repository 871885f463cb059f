import pytest

from pipeline.config import config_from_table
from pipeline.errors import ConfigError
from tests.checks.helpers import flags_of

COMMA = {
    "name": "zh-comma",
    "tgt_lang": "zh",
    "target": r",(?=[\u4e00-\u9fff])",
    "severity": "minor",
    "message": "use the full-width comma",
}
BRAND = {
    "name": "brand",
    "source": "Acme",
    "target": "Acme",
    "must": "match",
    "severity": "major",
    "message": "keep the brand name Acme",
}


def _r(tgt: str, src: str, lang: str = "zh") -> list[tuple[str, str, str]]:
    fl = flags_of("house_rules", tgt, source=src, tgt_lang=lang, options={"rules": [COMMA, BRAND]})
    return [(f["severity"], f["evidence"]["reason"], f["evidence"]["text"]) for f in fl]


def test_must_not_match_with_span_and_language():
    assert _r("打开文件,然后保存", "Open the file, then save") == [
        ("minor", "zh-comma: use the full-width comma", ",")
    ]
    assert _r("Datei öffnen,dann speichern", "Open the file, then save", "de") == []


def test_must_match_only_where_the_source_matches():
    assert _r("欢迎使用爱克美", "Welcome to Acme") == [
        ("major", "brand: keep the brand name Acme", "")
    ]
    assert _r("欢迎使用 Acme", "Welcome to Acme") == []
    assert _r("欢迎", "Welcome") == []


def test_rules_from_the_config_top_level():
    cfg = config_from_table({"rules": [COMMA]}, "t.toml")
    assert cfg.stage_options["house_rules"]["rules"][0]["name"] == "zh-comma"


def test_bad_rule_is_a_config_error():
    with pytest.raises(ConfigError, match="bad regular expression"):
        config_from_table({"rules": [{**COMMA, "target": "("}]}, "t.toml")
    with pytest.raises(ConfigError, match="needs a source or a target"):
        config_from_table({"rules": [{"name": "x", "message": "y"}]}, "t.toml")


def test_mtclean_checks_lists_the_rules(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    cfg = tmp_path / "mtclean.toml"
    cfg.write_text(
        '[[rules]]\nname = "zh-comma"\ntgt_lang = "zh"\ntarget = ","\n'
        'message = "use the full-width comma"\n',
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["checks", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-1] == (
        "house_rules:zh-comma  minor  target not match /,/ [tgt_lang=zh]: use the full-width comma"
    )
