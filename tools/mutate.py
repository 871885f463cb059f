"""Mutation testing of the core modules: ``make mutate`` (line engine), ``make mutate-ci`` (mutmut).

``--per-module`` (``make mutate``) runs the line engine described further down: each module's
tests once under coverage, then each mutant against only the tests that ran its line. Without
``--per-module`` (or with ``--engine mutmut``) mutmut 3 runs, as below.

mutmut: copies the project into a scratch folder, adds the ``[tool.mutmut]`` table there (so
the real pyproject stays as it is when the table is missing), runs ``mutmut run`` and prints

    mutation score: 87.3% (412 killed of 472 with tests; 60 survived, 3 timeout, 0 no tests)

and then every surviving mutant with its diff (``--diffs``) or name. Mutants that no selected
test reaches count as not killed. Too slow for every CI run (minutes per module on two cores):
run it before merging a change to a core module or its tests, and at least weekly.
``--modules`` narrows the run for a quick look, e.g. the small subset CI can afford:

    python tools/mutate.py --modules pipeline/stages/combine.py pipeline/stages/decide.py
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import keyword
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# The modules whose tests are strong enough to hold a score target (issue 12: >= 85% killed).
# Readers, writers and the runner's accounting join after the core rewrite is merged.
MODULES = [
    "pipeline/stages/combine.py",
    "pipeline/stages/decide.py",
    "pipeline/glossary/stage.py",
    "pipeline/glossary/matcher.py",
    "pipeline/glossary/termbase.py",
    "pipeline/checks/truncation.py",
    "pipeline/checks/boilerplate.py",
    "pipeline/checks/glossary_hook.py",
    "pipeline/text/segment.py",
    "pipeline/readers/text.py",
    "pipeline/readers/jsonl.py",
    "pipeline/readers/table.py",
    "pipeline/writers/cleaned.py",
    "pipeline/shards.py",
    # issue 21: the modules whose injected bugs survived the suite
    "pipeline/readers/tm.py",
    "pipeline/readers/tmx.py",
    "pipeline/readers/xliff.py",
    "pipeline/readers/xmltm.py",
    "pipeline/readers/po.py",
    "pipeline/review/apply.py",
    "pipeline/quality/regress.py",
    "pipeline/quality/consensus.py",
    "pipeline/executor/work.py",
    "pipeline/runner.py",
    "pipeline/stages/guards.py",
    # the runner was split: assembly.py, executor/driver.py and resume.py
    "pipeline/executor/driver.py",
    "pipeline/resume.py",
]
# Fast, in-process tests that exercise those modules (subprocess CLI tests and slow ones are
# left out: mutmut runs the tests that cover each mutated function, many times over).
TESTS = [
    "tests/stages/test_combine.py",
    "tests/stages/test_decide.py",
    "tests/glossary/test_stage.py",
    "tests/glossary/test_matcher.py",
    "tests/glossary/test_termbase.py",
    "tests/glossary/test_hostile_termbases.py",
    "tests/checks",
    "tests/text/test_segment.py",
    "tests/test_cases.py",
    "tests/readers/test_readers.py",
    "tests/test_accounting.py",
    "tests/readers/test_pinned.py",
    "tests/readers",
    "tests/review/test_apply.py",
    "tests/review/test_apply_hits.py",
    "tests/quality/test_regress.py",
    "tests/quality/test_regress_directions.py",
    "tests/quality/test_consensus.py",
    "tests/quality/test_score_peers.py",
    "tests/quality/test_score_stage.py",
    "tests/quality/test_consensus_mutants.py",
    "tests/test_multishard.py",
    "tests/test_executor_work_mutants.py",
    "tests/test_executor_driver_mutants.py",
    "tests/test_run_survivors.py",
    "tests/mt/test_retranslate_terms.py",
    "tests/mt/test_parts.py",
    "tests/mt/test_guard_bounds.py",
]
# ``--per-module``: each module mutated on its own against only the tests that cover it, so a
# run can be spread over time (or machines) and the score read per module.
# (in-process runs only: a CLI subprocess per mutant is too slow for two cores)
_RUN = [
    "tests/test_multishard.py",
    "tests/test_accounting.py",
    "tests/test_executor_work_mutants.py",
    "tests/test_executor_driver_mutants.py",
]
_TM = ["tests/readers", "tests/test_accounting.py"]
TESTS_FOR: dict[str, list[str]] = {
    "pipeline/stages/combine.py": ["tests/stages/test_combine.py", "tests/test_cases.py"],
    "pipeline/stages/decide.py": ["tests/stages/test_decide.py", "tests/test_cases.py"],
    "pipeline/glossary/stage.py": ["tests/glossary/test_stage.py"],
    "pipeline/glossary/matcher.py": [
        "tests/glossary/test_matcher.py",
        "tests/glossary/test_stage.py",
    ],
    "pipeline/glossary/termbase.py": [
        "tests/glossary/test_termbase.py",
        "tests/glossary/test_hostile_termbases.py",
    ],
    "pipeline/checks/truncation.py": [
        "tests/checks/test_truncation.py",
        "tests/checks/test_truncation_mutants.py",
        "tests/test_cases.py",
    ],
    "pipeline/checks/boilerplate.py": [
        "tests/checks/test_boilerplate.py",
        "tests/checks/test_boilerplate_mutants.py",
    ],
    "pipeline/checks/glossary_hook.py": ["tests/checks/test_glossary_hook.py"],
    "pipeline/text/segment.py": ["tests/text/test_segment.py"],
    "pipeline/readers/text.py": _TM,
    "pipeline/readers/jsonl.py": _TM,
    "pipeline/readers/table.py": _TM,
    "pipeline/writers/cleaned.py": [*_TM, "tests/test_cleaned_mutants.py"],
    "pipeline/shards.py": [*_TM, "tests/test_multishard.py", "tests/test_shards_mutants.py"],
    "pipeline/readers/tm.py": _TM,
    "pipeline/readers/tmx.py": _TM,
    "pipeline/readers/xliff.py": _TM,
    "pipeline/readers/xmltm.py": _TM,
    "pipeline/readers/po.py": _TM,
    "pipeline/review/apply.py": [
        "tests/review/test_apply.py",
        "tests/review/test_apply_hits.py",
        "tests/review/test_apply_mutants.py",
    ],
    "pipeline/quality/regress.py": [
        "tests/quality/test_regress.py",
        "tests/quality/test_regress_gate.py",
        "tests/quality/test_regress_directions.py",
        "tests/quality/test_regress_mutants.py",
    ],
    "pipeline/quality/consensus.py": [
        "tests/quality/test_consensus.py",
        "tests/quality/test_score_peers.py",
        "tests/quality/test_consensus_mutants.py",
        "tests/quality/test_consensus_paths.py",  # chrf_matrix's two counting paths
    ],
    "pipeline/executor/work.py": [*_RUN, "tests/test_executor_judge_mutants.py"],  # stats via judge
    # runner/resume: in-process runs first (coverage sees them directly); test_run_survivors
    # runs the CLI in a subprocess (globs, gold sidecars, --src-lang, modes), which the line
    # engine now measures too (COVERAGE_PROCESS_START); its 7 tests keep a survivor's recheck
    # short. The slower CLI files (test_cli, test_reliability, test_core) are left out.
    "pipeline/runner.py": [
        *_RUN,
        "tests/test_runner_mutants.py",  # refusals, resume over outputs, timings, metrics
        "tests/test_run_survivors.py",
    ],
    "pipeline/executor/driver.py": [
        *_RUN,
        "tests/stages/test_stage_model.py",
        "tests/test_executor_resume_mutants.py",  # a resume sends only unfinished tasks
    ],
    # resume: its pieces directly, then resumes refused / continued through run() and the CLI;
    # _RUN's whole-pipeline files add nothing here and would triple a survivor's recheck.
    "pipeline/resume.py": [
        "tests/test_resume_mutants.py",
        "tests/test_resume_mutants_units.py",  # fingerprint, mismatch, HashingReader
        "tests/test_runner_mutants.py",
        "tests/test_run_survivors.py",  # an input edited to the same size is refused
    ],
    "pipeline/stages/guards.py": [
        "tests/mt/test_retranslate_terms.py",
        "tests/mt/test_parts.py",
        "tests/mt/test_guard_bounds.py",
        "tests/mt/test_guards_mutants.py",
    ],
}
PYTEST_ARGS = [
    "-m",
    "not slow",
    "-p",
    "no:cacheprovider",
    "-x",
    "-q",
    "-p",
    "no:xdist",
    "--timeout=0",
]


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def mutmut_table(modules: list[str], tests: list[str]) -> str:
    """The ``[tool.mutmut]`` table (the same one HANDOFF-tests.md proposes for pyproject)."""
    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["pipeline"]\n'
        f"only_mutate = {toml_list(modules)}\n"
        'also_copy = ["glossary", "samples"]\n'
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        f"pytest_add_cli_args = {toml_list(PYTEST_ARGS)}\n"
    )


def prepare(work: Path, modules: list[str], tests: list[str]) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in ("pipeline", "tests", "glossary", "samples"):
        shutil.copytree(
            ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r"\n\[tool\.mutmut\][^\[]*", "\n", text)  # ours replaces any existing one
    # mutmut runs pytest in process, many times: serial, no suite timeout (no -n, no --timeout).
    text = re.sub(r"(?m)^addopts = .*$", 'addopts = "-ra"', text)
    (work / "pyproject.toml").write_text(text + mutmut_table(modules, tests), encoding="utf-8")


def mutmut(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("mutmut")
    # mutmut puts its mutated copy first on sys.path itself; a PYTHONPATH would confuse it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(exe), *args], cwd=work, env=env, capture_output=True, text=True, check=False
    )


def score_of(stats: dict[str, int]) -> tuple[float, int]:
    """Percent killed of the mutants that ran (mutmut's skipped ones left out), and that count."""
    tested = stats["total"] - stats["skipped"]
    return (100.0 * stats["killed"] / tested if tested else 0.0), tested


def run_once(
    work: Path, modules: list[str], tests: list[str], max_children: int
) -> tuple[dict[str, int], list[tuple[str, str]]] | None:
    """Mutate ``modules`` against ``tests`` in ``work``: mutmut's counts and the mutants not
    killed, or None (with mutmut's output on stderr) when mutmut itself failed."""
    prepare(work, modules, tests)
    run = mutmut(work, "run", "--max-children", str(max_children))
    if run.returncode != 0 and "killed" not in run.stdout + run.stderr:
        sys.stderr.write(run.stdout[-4000:] + run.stderr[-4000:])
        return None
    mutmut(work, "export-cicd-stats")
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    listing = mutmut(work, "results").stdout
    rows = [ln.strip().rsplit(": ", 1) for ln in listing.splitlines() if ": " in ln]
    return stats, [(name, status) for name, status in rows if status != "killed"]


def print_not_killed(work: Path, not_killed: list[tuple[str, str]], diffs: bool) -> None:
    if not_killed:
        print("not killed:")
    for name, status in not_killed:
        print(f"  {name}: {status}")
        if diffs:
            diff = mutmut(work, "show", name).stdout
            print("\n".join("    " + ln for ln in diff.splitlines()[1:]))


# ---------------------------------------------------------------------------------------------
# The line engine (issue 21): ``--per-module`` runs each module with its own mutants, selected
# tests and a fork per mutant, so the enlarged module list finishes on two cores.
#
# 1. Mutants: one token (or a ``return`` value) changed at a time: comparison and arithmetic
#    operators swapped, ``and``/``or``, ``not`` dropped, ``True``/``False``, numbers + 1, strings
#    wrapped in ``XX``, ``break``/``continue``, ``return x`` -> ``return None``. Docstrings,
#    annotations and lines marked ``# pragma: no mutate`` are left alone; a change that does not
#    compile or leaves the AST as it was is not a mutant.
# 2. Coverage: the module's candidate tests (TESTS_FOR, ``-m "not slow"``) run once under
#    coverage with one dynamic context per test (node id); each test's time is kept. Tests that
#    fail on the unchanged code are left out (and counted).
# 3. Per mutant: only the tests that executed the mutated line, fastest first, fail-fast (-x),
#    no xdist, in a forked child of a process that has already imported the third-party
#    libraries; a child that outlives its timeout is killed and the mutant counted killed
#    ("timeout", listed apart). A line run only at import (module level) selects every test.
# 4. A mutant that survives its selection (or that no test reached) is run again against the
#    module's whole candidate set before it is reported: coverage misses what runs in another
#    process (CLI tests in a subprocess), so the selection can only under-report kills; a kill
#    found only by the full set is counted killed and listed as "full".
#    ``--check-selection N`` reruns N mutants the selection killed against the full set too, as
#    a check that the selection never reports a kill the full set would not.
# ---------------------------------------------------------------------------------------------

_SWAP = {
    "==": "!=",
    "!=": "==",
    "<": "<=",
    "<=": "<",
    ">": ">=",
    ">=": ">",
    "+": "-",
    "-": "+",
    "*": "/",
    "/": "*",
    "//": "/",
    "%": "/",
    "+=": "-=",
    "-=": "+=",
    "|": "&",
    "&": "|",
    "and": "or",
    "or": "and",
    "True": "False",
    "False": "True",
    "break": "continue",
    "continue": "break",
    "is": "is not",
    "in": "not in",
}
_BINARY = {"+", "-", "*", "/", "//", "%", "|", "&"}
_OPERAND_END = {")", "]", "}"}


@dataclass
class Mutant:
    ident: int
    line: int
    before: str  # the source line as it was
    after: str  # the source line mutated
    source: str  # the whole mutated module
    status: str = ""  # killed, timeout, survived, no tests, error
    how: str = ""  # "selection", "full" (killed only by the full set), or ""
    tests: int = 0  # tests selected


def _skipped_spans(tree: ast.AST) -> list[tuple[int, int, int, int]]:
    """(line, col, end line, end col) of docstrings and annotations: not mutated."""
    spans: list[tuple[int, int, int, int]] = []

    def add(node: ast.AST | None) -> None:
        if node is not None and hasattr(node, "lineno"):
            spans.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                add(body[0])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(node.returns)
        elif isinstance(node, (ast.arg, ast.AnnAssign)):
            add(node.annotation)
    return spans


def _inside(spans: list[tuple[int, int, int, int]], row: int, col: int) -> bool:
    return any((l0, c0) <= (row, col) < (l1, c1) for l0, c0, l1, c1 in spans)


def mutants_of(source: str) -> list[Mutant]:
    """Every single-point mutant of ``source`` (see the notes above)."""
    tree = ast.parse(source)
    baseline = ast.dump(tree)
    spans = _skipped_spans(tree)
    bodies = [
        (n.body[0].lineno, n.body[0].col_offset, n.end_lineno or n.lineno, n.end_col_offset or 0)
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    lines = source.splitlines(keepends=True)
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln))

    def offset(row: int, col: int) -> int:
        # tokenize and ast columns: characters (ast: UTF-8 bytes) on the line
        return starts[row - 1] + col

    edits: list[tuple[int, int, int, str]] = []  # (line, start offset, end offset, new text)
    toks = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type
        not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    ]
    for k, tok in enumerate(toks):
        row, col = tok.start
        if "pragma: no mutate" in lines[row - 1] or _inside(spans, row, col):
            continue
        if not _inside(bodies, row, col):  # function bodies only, as mutmut 3
            continue
        prev = toks[k - 1] if k else None
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        a, b = offset(row, col), offset(*tok.end)
        text = tok.string
        if tok.type == tokenize.NUMBER:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                edits.append((row, a, b, repr(value + 1)))
        elif tok.type == tokenize.STRING:
            prefix = re.match(r"(?i)[rbuf]*", text).group(0)  # type: ignore[union-attr]
            body = text[len(prefix) :]
            quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
            edits.append(
                (row, a, b, prefix + quote + "XX" + body[len(quote) : -len(quote)] + "XX" + quote)
            )
        elif text in _SWAP and tok.type in (tokenize.OP, tokenize.NAME):
            # operators: binary only, after an operand (not *args, -1, def f(*, x), [*a])
            operand = prev is not None and (
                prev.string in _OPERAND_END
                or prev.type in (tokenize.NUMBER, tokenize.STRING)
                or (prev.type == tokenize.NAME and not keyword.iskeyword(prev.string))
                or prev.string in ("True", "False", "None")
            )
            if text in _BINARY and not operand:
                continue
            if text == "is" and nxt is not None and nxt.string == "not":
                edits.append((row, a, offset(*nxt.end), "is"))
                continue
            if text == "in" and prev is not None and prev.string == "not":
                edits.append((row, offset(*prev.start), b, "in"))
                continue
            edits.append((row, a, b, _SWAP[text]))
        elif text == "not" and tok.type == tokenize.NAME:
            if (nxt is not None and nxt.string == "in") or (
                prev is not None and prev.string == "is"
            ):
                continue  # handled with ``in`` / ``is``
            end = offset(*nxt.start) if nxt is not None else b
            edits.append((row, a, end, ""))
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and node.value is not None:
            v = node.value
            if isinstance(v, ast.Constant) and v.value is None:
                continue
            if "pragma: no mutate" in lines[node.lineno - 1]:
                continue
            a = offset(v.lineno, len(lines[v.lineno - 1].encode()[: v.col_offset].decode()))
            b = offset(
                v.end_lineno or v.lineno,
                len(lines[(v.end_lineno or v.lineno) - 1].encode()[: v.end_col_offset].decode()),
            )
            edits.append((node.lineno, a, b, "None"))

    out: list[Mutant] = []
    seen: set[str] = set()
    for row, a, b, new in sorted(edits, key=lambda e: (e[1], e[2], e[3])):
        mutated = source[:a] + new + source[b:]
        if mutated in seen:
            continue
        try:
            tree2 = ast.parse(mutated)
            compile(tree2, "<mutant>", "exec")
        except (SyntaxError, ValueError):
            continue
        if ast.dump(tree2) == baseline:
            continue
        seen.add(mutated)
        new_lines = mutated.splitlines()
        out.append(
            Mutant(
                ident=len(out) + 1,
                line=row,
                before=lines[row - 1].rstrip("\n"),
                after=new_lines[row - 1] if row - 1 < len(new_lines) else "",
                source=mutated,
            )
        )
    return out


class _Contexts:
    """pytest plugin: a coverage context per test, and each test's time and outcome."""

    def __init__(self, cov: Any) -> None:
        self.cov = cov
        self.seconds: dict[str, float] = {}
        self.failed: set[str] = set()
        self.spawners: set[str] = set()  # tests that started another process
        self.current = ""
        popen_init = subprocess.Popen.__init__
        fork = os.fork

        def spying_init(popen: Any, *a: Any, **k: Any) -> None:
            self.spawners.add(self.current)
            popen_init(popen, *a, **k)

        def spying_fork() -> int:
            self.spawners.add(self.current)
            return fork()

        subprocess.Popen.__init__ = spying_init  # type: ignore[method-assign]
        os.fork = spying_fork

    def pytest_runtest_setup(self, item: Any) -> None:
        self.current = item.nodeid
        self.cov.switch_context(item.nodeid)
        os.environ[_SUB_CONTEXT] = item.nodeid  # the context of the processes this test starts

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration
        if report.failed:
            self.failed.add(report.nodeid)


_PYTEST = [
    "-p",
    "no:cacheprovider",
    "-p",
    "no:xdist",
    "-p",
    "no:randomly",
    "-m",
    "not slow",
    "--timeout=0",
    "-q",
    "-o",
    "addopts=",
]


def _in_child(fn: Any, timeout: float) -> tuple[str, int]:
    """Run ``fn() -> exit code`` in a forked child with its own process group; ("ok", rc) or
    ("timeout", -1) when it outlives ``timeout`` (the group is killed)."""
    pid = os.fork()
    if pid == 0:  # child
        rc = 3
        try:
            os.setpgid(0, 0)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            rc = int(fn())
        except BaseException:  # the child reports through its exit code only
            rc = 3
        finally:
            os._exit(rc)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "ok", os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", -1
        time.sleep(0.02)


def _pytest_main(args: list[str], plugins: list[Any] | None = None) -> int:
    import pytest

    return int(pytest.main([*_PYTEST, *args], plugins=plugins or []))


_SUB_CONTEXT = "MTCLEAN_MUTATE_CONTEXT"


def _subprocess_coverage(work: Path, module: str) -> Path:
    """Measure the processes the tests start too (a CLI test's ``python -m pipeline``): an rc
    file named by ``COVERAGE_PROCESS_START``, which coverage's own ``.pth`` hook reads at every
    Python start-up, with the running test's node id as each process's (static) context."""
    rc = work / ".mutate-subcoverage.rc"
    rc.write_text(
        "[run]\n"
        f"data_file = {work / '.mutate-sub'}\n"
        "parallel = true\n"
        f"include = {work / module}\n"
        f"context = ${{{_SUB_CONTEXT}}}\n"
        "sigterm = true\n",
        encoding="utf-8",
    )
    os.environ["COVERAGE_PROCESS_START"] = str(rc)
    return rc


def _subprocess_lines(work: Path) -> dict[int, set[str]]:
    """{line: node ids} from the data files the tests' processes left (see above)."""
    from coverage import CoverageData

    by_line: dict[int, set[str]] = {}
    for f in sorted(work.glob(".mutate-sub.*")):
        data = CoverageData(basename=str(f))
        data.read()
        for name in data.measured_files():
            for line, ctxs in (data.contexts_by_lineno(name) or {}).items():
                by_line.setdefault(line, set()).update(c for c in ctxs if c)
    return by_line


def _coverage_pass(work: Path, module: str, tests: list[str]) -> dict[str, Any]:
    """Run ``tests`` once under coverage, in this process and in the processes they start:
    {"lines": {line: [node ids]}, "seconds": {...}, "failed": [...], "modules": [third-party
    modules imported]} (in a child, saved as JSON)."""
    out = work / ".mutate-coverage.json"

    def child() -> int:
        import coverage

        cov = coverage.Coverage(
            data_file=str(work / ".mutate-coverage"), include=[str(work / module)], branch=False
        )
        plugin = _Contexts(cov)
        _subprocess_coverage(work, module)
        cov.start()
        try:
            rc = _pytest_main(["-p", "no:randomly", *tests], [plugin])
        finally:
            cov.stop()
            os.environ.pop("COVERAGE_PROCESS_START", None)
        data = cov.get_data()
        by_line: dict[int, list[str]] = {}
        for name in data.measured_files():
            for line, ctxs in (data.contexts_by_lineno(name) or {}).items():
                by_line.setdefault(line, []).extend(c for c in ctxs)
        for line, ids in _subprocess_lines(work).items():
            # a line only another process ran is selected by the test that started it
            by_line.setdefault(line, []).extend(sorted(ids - set(by_line.get(line, []))))
        mods = sorted(
            m
            for m in sys.modules
            if "." not in m and not m.startswith(("pipeline", "tests", "conftest", "_"))
        )
        out.write_text(
            json.dumps(
                {
                    "rc": rc,
                    "lines": by_line,
                    "seconds": plugin.seconds,
                    "failed": sorted(plugin.failed),
                    "spawners": sorted(plugin.spawners),
                    "modules": mods,
                }
            )
        )
        return 0

    _in_child(child, 3600)
    got: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
    if not got:
        raise SystemExit(f"mutate: the coverage run of {module} failed")
    got["lines"] = {int(k): v for k, v in got["lines"].items()}
    return got


_COMPOUND = (
    ast.If,
    ast.For,
    ast.While,
    ast.With,
    ast.Try,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
)


def statement_starts(source: str) -> dict[int, int]:
    """{line: first line of the innermost statement that holds it}."""
    best: dict[int, tuple[int, int]] = {}  # line -> (span, first line)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt):
            first, last = node.lineno, node.end_lineno or node.lineno
            if isinstance(node, _COMPOUND):
                # a compound statement holds only its header; its body is other statements
                body = node.body[0].lineno if node.body else last + 1
                last = max(first, body - 1)
            for line in range(first, last + 1):
                if line not in best or last - first < best[line][0]:
                    best[line] = (last - first, first)
    return {line: first for line, (_, first) in best.items()}


def _warm(modules: list[str]) -> None:
    """Import the third-party modules the tests use, once, before the forks."""
    for name in modules:
        with contextlib.suppress(Exception):
            __import__(name)


def _run_tests(work: Path, mod_path: Path, source: str, args: list[str], timeout: float) -> str:
    mod_path.write_text(source, encoding="utf-8")
    kind, rc = _in_child(lambda: _pytest_main(["-x", *args]), timeout)
    if kind == "timeout":
        return "timeout"
    if rc == 0:
        return "survived"
    if rc in (1, 2, 3, 4):
        # 1: a test failed; 2-4: collection, a conftest or pytest itself failed importing the
        # mutated module (the unchanged tree passes, so the mutant broke the import)
        return "killed"
    if rc == 5:
        return "no tests"
    return "error"


def line_engine(
    work: Path,
    module: str,
    tests: list[str],
    timeout_factor: float,
    check_selection: int,
    log: Any,
    recheck: str = "spawners",
    only: tuple[int, int] | None = None,
) -> tuple[list[Mutant], dict[str, Any]]:
    """Mutate ``module`` against ``tests`` (see the notes above): the mutants with their status,
    and facts about the run (baseline failures, coverage time, ...)."""
    prepare(work, [module], tests)
    src_path = work / module
    original = src_path.read_text(encoding="utf-8")
    here = os.getcwd()
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    os.chdir(work)
    sys.path.insert(0, str(work))
    # the processes the tests start import the mutated tree too, whatever their folder
    old_pythonpath = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(work), old_pythonpath]))
    facts: dict[str, Any] = {}
    try:
        t0 = time.monotonic()
        cov = _coverage_pass(work, module, tests)
        facts["coverage_s"] = time.monotonic() - t0
        failed = set(cov["failed"])
        facts["baseline_failed"] = sorted(failed)
        seconds: dict[str, float] = cov["seconds"]
        everything = sorted((t for t in seconds if t not in failed), key=lambda t: seconds[t])
        facts["tests"] = len(everything)
        # the full set: the candidate files minus the tests that fail on the unchanged code
        full = [*tests, *(f"--deselect={t}" for t in sorted(failed))]
        full_s = sum(seconds.get(t, 0.0) for t in everything)
        # Coverage sees every line a test runs in this process; what it cannot see is a line run
        # in another process (a CLI test's subprocess, a forked worker). So a survivor is run
        # again against the tests that started a process (``--recheck spawners``, the default)
        # or against the whole candidate set (``--recheck full``).
        spawners = [t for t in everything if t in set(cov["spawners"])]
        facts["spawners"] = len(spawners)
        _warm(cov["modules"])
        mutants = mutants_of(original)
        if only is not None:  # a slice of the module's mutants (numbers as in a whole run)
            mutants = [m for m in mutants if only[0] <= m.ident <= only[1]]
        facts["mutants"] = len(mutants)
        starts = statement_starts(original)
        t0 = time.monotonic()
        for m in mutants:
            # coverage reports a statement on its first line: a mutant on a later line of it
            # (a message string continued over lines) takes that line's tests
            ctxs = cov["lines"].get(m.line) or cov["lines"].get(starts.get(m.line, m.line), [])
            at_import = "" in ctxs
            chosen = (
                everything
                if at_import
                else sorted(
                    {c for c in ctxs if c in seconds and c not in failed}, key=lambda t: seconds[t]
                )
            )
            m.tests = len(chosen)
            if chosen:
                budget = 10.0 + timeout_factor * sum(seconds[t] for t in chosen)
                m.status = _run_tests(work, src_path, m.source, chosen, budget)
                m.how = "selection"
            else:
                m.status = "no tests"
            if m.status in ("survived", "no tests") and not at_import:
                again = _run_tests(work, src_path, m.source, full, 10.0 + timeout_factor * full_s)
                if again in ("killed", "timeout"):
                    m.status, m.how = again, "full"
            print(
                f"  #{m.ident} line {m.line}: {m.status} ({m.how}, {m.tests} tests)",
                file=log,
                flush=True,
            )
        facts["mutants_s"] = time.monotonic() - t0
        if check_selection:
            picked = [m for m in mutants if m.how == "selection" and m.status == "killed"]
            random.Random(21).shuffle(picked)
            disagree = []
            for m in picked[:check_selection]:
                if _run_tests(
                    work, src_path, m.source, full, 10.0 + timeout_factor * full_s
                ) not in (
                    "killed",
                    "timeout",
                ):
                    disagree.append(m.ident)
            facts["selection_checked"] = min(check_selection, len(picked))
            facts["selection_disagrees"] = disagree
    finally:
        src_path.write_text(original, encoding="utf-8")
        os.chdir(here)
        sys.path.remove(str(work))
        if old_pythonpath is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old_pythonpath
    return mutants, facts


def per_module_lines(args: argparse.Namespace) -> int:
    """``--per-module`` with the line engine: one row per module, then the survivors."""
    log = open(args.log, "a", encoding="utf-8") if args.log else open(os.devnull, "w")  # noqa: SIM115
    killed = tested = 0
    head = f"{'module':34} {'killed':>6} {'of':>5} {'score':>7} {'timeout':>7} {'full':>5} {'s':>6}"
    print(head, flush=True)
    rows: list[tuple[str, list[Mutant], dict[str, Any]]] = []
    for mod in args.modules:
        tests = args.tests or TESTS_FOR.get(mod, TESTS)
        work = args.workdir / mod.replace("/", "_").removesuffix(".py")
        print(f"== {mod}", file=log, flush=True)
        mutants, facts = line_engine(
            work,
            mod,
            tests,
            args.timeout_factor,
            args.check_selection,
            log,
            args.recheck,
            args.mutants,
        )
        k = sum(m.status in ("killed", "timeout") for m in mutants)
        n = len(mutants)
        killed += k
        tested += n
        score = 100.0 * k / n if n else 0.0
        secs = facts["coverage_s"] + facts["mutants_s"]
        print(
            f"{mod:34} {k:>6} {n:>5} {score:>6.1f}% "
            f"{sum(m.status == 'timeout' for m in mutants):>7} "
            f"{sum(m.how == 'full' for m in mutants):>5} {secs:>6.0f}",
            flush=True,
        )
        rows.append((mod, mutants, facts))
    for mod, mutants, facts in rows:
        print(f"-- {mod}: {facts['tests']} tests ({facts['spawners']} start a process)", end="")
        if facts["baseline_failed"]:
            print(f"; {len(facts['baseline_failed'])} fail unmutated, left out:", end="")
            print("", *facts["baseline_failed"], sep="\n    ", end="")
        if "selection_checked" in facts:
            print(
                f"; selection check: {facts['selection_checked']} kills rerun on the full set, "
                f"{len(facts['selection_disagrees'])} disagree {facts['selection_disagrees']}",
                end="",
            )
        print()
        for m in mutants:
            if m.status not in ("killed", "timeout"):
                print(f"  #{m.ident} line {m.line} {m.status}")
                if args.diffs:
                    print(f"    - {m.before.strip()}\n    + {m.after.strip()}")
            elif m.status == "timeout":
                print(f"  #{m.ident} line {m.line} timeout (counted killed)")
    overall = 100.0 * killed / tested if tested else 0.0
    print(f"mutation score: {overall:.1f}% ({killed} killed of {tested})")
    log.close()
    return 0 if overall >= args.target else 1


def _mutant_range(text: str) -> tuple[int, int]:
    """``A-B`` (or ``A``) as an inclusive range of mutant numbers."""
    lo, dash, hi = text.partition("-")
    try:
        a, b = int(lo), int(hi if dash else lo)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a range of mutant numbers: {text!r}") from None
    if a < 1 or b < a:
        raise argparse.ArgumentTypeError(f"not a range of mutant numbers: {text!r}")
    return a, b


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", nargs="+", default=MODULES)
    ap.add_argument("--tests", nargs="+", default=None, help="default: TESTS, or TESTS_FOR")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mtclean-mutate")
    ap.add_argument("--max-children", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    ap.add_argument("--diffs", action="store_true", help="print each survivor's diff")
    ap.add_argument("--target", type=float, default=85.0, help="exit 1 below this score")
    ap.add_argument(
        "--per-module",
        action="store_true",
        help="each module alone against its tests (TESTS_FOR): one row each",
    )
    ap.add_argument(
        "--engine",
        choices=["lines", "mutmut"],
        default="lines",
        help="--per-module only: 'lines' (coverage-selected tests, a fork per mutant) or mutmut",
    )
    ap.add_argument(
        "--timeout-factor",
        type=float,
        default=5.0,
        help="lines engine: a mutant's tests may run 10 s + this x their unmutated time",
    )
    ap.add_argument(
        "--check-selection",
        type=int,
        default=0,
        metavar="N",
        help="lines engine: rerun N mutants the selection killed against the full test set",
    )
    ap.add_argument(
        "--recheck",
        choices=["spawners", "full"],
        default="spawners",
        help="lines engine: a survivor is rerun against the tests that start a process, or all",
    )
    ap.add_argument("--log", type=Path, default=None, help="lines engine: one line per mutant")
    ap.add_argument(
        "--mutants",
        type=_mutant_range,
        default=None,
        metavar="A-B",
        help="lines engine: only the mutants numbered A to B (to split a long module's run)",
    )
    args = ap.parse_args()

    if args.per_module and args.engine == "lines":
        return per_module_lines(args)
    if args.per_module:
        total = {"killed": 0, "tested": 0}
        print(f"{'module':40} {'killed':>7} {'of':>5} {'score':>7}")
        for mod in args.modules:
            tests = args.tests or TESTS_FOR.get(mod, TESTS)
            work = args.workdir / mod.replace("/", "_").removesuffix(".py")
            got = run_once(work, [mod], tests, args.max_children)
            if got is None:
                print(f"{mod:40} mutmut failed")
                continue
            stats, not_killed = got
            score, tested = score_of(stats)
            total["killed"] += stats["killed"]
            total["tested"] += tested
            print(f"{mod:40} {stats['killed']:>7} {tested:>5} {score:>6.1f}%", flush=True)
            print_not_killed(work, not_killed, args.diffs)
        overall = 100.0 * total["killed"] / total["tested"] if total["tested"] else 0.0
        print(f"mutation score: {overall:.1f}% ({total['killed']} killed of {total['tested']})")
        return 0 if overall >= args.target else 1

    got = run_once(args.workdir, args.modules, args.tests or TESTS, args.max_children)
    if got is None:
        return 2
    stats, not_killed = got
    score, tested = score_of(stats)
    print(
        f"mutation score: {score:.1f}% ({stats['killed']} killed of {tested}; "
        f"{stats['survived']} survived, {stats['timeout']} timeout, "
        f"{stats['no_tests']} no tests, {stats['suspicious']} suspicious)"
    )
    print_not_killed(args.workdir, not_killed, args.diffs)
    return 0 if score >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
