"""``tools/mutate.py``'s line engine: which mutants it makes (issue 21). Each expectation is
written out by hand from the source below."""

from __future__ import annotations

import importlib.util
import sys

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("mutate_tool", ROOT / "tools" / "mutate.py")
assert _spec is not None and _spec.loader is not None
mutate = importlib.util.module_from_spec(_spec)
sys.modules["mutate_tool"] = mutate
_spec.loader.exec_module(mutate)

SOURCE = '''"""Module docstring: "not" mutated."""
from __future__ import annotations

LIMIT = 3


def f(a: int | None, *args: int, b: str = "x") -> bool | None:
    """Docstring."""
    if a is None or not args:
        return False
    return a + 1 >= LIMIT and b in "xy"  # pragma: no mutate


def g(items: list[int]) -> int:
    total = -1
    for i in items:
        if i == 0:
            continue
        total += i * 2
    return total
'''


def after(line: int) -> list[str]:
    return [m.after.strip() for m in mutate.mutants_of(SOURCE) if m.line == line]


def test_only_function_bodies_and_no_docstrings_annotations_or_pragmas():
    lines = {m.line for m in mutate.mutants_of(SOURCE)}
    # module level (1-4), signatures (7, 14: annotations, defaults, *args), docstrings (8),
    # the pragma line (11) and the ``in`` of a ``for`` (``not in`` would not compile, 16) are
    # left alone
    assert lines == {9, 10, 15, 17, 18, 19, 20}


def test_the_operators_of_one_line():
    assert after(9) == [
        "if a is not None or not args:",
        "if a is None and not args:",
        "if a is None or args:",
    ]
    assert after(10) == ["return None", "return True"]


def test_binary_operators_only_numbers_and_returns():
    # the unary minus of -1 is not a binary operator: only the number changes
    assert after(15) == ["total = -2"]
    assert after(17) == ["if i != 0:", "if i == 1:"]
    assert after(18) == ["break"]
    assert after(19) == ["total -= i * 2", "total += i / 2", "total += i * 3"]
    assert after(20) == ["return None"]


def test_every_mutant_compiles_and_differs():
    ms = mutate.mutants_of(SOURCE)
    assert [m.ident for m in ms] == list(range(1, len(ms) + 1))
    for m in ms:
        compile(m.source, "<m>", "exec")
        assert m.source != SOURCE


STATEMENTS = """def h(x):
    if (x and
            x > 1):
        raise ValueError(
            "a"
            "b"
        )
    try:
        y = 1
    except OSError:
        y = 2
    return y
"""


def test_a_line_inside_a_statement_maps_to_its_first_line():
    # coverage reports a statement on its first line; a compound statement is its header only
    starts = mutate.statement_starts(STATEMENTS)
    assert starts == {1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 4, 8: 8, 9: 9, 11: 11, 12: 12}


def test_the_lines_a_test_runs_in_another_process_are_its_own(tmp_path, monkeypatch):
    import subprocess

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text("def f(x):\n    y = x + 1\n    return y\n")
    monkeypatch.delenv("COVERAGE_PROCESS_START", raising=False)
    monkeypatch.setenv(mutate._SUB_CONTEXT, "tests/test_x.py::test_one")
    mutate._subprocess_coverage(tmp_path, "pkg/mod.py")
    try:
        subprocess.run(
            [sys.executable, "-c", "import pkg.mod; pkg.mod.f(1)"], cwd=tmp_path, check=True
        )
    finally:
        monkeypatch.delenv("COVERAGE_PROCESS_START")
    lines = mutate._subprocess_lines(tmp_path)
    assert lines == {
        1: {"tests/test_x.py::test_one"},
        2: {"tests/test_x.py::test_one"},
        3: {"tests/test_x.py::test_one"},
    }


def test_a_mutant_range_is_inclusive_and_refuses_nonsense():
    import argparse

    import pytest

    assert mutate._mutant_range("229-397") == (229, 397)
    assert mutate._mutant_range("7") == (7, 7)
    for bad in ("0-3", "9-2", "a-b", "3-"):
        with pytest.raises(argparse.ArgumentTypeError):
            mutate._mutant_range(bad)
