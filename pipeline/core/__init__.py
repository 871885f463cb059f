"""The judgement core: what every other package builds on, and nothing it depends on.

- ``pipeline.core.schema``: the segment columns, the typed records (``Flag``, ``Candidate``,
  ``Hit``), the one severity order;
- ``pipeline.core.stage``: the stage contract (``Stage``, ``StageConfig``, ``SegmentCheck``) and
  the column-batch helpers;
- ``pipeline.core.registry``: stages by name and every flag name with its owner;
- ``pipeline.core.context``: the worker context, built once per worker from the effective
  config, through which every part of the pipeline judges a text (``Context.judge``).

``core`` imports only the standard library, pydantic and ``pipeline.errors``; the layer rule
is checked by ``tests/test_layers.py``.
"""
