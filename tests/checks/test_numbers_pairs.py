"""number_mismatch for en->zh, zh->en, en->de, de->en, en->ja: the pair decides how to read."""

from tests.checks.helpers import flags_of


def _r(src: str, tgt: str, sl: str, tl: str) -> list[str]:
    fl = flags_of("number_mismatch", tgt, source=src, src_lang=sl, tgt_lang=tl)
    return [f["evidence"]["reason"] for f in fl]


def test_thousands_separator_is_one_number_both_ways():
    assert _r("共有32,308人", "There are 32,308 people", "zh", "en") == []
    assert _r("There are 32,308 people", "共有32,308人", "en", "zh") == []
    assert _r("There are 32,308 people", "Es gibt 32.308 Menschen", "en", "de") == []
    assert _r("Es gibt 32.308 Menschen", "There are 32,308 people", "de", "en") == []
    assert _r("There are 32,308 people", "共有32,380人", "en", "zh") == [
        "source number(s) 32,308 changed; target has 32380"
    ]


def test_scale_words_and_wan_yi():
    assert _r("3.5 million users", "350万用户", "en", "zh") == []
    assert _r("2 billion", "20亿", "en", "ja") == []
    assert _r("350万用户", "3.5 million users", "zh", "en") == []
    assert _r("1,5 Millionen Nutzer", "1.5 million users", "de", "en") == []
    assert _r("3.5 million users", "35万用户", "en", "zh") != []


def test_identifiers_are_not_numbers():
    assert _r("Enable I2C on the S3 board", "在 S3 板上启用 I2C", "en", "zh") == []
    assert _r("COVID-19 cases", "新冠病例", "en", "zh") == []
    assert _r("I2C 总线", "the I2C bus", "zh", "en") == []


def test_percent_and_range():
    assert _r("50% of 10-20 files", "10-20 个文件中的 50%", "en", "zh") == []
    assert _r("Read 10-20 files", "Lesen Sie 10-25 Dateien", "en", "de") != []
