"""False alarms seen on real PO files (django-debug-toolbar de), as hand-made units."""

from tests.checks.helpers import flags_of, row, run_stage


def test_plural_forms_of_one_unit_are_not_inconsistent():
    rows = [
        row(
            "%(n)d Empfänger von %(m)d Signalen",
            source="%(n)d receiver of %(m)d signals",
            record="%(n)d receiver of %(m)d signals\x000",
        ),
        row(
            "%(n)d Empfänger von %(m)d Signalen",
            source="%(n)d receivers of %(m)d signals",
            record="%(n)d receiver of %(m)d signals\x001",
        ),
    ]
    for check in ("duplicate", "translation_inconsistency", "inconsistency"):
        assert [r["flags"] for r in run_stage(check, [dict(r) for r in rows])] == [[], []]


def test_angle_brackets_around_words_are_not_tags():
    assert flags_of("tag_mismatch", "<kein View>", source="<no view>") == []
    assert flags_of("tag_mismatch", '<a href="x">y</a>', source='<a href="x">y</a>') == []


def test_same_script_copy_is_minor_near_copy_none():
    kw = {"src_lang": "en", "tgt_lang": "de"}
    fl = flags_of("source_copy", "Read uncommitted", source="Read uncommitted", **kw)
    assert [f["severity"] for f in fl] == ["minor"]
    src = "Templates (%(num)s rendered)"
    assert flags_of("source_copy", "Templates (%(num)s gerendert)", source=src, **kw) == []
    zh = flags_of(
        "source_copy", "打开设置窗口", source="打开设置窗口", src_lang="zh", tgt_lang="en"
    )
    assert [f["severity"] for f in zh] == ["critical"]


def test_placeholders_do_not_make_a_latin_target_english():
    fl = flags_of(
        "language_id",
        "%(cache_calls)d Abfragen in %(time).2fms",
        source="%(cache_calls)d calls in %(time).2fms",
        tgt_lang="de",
    )
    assert fl == []


# Noise seen on Symfony's XLIFF catalogues (de) and django-constance (zh), as hand-made units.
DE = [
    (
        "Please choose a valid colour from the list below.",
        "Bitte wählen Sie eine gültige Farbe aus der Liste unten.",
    ),
    (
        "Please choose a valid language from the list below.",
        "Bitte wählen Sie eine gültige Sprache aus der Liste unten.",
    ),
    (
        "Please choose a valid language from the list below.",
        "Bitte wählen Sie eine gültige Sprache aus der Liste unten.",
    ),
]


def test_german_nouns_in_differently_sourced_units_are_no_name_swap():
    bilingual = [row(t, source=s, tgt_lang="de", record=str(i)) for i, (s, t) in enumerate(DE)]
    assert [r["flags"] for r in run_stage("inconsistency", bilingual)] == [[], [], []]
    # the same sentences as monolingual text: the rarer "Farbe" is a name swap
    mono = [row(t, tgt_lang="de", record=str(i)) for i, (_, t) in enumerate(DE)]
    found = [[f["check"] for f in r["flags"]] for r in run_stage("inconsistency", mono)]
    # "Farbe" is the rarer name: flagged against each of the two "Sprache" sentences
    assert found == [["inconsistency", "inconsistency"], [], []]


def test_one_target_for_short_or_variant_sources_is_no_duplicate():
    units = [
        ("Constance模块", "constance"),
        ("Constance模块", "Constances"),
        ("Cette valeur n'est pas une date valide.", "This value is not a valid date."),
        ("Cette valeur n'est pas une date valide.", "This value is not a valid datetime."),
    ]
    rows = [row(t, source=s, record=str(i)) for i, (t, s) in enumerate(units)]
    found = [[f["check"] for f in r["flags"]] for r in run_stage("duplicate", rows)]
    # "datetime" is not "date": the copied translation loses what the source adds
    assert found == [[], [], [], ["duplicate"]]


def test_latin_names_and_terms_in_cjk_targets_are_not_another_language():
    for target, source, lang in [
        ("Constance模块", "constance", "zh"),
        ("URL名", "URL name", "ja"),
        ("有効なISBN-13コードではありません。", "This value is not a valid ISBN-13.", "ja"),
        ("通过 Amazon S3 上传文件", "Upload files via cloud storage", "zh"),
    ]:
        assert flags_of("language_id", target, source=source, tgt_lang=lang) == [], target
    # a sentence left in English is still another language
    english = "This value should be of the given type and nothing else"
    fl = flags_of("language_id", english, source="值的类型不对", tgt_lang="zh")
    assert [f["severity"] for f in fl] == ["critical"]


def test_a_tail_the_source_has_too_is_no_keyword_tail():
    kw = {"src_lang": "zh", "tgt_lang": "en"}
    faithful = "Failed to save the app: it no longer exists | save_app"
    assert (
        flags_of("keyword_tail", faithful, source="应用保存失败：应用已不存在 | save_app", **kw)
        == []
    )
    fl = flags_of("keyword_tail", faithful, source="应用保存失败：应用已不存在", **kw)
    assert [f["evidence"]["text"] for f in fl] == [" | save_app"]


def test_a_space_only_the_target_adds_is_minor_a_lost_one_major():
    kw = {"tgt_lang": "de"}
    assert [
        f["severity"] for f in flags_of("whitespace_mismatch", "Name ", source="Name", **kw)
    ] == ["minor"]
    assert [
        f["severity"] for f in flags_of("whitespace_mismatch", "Name", source="Name ", **kw)
    ] == ["major"]
    lost_newline = flags_of("whitespace_mismatch", "Zeile", source="Line\n", **kw)
    assert [f["severity"] for f in lost_newline] == ["major"]


def test_a_source_already_in_the_target_language_may_be_copied():
    kw = {"src_lang": "zh", "tgt_lang": "en"}
    assert flags_of("source_copy", "secret key", source="secret key", **kw) == []
    copied = flags_of("source_copy", "任务名称不能为空", source="任务名称不能为空", **kw)
    assert [f["severity"] for f in copied] == ["critical"]


def test_checks_count_the_rows_of_pairs_they_do_not_judge():
    from pipeline.checks.capitals import StartCapital
    from pipeline.checks.truncation import Truncation

    trunc = Truncation()
    for lang in ("en", "de", "ja"):
        r = row("Klicken Sie hier, um die Datei zu öffnen, und dann", tgt_lang=lang)
        r.update(source="Click here to open the file and then.", line_first=True, line_end=True)
        trunc.check_row(r)
    # the dangling-word list is English: German and Japanese rows skip that part
    assert trunc.take_stats() == {"skipped_pair_dangling_words": 2}
    caps = StartCapital()
    for lang in ("de", "zh", "ja"):
        caps.check_row(row("speichern", source="Save", src_lang="en", tgt_lang=lang))
    assert caps.take_stats() == {"skipped_pair": 2}


def test_a_target_may_end_a_sentence_its_source_leaves_open():
    assert (
        flags_of(
            "end_punctuation",
            "Veuillez corriger l'erreur suivante.",
            source="Please correct the error below",
        )
        == []
    )
    assert flags_of("end_punctuation", "Séparés par ,", source="以英文逗号分隔") == []
    # what the source has, the target keeps
    lost = flags_of("end_punctuation", "Fehler beim Speichern", source="Saving failed: ")
    assert lost == []  # a colon ending a label is too weak alone
    cut = flags_of("end_punctuation", "Task parameters set failed", source="任务参数设置失败，")
    assert [f["evidence"]["reason"] for f in cut] == [
        "source ends with comma, target with no punctuation"
    ]


def test_latin_words_in_chinese_count_as_words_not_letters():
    from pipeline.checks.length_ratio import length_units

    # 8 Han characters + one Latin word (2 units)
    assert length_units("流程实例节点标签 NodeInInstanceAttrLabel", "zh") == 10
    assert length_units("磁盘 2G 空间", "zh") == 6
    fl = flags_of(
        "length_ratio",
        "Instance node label NodeInInstanceAttrLabel",
        source="流程实例节点标签 NodeInInstanceAttrLabel",
        src_lang="zh",
        tgt_lang="en",
    )
    assert fl == []  # the target is the label's code name: not judged


def test_a_target_keeping_only_the_sources_name_is_no_copy():
    kw = {"src_lang": "zh", "tgt_lang": "en"}
    assert (
        flags_of(
            "source_copy", "EnvironmentVariables", source="环境变量 EnvironmentVariables", **kw
        )
        == []
    )
    assert (
        flags_of("source_copy", "Constance模块", source="constance", src_lang="en", tgt_lang="zh")
        == []
    )
    # the text itself copied is still a copy, names or not
    copied = flags_of(
        "source_copy",
        "This value is not a valid week.",
        source="This value is not a valid week.",
        src_lang="en",
        tgt_lang="ja",
    )
    assert [f["severity"] for f in copied] == ["critical"]


def test_one_target_for_plural_and_spacing_variants_is_consistent():
    units = [
        ("シグナル", "Signal"),
        ("シグナル", "Signals"),
        ("BK-Net ID", "管控区域 ID"),
        ("BK-Net ID", "管控区域ID"),
        ("Signal", "信号"),
        ("Signale", "信号们"),
    ]
    rows = [row(t, source=s, record=str(i)) for i, (t, s) in enumerate(units)]
    found = [[f["check"] for f in r["flags"]] for r in run_stage("translation_inconsistency", rows)]
    assert found == [[], [], [], [], [], []]
    # "Signal" and "Signals" are still two sources: two targets for them are no finding either,
    # but one source with two targets is
    rows = [row(t, source="Signals", record=str(i)) for i, t in enumerate(["Signale", "Signals"])]
    found = [[f["check"] for f in r["flags"]] for r in run_stage("translation_inconsistency", rows)]
    assert found == [[], ["translation_inconsistency"]]


def test_class_names_written_with_spaces_are_kept_names():
    kw = {"src_lang": "zh", "tgt_lang": "en"}
    assert (
        flags_of("entity_mismatch", "Common Template", source="公共流程模板 CommonTemplate", **kw)
        == []
    )
    lost = flags_of("entity_mismatch", "Set Attribute", source="集群属性ID", **kw)
    assert [f["evidence"]["reason"] for f in lost] == ["source name(s) ID missing from the target"]


def test_a_stop_for_an_exclamation_and_a_colon_for_a_comma_are_fine():
    assert (
        flags_of(
            "end_punctuation",
            "Sorry, that word is not allowed here!",
            source="Watch your words. That word is not allowed here.",
        )
        == []
    )
    assert flags_of("end_punctuation", "API error:", source="接口异常，") == []
    assert flags_of("end_punctuation", "Separated by `,`", source="默认使用 ,") == []


def test_same_script_copies_of_one_word_or_with_changed_spelling_are_fine():
    kw = {"src_lang": "en", "tgt_lang": "fr"}
    assert flags_of("source_copy", "date", source="date", **kw) == []
    assert (
        flags_of("source_copy", "URL-Name", source="URL name", src_lang="en", tgt_lang="de") == []
    )
    fl = flags_of(
        "source_copy", "Read committed", source="Read committed", src_lang="en", tgt_lang="de"
    )
    assert [f["severity"] for f in fl] == ["minor"]


def test_a_doubled_numeral_is_an_adverb_not_a_number():
    kw = {"src_lang": "zh", "tgt_lang": "en"}
    target = "Must correspond one to one with the inner IPs"
    assert flags_of("number_mismatch", target, source="需与内网IP一一对应", **kw) == []
    lost = flags_of("number_mismatch", "Average load", source="15分钟平均负载", **kw)
    assert [f["check"] for f in lost] == ["number_mismatch"]
