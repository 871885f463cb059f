"""Run the same stages on a Hugging Face ``datasets.Dataset`` (``Dataset.map(batched=True)``).

Arrow needs the column types up front (an all-empty ``flags`` list has no type to infer), so
the segment schema is declared here once, in ``segment_features``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from pipeline.segments import arrow_features as segment_features
from pipeline.stages.base import Stage


def run_on_dataset(stages: Sequence[Stage], ds: Any, batch_size: int = 1000) -> Any:
    """Apply ``stages`` to a ``datasets.Dataset`` of segment rows; returns the new dataset."""
    for stage in stages:
        state = None
        if stage.needs_scan:
            parts = [stage.scan(b) for b in ds.iter(batch_size=batch_size)]
            state = stage.merge(parts)
        probe = stage.apply(ds[:1], state) if len(ds) else {}
        features = segment_features(list(probe) or ds.column_names)
        ds = ds.map(
            partial(stage.apply, state=state),
            batched=True,
            batch_size=batch_size,
            features=features,
            load_from_cache_file=False,
            desc=stage.name,
        )
    return ds
