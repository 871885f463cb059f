"""Refresh the configuration block in README.md from ``mtclean config`` (the built-in defaults).

.venv/bin/python tools/readme_config.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import defaults_toml  # noqa: E402

MARK = "its default:\n\n```toml\n"


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    body = "\n".join(defaults_toml().splitlines()[2:]) + "\n"
    new, n = re.subn(
        re.escape(MARK) + r".*?```", lambda _: MARK + body + "```", text, count=1, flags=re.S
    )
    if n != 1:
        sys.exit("README.md: configuration block not found")
    readme.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
