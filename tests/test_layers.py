"""The import direction: a module never imports one from a higher layer, nested imports included.

Layers, lowest first. A module belongs to the layer of the longest prefix listed for it; the
old paths that re-export ``pipeline.core`` (``pipeline.flags``, ``pipeline.segments``,
``pipeline.stages.base``, ``pipeline.checks.base``) sit in the core layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LAYERS: list[tuple[str, ...]] = [
    # 0. leaves: errors, files, records
    (
        "pipeline",
        "pipeline.errors",
        "pipeline.jsonutil",
        "pipeline.tomlfile",
        "pipeline.records",
        "pipeline.xmlsafe",
        "pipeline.writers",
        "pipeline.progress",
        "pipeline.outdir",
        "pipeline.decisions",
    ),
    # 1. the judgement core: stage contract, schema, registry, worker context
    (
        "pipeline.core",
        "pipeline.flags",
        "pipeline.segments",
        "pipeline.stages.base",
        "pipeline.checks.base",
    ),
    # 2. text and readers
    ("pipeline.text", "pipeline.readers"),
    # 3. termbases and quality features/metrics/report
    ("pipeline.glossary", "pipeline.quality"),
    # 4. translation models; shards (records to rows to outputs)
    ("pipeline.mt", "pipeline.shards"),
    # 5. detection checks
    ("pipeline.checks",),
    # 6. the other stages
    ("pipeline.stages", "pipeline.glossary.stage"),
    # 7. executors and the pass driver
    ("pipeline.executor",),
    # 8. registry and config
    ("pipeline.registry", "pipeline.config"),
    # 9. a run: assembly, runner, inputs, evaluation
    (
        "pipeline.assembly",
        "pipeline.resume",
        "pipeline.runner",
        "pipeline.inputs",
        "pipeline.evaluate",
    ),
    # 10. commands
    ("pipeline.review", "pipeline.cli", "pipeline.__main__"),
]


def layer_of(module: str) -> int:
    """The layer of ``module``: that of the longest listed prefix (``pipeline.cli`` covers
    ``pipeline.cli_score`` too, as a name prefix)."""
    best, found = -1, -1
    for i, names in enumerate(LAYERS):
        for name in names:
            hit = module == name or module.startswith(name + ".") or module.startswith(name + "_")
            if hit and len(name) > best:
                best, found = len(name), i
    assert found >= 0, f"{module} is in no layer: add it to LAYERS"
    return found


def modules() -> dict[str, Path]:
    pkg = ROOT / "pipeline"
    return {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in pkg.rglob("*.py")
    }


def imports(path: Path) -> list[tuple[int, str]]:
    """Every ``pipeline`` module imported by ``path``, at any depth (functions included)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "pipeline":  # ``from pipeline import checks``: the submodules
                out += [(node.lineno, f"pipeline.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, node.module))
    return [(n, m) for n, m in out if m == "pipeline" or m.startswith("pipeline.")]


def upward_imports() -> list[str]:
    known = modules()
    bad = []
    for mod, path in sorted(known.items()):
        mine = layer_of(mod)
        for line, target in imports(path):
            if target not in known and target.rsplit(".", 1)[0] in known:
                target = target.rsplit(".", 1)[0]  # ``from pipeline.x import name``
            if layer_of(target) > mine:
                bad.append(f"{path.relative_to(ROOT)}:{line}: {mod} imports {target}")
    return bad


def test_lower_layers_never_import_higher_ones():
    assert upward_imports() == []


def test_every_module_has_a_layer():
    for mod in modules():
        layer_of(mod)


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("pipeline.core.context", 1),
        ("pipeline.stages.base", 1),
        ("pipeline.stages.score", 6),
        ("pipeline.glossary.stage", 6),
        ("pipeline.glossary.matcher", 3),
        ("pipeline.cli_score", 10),
        ("pipeline.quality.regress", 3),
        ("pipeline.runner", 9),
    ],
)
def test_layer_lookup(module, layer):
    assert layer_of(module) == layer


def test_the_check_catches_an_upward_import(tmp_path, monkeypatch):
    # core importing a stage would be upward: the checker must see it, nested in a function.
    fake = tmp_path / "core_bad.py"
    fake.write_text("def f():\n    from pipeline.stages.score import Score\n", encoding="utf-8")
    ((_, target),) = imports(fake)
    assert layer_of(target) > layer_of("pipeline.core.bad")
