"""Reading a TOML file with one-line errors: shared by the config loader and its discovery."""

from __future__ import annotations

import os
import tomllib
from typing import Any

from pipeline.errors import ConfigError


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A TOML file as a table; every problem is a one-line ConfigError naming the file."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        # A BOM (as Windows editors write) is not TOML, but it is not an error of the user's.
        return tomllib.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
