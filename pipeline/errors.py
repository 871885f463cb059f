"""Errors that end in a one-line message for the user, never a traceback."""

from __future__ import annotations


class MtcleanError(Exception):
    """Base class: ``str(err)`` is the whole message shown to the user."""

    exit_code = 2


class InputError(MtcleanError):
    """An input file cannot be used at all (missing, unreadable, empty, unknown format)."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class ConfigError(MtcleanError):
    """The configuration file or a command-line option is invalid."""


class UsageError(MtcleanError):
    """The command was called in a way that cannot work (e.g. two inputs share a name)."""
