"""Compatibility path: the flag record lives in ``pipeline.core.schema``.

A flag is ``{check, severity, score, evidence}``; evidence always has the same four keys so
that column batches keep one schema (Arrow, Ray): ``start``/``end`` are offsets into the
segment's ``target`` (None when the flag is about the whole segment or about something
absent), ``text`` is the exact span, ``reason`` is for people.
"""

from pipeline.core.schema import SEVERITIES, Flag, KnownWrong, Severity, make_flag

__all__ = ["SEVERITIES", "Flag", "KnownWrong", "Severity", "make_flag"]
