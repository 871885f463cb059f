"""Tests that kill the mutants of ``pipeline/readers/tm.py`` the suite let through (issue 21,
``make mutate``): the private-use characters that stand for markup."""

from __future__ import annotations

from itertools import islice

from pipeline.readers.tm import PUA_START, _local, _placeholders, xml_target


def take(avoid: str, n: int) -> list[int]:
    return [ord(c) for c in islice(_placeholders(avoid), n)]


def test_placeholders_count_up_from_the_start_of_the_private_use_area():
    assert PUA_START == 0xE000
    assert take("", 3) == [0xE000, 0xE001, 0xE002]


def test_characters_the_text_already_uses_are_skipped():
    # both ends of the BMP private use area E000..F8FF count as taken
    assert take("a\ue000\ue002", 2) == [0xE001, 0xE003]
    everything = take("\uf8ff", 0xF8FF - 0xE000 + 1)  # E000..F8FE is 6399 of them
    assert everything[-2:] == [0xF8FE, 0xF0000]  # F8FF taken, then plane 15's area


def test_after_the_bmp_area_comes_plane_15_not_the_cjk_compatibility_block():
    everything = take("", 0xF8FF - 0xE000 + 3)
    assert everything[-3:] == [0xF8FF, 0xF0000, 0xF0001]
    assert 0xF900 not in everything


def test_a_prefixed_xml_name_is_its_local_part():
    # expat without namespace processing keeps the prefix
    assert _local("xliff:g") == "g"
    assert _local("g") == "g"


def test_a_placeholder_never_reuses_a_private_use_character_of_the_text():
    tt = xml_target("\ue000<x/>")
    assert tt.text == "\ue000\ue001"
    assert tt.tokens == {"\ue001": "<x/>"}


def test_a_native_code_element_is_one_placeholder_with_everything_inside():
    # nested same-name element: the outer one ends at the second </ph>
    tt = xml_target("<ph>a<ph>b</ph>c</ph>d")
    assert tt.text == "\ue000d"
    assert tt.tokens == {"\ue000": "<ph>a<ph>b</ph>c</ph>"}
    # an empty same-name element inside opens nothing
    tt = xml_target("<ph>a<ph/>b</ph>d")
    assert tt.tokens == {"\ue000": "<ph>a<ph/>b</ph>"}
    # an element of another name inside does not count towards the depth
    tt = xml_target("<ph>a<sub>b</sub>c</ph>d")
    assert tt.text == "\ue000d"
    assert tt.tokens == {"\ue000": "<ph>a<sub>b</sub>c</ph>"}


def test_character_references_in_hex_either_case_and_decimal():
    # &#X41; = A, &#x42; = B, &#67; = C, &amp; = &
    assert xml_target("&#X41;&#x42;&#67;&amp;").text == "ABC&"


def test_why_a_target_cannot_replace_the_original():
    from pipeline.readers.tm import placeholder_problem

    tt = xml_target("a<x/>b<y/>c<z/>d<w/>")  # placeholders E000..E003 in that order
    assert tt.text == "a\ue000b\ue001c\ue002d\ue003"
    assert placeholder_problem(tt, tt.text) is None
    # the first three lost, in their order
    assert placeholder_problem(tt, "abcd") == "inline markup lost: <x/>, <y/>, <z/>"
    swapped = "a\ue001b\ue000c\ue002d\ue003"
    assert placeholder_problem(tt, swapped) == "inline markup duplicated or reordered"
    assert placeholder_problem(tt, tt.text + "\x01") == "character U+0001 is not allowed in XML"
    plain = xml_target("Open {0}")
    assert placeholder_problem(plain, "Open") == "placeholders changed: lost {0}"
    assert placeholder_problem(plain, "Open {0} {1}") == "placeholders changed: added {1}"


def test_placeholders_both_lost_and_added():
    from pipeline.readers.tm import placeholder_problem

    plain = xml_target("Open {0}")
    assert placeholder_problem(plain, "Open {1}") == "placeholders changed: lost {0}; added {1}"


def test_line_numbers_of_byte_offsets():
    from pipeline.readers.tm import LineIndex

    lines = LineIndex(b"ab\ncd\n\nef")  # new lines at offsets 2, 5 and 6
    # an offset on a line, or on the new line that ends it, is that line
    assert [lines.line(o) for o in (0, 2, 3, 5, 6, 7, 8)] == [1, 1, 2, 2, 3, 4, 4]


def test_same_language_needs_both_languages():
    from pipeline.readers.tm import same_language

    assert same_language("en", "en-US") and same_language("zh-Hans", "zh-CN")
    assert same_language(None, None) is False  # a bool, not just falsy
    assert same_language("", "") is False
    assert same_language("en", None) is False
    assert same_language("en", "de") is False
