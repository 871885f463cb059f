"""Check ``end_punctuation`` (bilingual): the target ends with other punctuation than the source.

Punctuation is compared by its function, so a language's own forms count as equal: ``。`` is
``.``, ``！`` is ``!``, ``？`` is ``?`` (and the Spanish ``¿``..``?`` pair), ``：`` is ``:``,
``…``/``...``/``……`` are one ellipsis. A source ending in a full stop whose target ends in a
letter (or the reverse) is flagged; a target that only adds or drops closing quotes or brackets
is compared by what stands before them. CJK targets of one word or less are not judged (labels).
A source without final punctuation is judged only against a question mark the target adds (it
changes the meaning): translators end a sentence-like label with their language's stop ("Please
correct the error below" -> "Veuillez corriger l'erreur suivante."), or the text ends in a
character it names ("separated with ,"); what a target must keep is the punctuation the source
has. A Chinese question without its mark (吗, 是否, 怎么...: chat and titles often leave it out)
may gain one, and "?!" counts as a question mark. A question the target says as reported speech
("asked me if I was okay.") may end with a stop, a Chinese question ending in 。 may gain its
question mark, a colon ending a caption or lead-in may become a stop, and a salutation ("Dear
customer,") ends with a comma.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

_CLASS = {
    ".": "stop",
    "。": "stop",
    "．": "stop",
    "｡": "stop",
    "!": "excl",
    "！": "excl",
    "?": "quest",
    "？": "quest",
    ":": "colon",
    "：": "colon",
    ";": "semi",
    "；": "semi",
    ",": "comma",
    "，": "comma",
    "、": "comma",
    "…": "ellipsis",
}
_CLOSERS = "\"'`”’»」』)）]】》>\u00a0 \t\n"
# Question particles and interrogative words: a Chinese sentence with one of them is a question.
_CN_QUESTION = re.compile(
    r"[吗嗎呢么麼吧]\s*$|是否|是不是|可否|能否|可不可以|能不能|会不会|有没有|要不要|对不对|好不好"
    r"|什么|甚麼|怎么|怎麼|怎样|怎樣|如何|为什么|為什麼|为啥|啥|哪|几点|多少|多久|谁|誰"
    r"|([\u4e00-\u9fff])[没沒不]\1"  # A没A / A不A: 到没到 "has it arrived?", 去不去
)
# An interrogative in the target's last sentence: a question said as reported speech
# ("朋友问我，还好吗？" -> "My friend asked me if I was okay.").
_EN_INDIRECT = re.compile(r"\b(?:if|whether|why|how|what|who|whom|whose|where|when|which)\b", re.I)
# Conjunctions and discourse words that may open a direct question ("So when do we leave?",
# "And why did you do that?"): the question word after them still opens the question.
_LEAD_IN = re.compile(r"^(?:\W*(?:so|and|but|then|well|now|ok|okay|or)\b[\s,]*)+", re.I)
# A letter's salutation ends with a comma in English ("尊敬的顾客您好！" -> "Dear customer,").
# The greeting and at most four words ("Dear Mr. Smith,"): a longer line is a sentence cut
# short ("Hello everyone and welcome to the meeting where we decide,").
_SALUTATION = re.compile(r"^\W*(?:Dear|Hello|Hi|Greetings)\b(?:\s+[^\s!?,]+){0,4},$")
# A colon ending a segment leads in to what follows (a caption, "发货现场：" "Shipment site."):
# translators end such a line with a stop.
# A Chinese comma between two clauses is an English semicolon as often as a comma.
_COMPATIBLE = (
    {"stop", "ellipsis"},
    {"stop", "excl"},
    {"comma", "colon"},
    {"colon", "stop"},
    {"comma", "semi"},
)


def last_sentence(text: str) -> str:
    """The text after its last inner sentence end (``。！？`` or ``.!?`` and a space)."""
    t = text.rstrip(_CLOSERS).rstrip(".。!！?？…")
    return re.split(r"[。！？]|[.!?]\s", t)[-1]


def ending(text: str) -> tuple[str, int]:
    """The function of the text's final punctuation (``""`` for none) and where it starts."""
    t = text.rstrip(_CLOSERS)
    # "?!" and "？！" ask a question loudly: a question mark that does not end the text.
    if len(t) > 1 and t[-1] in "!！" and t[-2] in "?？":
        return "quest", len(t) - 2
    if t.endswith(("...", "……", "…")):
        n = 3 if t.endswith("...") else (2 if t.endswith("……") else 1)
        return "ellipsis", len(t) - n
    if t and t[-1] in _CLASS:
        return _CLASS[t[-1]], len(t) - 1
    return "", len(t)


def _reported(sentence: str) -> bool:
    """An interrogative inside the sentence, not opening it ("asked me if I was okay", not
    "What did you eat"): a question said as reported speech."""
    s = _LEAD_IN.sub("", sentence.strip())
    return any(m.start() > 0 for m in _EN_INDIRECT.finditer(s))


@register
class EndPunctuation(SegmentCheck):
    """Flag a target whose final punctuation does another job than the source's."""

    name = "end_punctuation"
    Config = StageConfig
    columns = ("target", "source")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src, tgt = row["source"], row["target"]
        if not src or not tgt.strip():
            return []
        se, _ = ending(src)
        te, at = ending(tgt)
        if se == te or (not se and te != "quest"):
            return []
        # Chinese asks without a question mark in chat and titles ("可以吗", "现在可以怎样支付"):
        # a question mark the target adds to a question is right.
        if not se and _CN_QUESTION.search(src):
            return []
        # A colon ending a label, or a stop after an abbreviation: too weak alone. A stop and an
        # exclamation both end a sentence (languages differ in how loud a notice is), a comma and
        # a colon both say more follows ("接口异常，" -> "API error:").
        # ... but a stop after the colon (":.") is doubled punctuation, not a caption's stop.
        doubled = re.search(r"[:：][.。]$", tgt.rstrip(_CLOSERS)) is not None
        if {se, te} <= {"", "colon"} or ({se, te} in _COMPATIBLE and not doubled):
            return []
        # A question said as reported speech ends with a stop; a Chinese rhetorical question
        # often ends with 。 ("大过年的为什么要跑到电影院去。") and English gives it its "?".
        if se == "quest" and te == "stop" and _reported(last_sentence(tgt)):
            return []
        if se == "stop" and te == "quest" and _CN_QUESTION.search(last_sentence(src)):
            return []
        if te == "comma" and _SALUTATION.match(tgt.strip()):
            return []
        end = at + (1 if te and te != "ellipsis" else len(tgt.rstrip(_CLOSERS)) - at)
        return [
            make_flag(
                self.name,
                "minor",
                0.6,
                f"source ends with {se or 'no punctuation'}, target with {te or 'no punctuation'}",
                at,
                end,
                tgt[at:end],
            )
        ]
