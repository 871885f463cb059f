"""mtclean: clean archives of machine-translated text.

Stages: detect garbled passages, apply a glossary, re-translate low-quality segments, score.
The package is laid out by architecture: ``readers``/``writers`` by format, ``text`` for
segmentation and normalisation, ``stages`` for the registered pipeline steps, ``checks`` for
one detection check per module, ``executor`` for how stages are run.
"""

__version__ = "0.1.0"
