"""``pip install .`` into a fresh virtual environment: the package data (model registry, tiny
corpus) comes along, so ``mtclean models list`` and ``mtclean models tiny DIR`` work from
anywhere. Slow (a build and an install); the heavy dependencies are borrowed from the running
environment through a ``.pth`` line instead of being downloaded again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_pip_install_ships_the_registry_and_the_tiny_corpus(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".git", ".venv", "out", "build", "*.egg-info", "models"),
    )
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The running environment's packages (torch, transformers...), after the venv's own.
    Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # The wheel is built by this environment's build tools, then installed in the fresh one.
    dist = tmp_path / "dist"
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*build, "-w", str(dist), str(src)], check=True, env=env, timeout=600)
    (wheel,) = dist.glob("mtclean-*.whl")
    pip = [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*pip, str(wheel)], check=True, env=env, cwd=tmp_path, timeout=600)
    shutil.rmtree(src)  # nothing may be read from the source tree any more
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def mtclean(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(env_dir / "bin" / "mtclean"), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=elsewhere,
            timeout=600,
        )

    where = subprocess.run(
        [str(py), "-c", "import pipeline; print(pipeline.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
        check=True,
    ).stdout
    assert where.startswith(site), where  # the installed copy, not a checkout
    listed = mtclean("models", "list")
    assert listed.returncode == 0, listed.stderr
    assert "opus-mt-zh-en" in listed.stdout and "tiny" in listed.stdout
    built = mtclean("models", "tiny", str(tmp_path / "tiny"))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "tiny" / "config.json").is_file()
