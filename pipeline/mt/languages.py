"""The language codes a model needs, and whether it has a language at all.

- NLLB-200 names languages by FLORES-200 codes (``zho_Hans``, ``eng_Latn``): ISO 639-3 plus
  ISO 15924 script, built here with ``langcodes``;
- M2M100 by ``__zh__`` tokens (its tokenizer maps ``zh`` itself);
- multi-target Marian (OPUS-MT) models by a ``>>fra<<`` token at the start of the source;
- a bilingual Marian model has no language tokens: its pair comes from mtclean's metadata in
  ``config.json`` (``mtclean models tiny`` writes it) or is unknown, and then not checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.text.scripts import base_language


@dataclass(frozen=True)
class LangTokens:
    """How one model is told the languages of one translation direction."""

    source_prefix: str | None = None  # token put before the source (Marian ``>>fra<<``)
    src_code: str | None = None  # the tokenizer's ``src_lang`` (NLLB, M2M)
    tgt_code: str | None = None  # the token the target starts with (NLLB, M2M)


def nllb_codes(lang: str) -> list[str]:
    """FLORES-200 candidates for a BCP-47 tag: ``zh`` -> ``zho_Hans``, ``zh-TW`` -> ``zho_Hant``."""
    import langcodes  # on first use (a model's languages): no run without a model loads it

    try:
        tag = langcodes.get(lang)
    except (ValueError, LookupError):
        return []
    script = tag.maximize().script or "Latn"
    alpha3 = tag.to_alpha3()
    out = [f"{alpha3}_{script}"]
    # FLORES uses individual languages where ISO has a macrolanguage (Arabic, Persian...).
    special = {"ara": "arb", "fas": "pes", "msa": "zsm", "zho": "zho", "nep": "npi", "est": "est"}
    if alpha3 in special and special[alpha3] != alpha3:
        out.append(f"{special[alpha3]}_{script}")
    return out


def marian_target_token(lang: str) -> list[str]:
    """``>>xxx<<`` candidates for a Marian multi-target model (ISO 639-3 first, then 639-1)."""
    import langcodes

    try:
        alpha3 = langcodes.get(lang).to_alpha3()
    except (ValueError, LookupError):
        alpha3 = lang
    return [f">>{alpha3}<<", f">>{base_language(lang)}<<"]


def lang_tokens(
    model_type: str,
    src: str,
    tgt: str,
    has_token: Callable[[str], bool],
    declared: list[str],
    multi_target: bool,
) -> LangTokens | str:
    """The tokens for ``src -> tgt``, or a one-line reason why the model lacks a language.

    ``has_token`` says whether the model's vocabulary holds a token; ``declared`` is the pair
    list from mtclean's metadata (``["zh-en"]``), empty when unknown.
    """
    src, tgt = base_language(src) or "zh", base_language(tgt) or "en"
    if declared:
        pairs = {tuple(p.split("-", 1)) for p in declared if "-" in p}
        if (src, tgt) not in pairs:
            return f"model translates {', '.join(declared)}, not {src}-{tgt}"
    if model_type in ("m2m_100", "nllb-moe"):
        # NLLB first (zho_Hans), then M2M100 (__zh__).
        for make in (nllb_codes, lambda x: [f"__{x}__"]):
            s = next((c for c in make(src) if has_token(c)), None)
            t = next((c for c in make(tgt) if has_token(c)), None)
            if s and t:
                return LangTokens(src_code=s, tgt_code=t)
        missing = [x for x in (src, tgt) if not any(has_token(c) for c in _all_codes(x))]
        return f"model has no language code for {', '.join(missing) or f'{src}-{tgt}'}"
    if multi_target:
        tok = next((c for c in marian_target_token(tgt) if has_token(c)), None)
        if tok is None:
            return f"multi-target model has no target token for {tgt!r}"
        return LangTokens(source_prefix=tok)
    return LangTokens()


def _all_codes(lang: str) -> list[str]:
    return [*nllb_codes(lang), f"__{lang}__"]
