"""The language check's langdetect trials over numpy rows (``_array_detector``) give exactly
langdetect's own probabilities: same language, same float, on texts that converge at once and
on word salads that run many steps."""

from __future__ import annotations

import random

import pytest
from langdetect import detector_factory as ldf
from langdetect.lang_detect_exception import LangDetectException

from pipeline.checks import langid

TEXTS = [
    "Le gouvernement local a annoncé hier une nouvelle politique pour les agriculteurs.",
    "Das ist ein Test der Spracherkennung mit genug Wörtern",
    "The county's tea output is expected to exceed 8000 tons this year.",
    "hola que tal estas amigo mio",
    "ok",
    "公园全年免费开放",
]
SALAD_WORDS = (
    "the park il parco der Park el parque le parc het park open aperto offen abierto "
    "ouvert free gratis frei libre year anno Jahr año année jaar"
).split()


def salads(n: int) -> list[str]:
    rnd = random.Random(7)
    return [" ".join(rnd.choice(SALAD_WORDS) for _ in range(rnd.randint(2, 25))) for _ in range(n)]


def own(text: str) -> list[tuple[str, float]] | str:
    try:
        return [(lang.lang, lang.prob) for lang in langid._langdetect()(text)]
    except LangDetectException as err:
        return str(err)


def ours(text: str) -> list[tuple[str, float]] | str:
    try:
        detector = langid._array_detector()(ldf._factory)
        detector.append(text)
        return [(lang.lang, lang.prob) for lang in detector.get_probabilities()]
    except LangDetectException as err:
        return str(err)


@pytest.fixture(scope="module")
def profiles():
    langid._langdetect()  # seeds langdetect (as detect_language does first)
    langid._load_profiles()
    if not isinstance(ldf._factory.word_lang_prob_map, langid.ProfileTable):
        pytest.skip("no profile table (no cache folder): the array detector is not used")


@pytest.mark.parametrize("text", [*TEXTS, "", "12345", *salads(40)])
def test_array_detector_equals_langdetect_bit_for_bit(profiles, text):
    assert ours(text) == own(text)


def test_detect_language_uses_it_and_still_names_french(profiles):
    lang, prob = langid.detect_language(TEXTS[0])
    assert (lang, prob) == ("fr", own(TEXTS[0])[0][1])
