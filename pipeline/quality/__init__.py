"""Scoring what the pipeline produced: a reference-free ``quality`` per segment, consensus between
candidates, reference metrics (sacrebleu), the regression gate and the run report.

- ``features``: cheap, reference-free features of one (source, target, flags) segment.
- ``model``: the fitted coefficient file (``quality_model.json``) and its prediction.
- ``consensus``: MBR-style chrF of each candidate against the other translations of its source.
- ``metrics``: sentence and corpus chrF/BLEU/TER against a reference, corpus figures from summed
  sufficient statistics so that workers can add them up.
- ``regress``: the baseline comparison behind ``mtclean regress``.
- ``report``: ``report.html`` with inline SVG charts.
"""
