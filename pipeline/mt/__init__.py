"""Re-translation with a local sequence-to-sequence model.

- ``modeldir``: what a model directory holds, checked before anything is loaded (safetensors
  only unless pickle is allowed, a tokenizer, a seq2seq architecture, intact weights).
- ``backend``: the one ``Translator`` interface (``translate`` and ``score``) and token-budget
  batching; ``hf`` (transformers) and ``ct2`` (CTranslate2) implement it; ``load`` picks one by
  what the directory holds and counts loads.
- ``languages``: the language codes a model needs (NLLB ``zho_Hans``, M2M ``__zh__``, Marian
  ``>>fra<<``).
- ``terms``: glossary constraints (placeholders, forced target prefix, verification).
- ``guards``: detection checks re-run on each candidate.
- ``dictionary``: CC-CEDICT glosses for stray source-script spans.
- ``tiny``, ``convert``, ``registry``: the smoke-test model, CTranslate2 conversion and the
  known-model registry behind ``mtclean models``.
"""
