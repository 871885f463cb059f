"""Base for checks that look at one segment at a time (defined in ``pipeline.core.stage``, so
that ``Context.judge`` can run them; this path stays for the check modules)."""

from pipeline.core.stage import Row, SegmentCheck

__all__ = ["Row", "SegmentCheck"]
