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
