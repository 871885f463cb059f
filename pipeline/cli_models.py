"""``mtclean models``: the model registry, checking a model folder, conversion, the tiny model.

Wired into the main app with ``app.add_typer(models_app)``; errors are ``MtcleanError`` lines
(exit 2) that ``pipeline.cli.main`` prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.errors import UsageError

# The model modules are imported by the command that uses them (start-up of every command).

models_app = typer.Typer(
    name="models",
    help="Translation models: registry, check, convert to CTranslate2, tiny test model.",
    no_args_is_help=True,
)

DirArg = Annotated[str, typer.Argument(metavar="DIR", help="Model folder.")]
PickleOpt = Annotated[
    bool,
    typer.Option("--allow-pickle", help="Load pytorch_model.bin pickles (runs code in them)."),
]


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@models_app.command("list")
def list_cmd() -> int:
    """The known models, and which are present in models/store/."""
    from pipeline.mt.registry import STORE, load_registry

    known = load_registry()
    for m in known:
        missing = m.missing()
        if not missing:
            state = f"present: {m.local_path()}"
        elif len(missing) == len(m.files):
            state = "not present"
        else:
            state = f"incomplete, missing {', '.join(missing)}"
        typer.echo(f"{m.name}  [{m.architecture}; {', '.join(m.pairs)}; {m.licence}]  {state}")
        typer.echo(f"    obtain: {m.obtain}")
        if m.note:
            typer.echo(f"    note: {m.note}")
    listed = {m.dir for m in known}
    if STORE.is_dir():
        for p in sorted(STORE.iterdir()):
            if p.is_dir() and p.name not in listed:
                typer.echo(f"{p.name}  [not in the registry]  present: {p}")
    return 0


@models_app.command("check")
def check_cmd(
    model_dir: DirArg,
    allow_pickle: PickleOpt = False,
    src_lang: Annotated[str, typer.Option("--src-lang", help="Source language.")] = "zh",
    tgt_lang: Annotated[str, typer.Option("--tgt-lang", help="Target language.")] = "en",
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
) -> int:
    """Load a model folder and print its architecture, languages, size and backend."""
    from pipeline.mt.load import load_translator

    if device not in ("cpu", "cuda"):
        raise UsageError(f"--device must be cpu or cuda, not {device!r}")
    tr = load_translator(
        model_dir, src_lang, tgt_lang, device=device, allow_pickle=allow_pickle, workers=1
    )
    info = tr.info()
    typer.echo(f"{model_dir}: loads")
    typer.echo(f"  backend       {info['backend']}")
    typer.echo(f"  architecture  {info['architecture']}")
    typer.echo(f"  languages     {info['languages']} (checked: {info['direction']})")
    typer.echo(f"  parameters    {info['parameters']:,}")
    typer.echo(f"  size on disk  {_size(info['size_on_disk'])}")
    if info["smoke_test_only"]:
        typer.echo("  NOTE          tiny random-weight model for smoke tests only;")
        typer.echo("                its output is not translation")
    return 0


@models_app.command("convert")
def convert_cmd(
    model_dir: DirArg,
    out: Annotated[str, typer.Argument(metavar="OUT", help="CTranslate2 folder to write.")],
    quantize: Annotated[
        str, typer.Option("--quantize", help="int8, int8_float16 or float16.")
    ] = "int8",
    allow_pickle: PickleOpt = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite a non-empty OUT.")] = False,
) -> int:
    """Convert a transformers model folder to CTranslate2."""
    from pipeline.mt.convert import convert

    path = convert(model_dir, out, quantize, allow_pickle=allow_pickle, force=force)
    typer.echo(f"{model_dir} -> {path} (CTranslate2, {quantize})")
    return 0


@models_app.command("tiny")
def tiny_cmd(
    model_dir: DirArg,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the weights.")] = 0,
) -> int:
    """Build a tiny random-weight Marian model for smoke tests (not for translation)."""
    from pipeline.mt.tiny import build_tiny

    path = build_tiny(Path(model_dir), seed=seed)
    typer.echo(f"{path}: tiny random-weight Marian model (zh-en), for smoke tests only")
    return 0
