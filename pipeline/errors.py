"""Errors that end in a one-line message for the user, never a traceback."""

from __future__ import annotations

import json
import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def quote_path(path: object) -> str:
    """A path for a one-line message: as is when plain, else JSON-quoted, so a newline, a tab or
    an undecodable byte in a file name can neither split the line nor crash the output."""
    s = str(path)
    if s.isprintable() and not any(c in s for c in '"\\') and not _SURROGATE.search(s):
        return s
    text = json.dumps(s, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class MtcleanError(Exception):
    """Base class: ``str(err)`` is the whole message shown to the user."""

    exit_code = 2

    def __reduce__(self) -> tuple[object, ...]:
        # Subclasses take other arguments than the message; rebuild from message and state so
        # an error raised in a worker process reaches the command line intact.
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))


def _rebuild(cls: type[MtcleanError], message: str, state: dict[str, object]) -> MtcleanError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class InputError(MtcleanError):
    """An input file cannot be used at all (missing, unreadable, empty, unknown format)."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{quote_path(path)}:{line}" if line is not None else quote_path(path)
        super().__init__(f"{where}: {reason}")


class ConfigError(MtcleanError):
    """The configuration file or a command-line option is invalid."""


class UsageError(MtcleanError):
    """The command was called in a way that cannot work (e.g. two inputs share a name)."""
