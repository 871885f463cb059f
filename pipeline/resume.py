"""What a resumed run must share with the interrupted one, and proof that the inputs held still.

The fingerprint covers the inputs (size, mtime and a SHA-256 of the whole content), the
effective config, and the content of every file the config points to (termbases, house rules,
the manifest of a model folder), so an edited termbase is a different run, not a resumable one.

``HashingReader`` hashes an input while the cleaned copy is written from it; ``check_unchanged``
compares that hash with the fingerprint's before the swap, so an input changed in place during
a run (even with the same size) is refused, exit 2, naming the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import InputError, UsageError, quote_path

_BLOCK = 1 << 20
# Files of a model folder up to this size are hashed (config, tokenizer); larger ones (the
# weights) are fingerprinted by size and mtime, which a re-download or conversion changes.
_HASH_SMALL = 4 << 20


class InputLike(Protocol):
    path: str
    name: str


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def _path_values(obj: Any) -> Iterator[str]:
    """Every string in the effective config that looks like a path (has a separator or a
    suffix); the caller keeps those that exist."""
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _path_values(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _path_values(v)
    elif isinstance(obj, str) and ("/" in obj or "." in obj) and "\n" not in obj:
        yield obj


def _manifest(folder: Path) -> list[Any]:
    out: list[Any] = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        st = p.stat()
        rel = p.relative_to(folder).as_posix()
        if st.st_size <= _HASH_SMALL:
            out.append([rel, st.st_size, file_sha256(p)])
        else:
            out.append([rel, st.st_size, st.st_mtime_ns])
    return out


def config_files(effective: dict[str, Any]) -> dict[str, Any]:
    """Content hashes of the files (and manifests of the folders) the config names."""
    out: dict[str, Any] = {}
    for value in sorted(set(_path_values(effective))):
        p = Path(value)
        try:
            if p.is_file():
                out[str(p.resolve())] = file_sha256(p)
            elif p.is_dir():
                out[str(p.resolve())] = _manifest(p)
        except OSError:
            continue  # unreadable: the stage that needs it reports it by name
    return out


def fingerprint(
    inputs: Sequence[InputLike], cfg: Config, rewrite: bool, stage_names: list[str]
) -> dict[str, Any]:
    """What a resumed run must share with the interrupted one: inputs and effective config."""
    files = []
    for inp in inputs:
        st = os.stat(inp.path)
        files.append(
            {
                "path": str(Path(inp.path).resolve()),
                "name": inp.name,
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "sha256": file_sha256(inp.path),
            }
        )
    effective = cfg.effective()
    # How the run is spread (workers, engine, cluster) does not change a byte of the outputs,
    # so a run killed with 2 workers may be resumed with 1, or on Ray.
    for key in ("workers", "engine", "ray_address"):
        effective["run"].pop(key, None)
    effective.get("retranslate", {}).pop("workers", None)
    config = {
        "effective": effective,
        "stages": stage_names,
        "rewrite": rewrite,
        "files": config_files(effective),
    }
    config_hash = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
    body = {"mtclean": __version__, "inputs": files, "config_sha256": config_hash}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return {**body, "id": digest}


def mismatch(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Why a work folder with fingerprint ``old`` cannot be resumed as ``new`` ('' if it can)."""
    if old.get("mtclean") != new["mtclean"]:
        return f"it was started by mtclean {old.get('mtclean')}"
    if old.get("config_sha256") != new["config_sha256"]:
        return "the effective config differs (or a file it names)"
    old_files = {f["path"]: f for f in old.get("inputs", []) if isinstance(f, dict)}
    for f in new["inputs"]:
        o = old_files.get(f["path"])
        if o is None:
            return f"input {quote_path(f['path'])} was not part of it"
        if o != f:
            return f"input {quote_path(f['path'])} changed since"
    if len(old_files) != len(new["inputs"]):
        return "it had other inputs"
    return ""


def load_fingerprint(path: Path, out_root: Path) -> dict[str, Any]:
    """The work folder's fingerprint; unreadable means the work folder cannot be trusted."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise UsageError(
            f"cannot resume the run in {quote_path(out_root)}: its state is unreadable; "
            "pass --overwrite to start again"
        )
    return data


class HashingReader:
    """A binary file that hashes every byte read from it (wrapped by a decompressor or not)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fh = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.h = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.h.update(data)
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def hexdigest(self) -> str:
        """The hash of the whole file: what was not read (a decompressor stops early) is read
        now."""
        while self.read(_BLOCK):
            pass
        return self.h.hexdigest()

    def close(self) -> None:
        self.fh.close()

    @property
    def closed(self) -> bool:
        return self.fh.closed


def check_unchanged(fp: dict[str, Any], path: str, sha256: str) -> None:
    """Refuse (exit 2, naming the file) an input whose content is not what the run started
    from: it was changed in place while the run read it."""
    real = str(Path(path).resolve())
    for f in fp["inputs"]:
        if f["path"] == real and f["sha256"] != sha256:
            raise InputError(
                path, "changed while mtclean was reading it (same size or not); run again"
            )
