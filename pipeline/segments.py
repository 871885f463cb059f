"""Compatibility path: the segment schema lives in ``pipeline.core.schema``."""

from pipeline.core.schema import (
    COLUMNS,
    OUTPUT_KEYS,
    Column,
    arrow_features,
    new_row,
    output_record,
)

__all__ = ["COLUMNS", "OUTPUT_KEYS", "Column", "arrow_features", "new_row", "output_record"]
