"""Tests that kill the mutants of ``pipeline/resume.py`` the suite let through (issue 21,
``make mutate``): which config values the resume fingerprint treats as paths."""

from __future__ import annotations

from pipeline.resume import _path_values


def test_config_strings_that_look_like_paths():
    config = {
        "a": ["x/y", "plain", "terms.tsv", "two\nlines/x.tsv"],
        "b": ("dir/z",),
        "c": {"d": "glossary.tsv", "e": 3, "f": None},
    }
    # a separator or a suffix makes a path; a new line never does; numbers are not strings
    assert list(_path_values(config)) == ["x/y", "terms.tsv", "dir/z", "glossary.tsv"]
