"""Check ``translation_inconsistency`` (document level, bilingual): one file or TM translates
the same source several ways, or gives one translation to several different sources.

Sources and targets are compared after folding case, collapsing whitespace and commas and
dropping a 的 between Chinese words, so "Save" and "Save " are one source, and "项目id" and
"项目 ID"; sources that differ only in punctuation or an accelerator ("&Save", "Save...") are
one source too. A Latin source's first capital and trailing colon are kept, though: they mark
its role ("Submit", a button, and "submit", a word in running text; "Location:", a field label,
and "Location", a column heading), and a translator may render each its own way. Every unit of
the group whose text is not the group's most frequent one is flagged (ties: all but the first
seen), with the other unit named in the evidence. Findings are ``minor``: context may justify
two renderings (PO ``msgctxt``), so they are for a reviewer, never a reason to drop or blank
anything. One target for two Chinese labels where one is the other with a modifier before it
("时间" / "操作时间": "Time") is not flagged: the head comes last in Chinese, so a short label
fits both; a different head ("集群" / "集群ID") or an action before it ("服务模板" /
"筛选服务模板") is still flagged. A label followed by its code name ("业务 Business") is the
label: "业务" and "业务 Business" are one source; a field's prompt ("请选择集群分组") may share
the label's target ("Set group"). Nor are two Chinese sources one of which has a
character or two more, not a negation ("谢谢" / "谢谢你"), nor two Chinese sources differing by
a written variant ("创建者" / "创建人"), nor two English sources one of which has a word or two
before the other, not an action or a negation ("Email address" / "user's email address"), nor,
for a Chinese, Japanese or Korean target, two English sources differing only by inflection
("flag" / "flagged"), nor a CamelCase abbreviation and its words ("TotTime" / "Total time"),
nor a Chinese label and the label with a light noun after it ("异常" / "异常信息"); "是否"
(whether) before a Chinese label is no negation, nor is "请求" (a request) a "请" (please).
Two Chinese labels with one head and a modifier each ("参数类型" / "脚本类型") may share the file's
own translation of that head ("Type" where "类型" is "Type"), not a target that renders one
modifier ("Timing" for "定时时间" / "超时时间" where "时间" is "Time"). Words are compared in
meaning too, through CC-CEDICT: two Chinese labels (no sentence punctuation, no placeholder) word
for word alike but for synonyms ("日" / "天": "Day", "执行账号" / "执行账户"), or for a Latin word
that is a word's gloss or the file's own translation of it ("tag_id" / "标签ID", "Set名称" /
"集群名称" where 集群 is "Set"), are one message; one of them with a modifier before it ("任务账号"
/ "账户": "Account") is one too; two labels with one head in meaning and a modifier
each ("参数值" / "属性值", "执行账号" / "目标账户") may share a target that renders the head only
("Value", "Account": every content word of it a gloss of the head), not one that renders a
modifier ("Node ID" for "会话 ID" / "节点ID") or a word neither has ("Method" for "填参方式" /
"请求方式": 方式 is "way, manner, mode" in CC-CEDICT).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from pydantic import Field

from pipeline.checks.docbase import DocCheck, DocSegment, Flags, same_unit
from pipeline.checks.pairs import split_code_name
from pipeline.checks.zh_labels import glosses, target_stems
from pipeline.checks.zh_labels import words as zh_words
from pipeline.flags import make_flag
from pipeline.quality.features import STOPWORDS, stem
from pipeline.stages.base import StageConfig, register

_FOLD = re.compile(r"[\s&_~.…:：。!！?？,，、]+")
_CJK_DE = re.compile(r"(?<=[\u3400-\u9fff])的(?=[\u3400-\u9fff])")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff\u3040-\u30ff])\s+|\s+(?=[\u3400-\u9fff\u3040-\u30ff])")


def _key(text: str, plural: bool = False) -> str:
    """Case, punctuation and accelerators folded; spaces next to CJK dropped ("管控区域 ID" is
    "管控区域ID"). With ``plural``, an English plural -s is dropped too: sources "Signal" and
    "Signals" are one message to a target language without plural forms."""
    split = split_code_name(text)  # "业务 Business" is the label "业务" with its code name
    if split:
        text = split[0]
    key = _CJK_SPACE.sub("", _FOLD.sub(" ", text.casefold()).strip())
    key = _CJK_DE.sub("", key)  # 屏蔽持续的时间 is 屏蔽持续时间
    if not plural:
        return key
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and w.isascii() else w for w in key.split()
    )


# An action or a request before a shared head ("筛选服务模板" / "服务模板"): another message.
_ACTION_PREFIX = (
    "请",
    "选择",
    "筛选",
    "输入",
    "填写",
    "修改",
    "删除",
    "添加",
    "新增",
    "新建",
    "创建",
    "获取",
    "查看",
    "编辑",
    "更新",
    "搜索",
    "查询",
    "取消",
    "确认",
    "批量",
)


def _same_head(a: str, b: str) -> bool:
    """Whether one Chinese source is the other with a modifier before it: the head comes last,
    so "操作时间" is a kind of "时间" and "Time" may serve both labels; "集群ID" is not a kind
    of "集群", nor is "筛选服务模板" (an action) a kind of "服务模板"."""
    short, long_ = sorted((a, b), key=len)
    if not short or short == long_ or not long_.endswith(short):
        return False
    extra = long_[: len(long_) - len(short)]
    return (
        bool(_HAN.search(extra))
        and (extra.startswith("请求") or not extra.startswith(_ACTION_PREFIX))
        and not set(extra.replace("是否", "")) & _NEGATION  # 是否 (whether) asks, not negates
    )


# Words that, put before an English label, make another message: an action on it or a negation
# ("Delete file" is no kind of "File"; "Not valid" is not "Valid").
_EN_NOT_MODIFIER = frozenset(
    "not no non never without delete remove add edit select choose enter create new show hide "
    "open close save update search filter find cancel confirm upload download view change set "
    "get reset copy move rename send".split()
)


def _same_head_en(a: str, b: str) -> bool:
    """Whether one English source is the other with a word or two before it: the head comes
    last, so "user's email address" is an email address and "In error" an error; "Delete
    file" (an action) and "Not valid" (a negation) are other messages."""
    wa, wb = a.split(), b.split()
    short, long_ = sorted((wa, wb), key=len)
    extra = long_[: len(long_) - len(short)]
    return (
        a.isascii()
        and b.isascii()
        and bool(short)
        and 1 <= len(extra) <= 2
        and long_[len(extra) :] == short
        and not set(extra) & _EN_NOT_MODIFIER
    )


_EN_AUX = frozenset("is are was were be been has have".split())
_CJK_TARGET = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _inflections(a: str, b: str) -> bool:
    """Whether two English sources differ only by inflection ("flag" / "flagged", "removed" /
    "is removed"): one message to a language that does not inflect."""
    wa = [w for w in a.split() if w not in _EN_AUX]
    wb = [w for w in b.split() if w not in _EN_AUX]
    if not (a.isascii() and b.isascii() and wa and len(wa) == len(wb)):
        return False
    for x, y in zip(wa, wb, strict=True):
        short, long_ = sorted((x, y), key=len)
        end = long_[len(short) :]
        if x != y and not (
            long_.startswith(short)
            and len(short) >= 3
            and end in {"s", "es", "d", "ed", "ing", short[-1] + "ed", short[-1] + "ing"}
        ):
            return False
    return True


# Written variants of one word: an agent suffix (创建者 / 创建人), an account (账号 / 账户).
_VARIANTS = (frozenset("者人"), frozenset("号户"))


def _variant(a: str, b: str) -> bool:
    """Whether two Chinese sources differ in one character only, a written variant of it."""
    if len(a) != len(b):
        return False
    diff = [frozenset((x, y)) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0] in _VARIANTS


_HAN = re.compile(r"[\u3400-\u9fff]")
_NEGATION = frozenset("不没沒无無非别別未勿否")


def one_small_insertion(a: str, b: str) -> bool:
    """Whether one Chinese text is the other with one or two characters put in, none of them a
    negation: "谢谢" / "谢谢你", "帮忙跟进吗" / "帮忙跟进一下吗" say one thing; "可以" / "不可以"
    do not, nor do texts with a character changed ("明天" / "后天")."""
    short, long_ = sorted((a, b), key=len)
    d = len(long_) - len(short)
    if not short or not 1 <= d <= 2:
        return False
    p = 0
    while p < len(short) and short[p] == long_[p]:
        p += 1
    inserted = long_[p : p + d]
    return (
        p > 0  # a word put before the text is a modifier or an action: _same_head judges it
        and long_[p + d :] == short[p:]
        and all(_HAN.match(c) for c in inserted)
        and not set(inserted) & _NEGATION
    )


# Put after a Chinese text, these leave its head as it is ("谢谢你"); a word put after it is the
# new head ("项目配置" is a kind of 配置, not of 项目).
_TRAILING_PARTICLES = frozenset({"你", "您", "了", "吗", "呢", "吧", "啊", "呀", "们"})


# A request to fill a field ("请选择集群分组" / "集群分组"): the field's prompt, not an action
# on it ("筛选服务模板" filters), so one target may serve the label and its prompt.
_PROMPT_PREFIX = ("请选择", "请输入", "请填写", "请")


def _prompt_for(a: str, b: str) -> bool:
    """Whether one Chinese text is the other with a polite request before it."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    short, long_ = sorted((a, b), key=len)
    if not short or not long_.endswith(short) or not _HAN.match(short[0]):
        return False
    return long_[: len(long_) - len(short)] in _PROMPT_PREFIX


def _without_code_name(target: str, source: str) -> str:
    """The target less the source's code name, if the source is "label CodeName"."""
    split = split_code_name(source)
    if not split:
        return target
    return re.sub(rf"(?i)(?<![A-Za-z0-9_]){re.escape(split[1])}(?![A-Za-z0-9_])", " ", target)


def _word_after(a: str, b: str) -> bool:
    """Whether ``b`` is the Chinese text ``a`` with a word put after it (not a particle)."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return (
        len(b) > len(a) > 0
        and b.startswith(a)
        and bool(_HAN.match(b[len(a)]))
        and b[len(a) :] not in _TRAILING_PARTICLES
    )


# Light nouns: put after a label they add no head an English label must render ("异常信息",
# exception information, is the "Exception"; "插件操作内容" the "Plugin Operation").
_LIGHT_NOUNS = frozenset({"信息", "内容"})


def _light_noun_after(a: str, b: str) -> bool:
    """Whether one Chinese text is the other with a light noun (信息, 内容) put after it."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    short, long_ = sorted((a, b), key=len)
    return bool(short) and long_.startswith(short) and long_[len(short) :] in _LIGHT_NOUNS


_CAMEL = re.compile(r"[A-Z][a-z]+|[a-z]+")


def _abbreviates(a: str, b: str) -> bool:
    """Whether one English source is the other written short in CamelCase: "TotTime" is "Total
    time" (each part begins a word of the other, in order, one part a word)."""
    short, long_ = sorted((a.strip(), b.strip()), key=len)
    if " " in short or not short.isascii() or not long_.isascii():
        return False
    parts = [p.casefold() for p in _CAMEL.findall(short)]
    words = long_.casefold().split()
    return (
        len(parts) == len(words) >= 2
        and "".join(_CAMEL.findall(short)) == short
        and all(w.startswith(p) and len(p) >= 3 for p, w in zip(parts, words, strict=True))
    )


def _one_message(a: str, b: str) -> bool:
    """``one_small_insertion``, less a word added at the end (a new head)."""
    if _light_noun_after(a, b):
        return True
    if _word_after(a, b) or _word_after(b, a):
        return False
    return one_small_insertion(a, b)


def _shared_head(a: str, b: str) -> str:
    """The Chinese word two labels end with, each with a modifier before it that is no action
    ("参数类型" / "脚本类型": "类型"); "" if none."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    head = a[len(a) - n :] if n else ""
    mods = (a[: len(a) - n], b[: len(b) - n])
    if not head or not _HAN.match(head[0]) or not all(mods):
        return ""
    if any(m.startswith(_ACTION_PREFIX) and not m.startswith("请求") for m in mods):
        return ""
    if any(set(m.replace("是否", "")) & _NEGATION for m in mods):
        return ""
    return head


def _role(source: str) -> str:
    """What a cased (Latin) source's capital and trailing colon say of its role: "Submit" is a
    button, "submit" a word in running text or a value, "Location:" a field label, "Location" a
    column heading; a translator may render each its own way (German, French and Japanese do:
    "Absenden" / "abschicken"), so they are not one source. "" for a CJK source."""
    text = source.strip()
    if _CJK_TARGET.search(text):
        return ""
    first = next((c for c in text if c.isalpha()), "")
    return "\x00" + ("U" if first.isupper() else "l") + (":" if text.endswith((":", "：")) else "")


# a sentence, a message with a value, a list: not a label (their differences are the message)
_NOT_LABEL = re.compile(r"[，,。；;：:（）()!！?？\n【】\[\]{}%$<>=/|`'\"]")
_LABEL_TOKEN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")
_TARGET_WORD = re.compile(r"[^\W\d_]{3,}|\d+")


def _label_tokens(key: str) -> list[str]:
    """CC-CEDICT words and Latin words of a folded label ("标签id" -> 标签, id)."""
    out: list[str] = []
    for m in _LABEL_TOKEN.finditer(key):
        t = m.group()
        out += zh_words(t) if _HAN.match(t) else [t]
    return out


def _plain_modifier(tokens: list[str]) -> bool:
    """Whether words put before a label's head are a modifier: Chinese, no action, no negation."""
    mod = "".join(tokens)
    return (
        bool(_HAN.search(mod))
        and (mod.startswith("请求") or not mod.startswith(_ACTION_PREFIX))
        and not set(mod.replace("是否", "")) & _NEGATION
    )


class TranslationInconsistencyConfig(StageConfig):
    both_ways: bool = Field(True, description="also flag one target for different sources")
    min_chars: int = Field(2, description="shorter keys (one letter, a number) are ignored")


@register
class TranslationInconsistency(DocCheck):
    """Flag the same source translated differently and one target used for different sources."""

    name = "translation_inconsistency"
    Config = TranslationInconsistencyConfig

    def analyse(self, segs: list[DocSegment], flags: Flags) -> None:
        cfg: TranslationInconsistencyConfig = self.config  # type: ignore[assignment]
        bi = [s for s in segs if s.source and s.target.strip()]
        # what the file itself translates a word as ("类型": "Type"), to judge a target shared
        # by two labels with that head ("参数类型" / "脚本类型": "Type" renders the head only)
        self._as: dict[str, Counter[str]] = defaultdict(Counter)
        for s in bi:
            self._as[_key(s.source or "").replace(" ", "")][_key(s.target)] += 1
        # "流程实例 TaskFlowInstance" translated "TaskFlowInstance", or "Flow instance
        # TaskFlowInstance": the code name is one rendering of the label, the rest another
        by_label = [s for s in bi if _without_code_name(s.target, s.source or "").strip()]
        self._group(
            by_label,
            flags,
            lambda s: s.source or "",
            lambda s: _without_code_name(s.target, s.source or ""),
            "source",
            cfg,
        )
        if cfg.both_ways:
            self._group(bi, flags, lambda s: s.target, lambda s: s.source or "", "target", cfg)

    def _head_only(self, a: str, b: str, target: str) -> bool:
        """Whether two Chinese labels with a shared head share the file's translation of that
        head: "Type" for 参数类型 and 脚本类型 where 类型 is "Type"; not "Timing" for 超时时间 and
        定时时间 where 时间 is "Time"."""
        head = _shared_head(a, b)
        while head:
            seen = self._as.get(head)
            if seen and seen.most_common(1)[0][0] == target:
                return True
            head = head[1:]
        return False

    def _synonyms(self, x: str, y: str, stems: frozenset[str], head: bool) -> bool:
        """Whether two words of two labels say one thing to this target: equal, two Chinese
        heads with a CC-CEDICT gloss in common that the target uses ("日" / "天": "Day"; not
        modifiers: 文本 / 脚本 share "script", a lesser sense of 文本), or a
        Latin word and a Chinese word it glosses or the file translates it as ("tag" / "标签",
        "set" / "集群" where 集群 is "Set")."""
        if x == y:
            return True
        hx, hy = bool(_HAN.match(x)), bool(_HAN.match(y))
        if hx and hy:
            return head and bool(glosses(x) & glosses(y) & stems)
        if hx == hy:
            return False
        han, latin = (x, y) if hx else (y, x)
        seen = self._as.get(han)
        return stem(latin) in glosses(han) or (bool(seen) and seen.most_common(1)[0][0] == latin)

    def _same_meaning(self, a: str, b: str, target: str) -> bool:
        """Whether two labels, one of them Chinese, say one thing in CC-CEDICT's words: alike
        word for word but for synonyms, one of them with a modifier before it, or a modifier
        each before one head that the target alone renders (see the module docstring)."""
        if not (_HAN.search(a) or _HAN.search(b)):
            return False
        if _NOT_LABEL.search(a.strip()) or _NOT_LABEL.search(b.strip()):
            return False
        ta, tb = _label_tokens(_key(a)), _label_tokens(_key(b))
        stems = target_stems(target)
        head: list[str] = []
        while ta and tb and self._synonyms(ta[-1], tb[-1], stems, not head):
            head.insert(0, ta.pop())
            tb.pop()
        if not head:
            return False
        if not ta and not tb:
            return True  # one label, word for word
        if not ta or not tb:  # one is the other with a modifier before it
            short = a if not ta else b
            return bool(_HAN.search(short)) and _plain_modifier(ta or tb)
        if not (_plain_modifier(ta) and _plain_modifier(tb)):
            return False
        # a modifier each: the target must render the head and nothing else
        said = {g for w in head for g in glosses(w)} | {w for w in head if not _HAN.match(w)}
        content = [
            w.casefold() for w in _TARGET_WORD.findall(target) if w.casefold() not in STOPWORDS
        ]
        return bool(content) and all(w in head or stem(w) in said for w in content)

    def _group(self, segs, flags, by, other, what, cfg) -> None:  # type: ignore[no-untyped-def]
        groups: dict[str, list[DocSegment]] = defaultdict(list)
        for s in segs:
            k = _key(by(s)) + (_role(by(s)) if what == "source" else "")
            if len(k) >= cfg.min_chars:
                groups[k].append(s)
        for members in groups.values():
            if len(members) < 2:
                continue
            # one target for "Signal" and "Signals" is no inconsistency; two targets are
            fold = what == "target"
            forms = Counter(_key(other(s), fold) for s in members)
            if len(forms) < 2:
                continue
            top = forms.most_common(1)[0][0]
            first = next(s for s in members if _key(other(s), fold) == top)
            the_other = "is translated as" if what == "source" else "translates"
            done: set[tuple[str, int]] = set()
            for s in members:
                if _key(other(s), fold) == top or any(
                    same_unit(s, m) for m in members if m is not s and _key(other(m), fold) == top
                ):
                    continue
                if what == "target" and (
                    _same_head(_key(other(s)), _key(other(first)))
                    or _one_message(
                        _key(other(s)).replace(" ", ""), _key(other(first)).replace(" ", "")
                    )
                    or _prompt_for(_key(other(s)), _key(other(first)))
                    or _same_head_en(_key(other(s)), _key(other(first)))
                    or _abbreviates(other(s), other(first))
                    or _variant(_key(other(s)), _key(other(first)))
                    or self._head_only(_key(other(s)), _key(other(first)), _key(by(s)))
                    or self._same_meaning(other(s), other(first), s.target)
                    or (
                        bool(_CJK_TARGET.search(s.target))
                        and _inflections(_key(other(s)), _key(other(first)))
                    )
                ):
                    continue  # "目标模块" and "模块" may share "Module", "谢谢你" and "谢谢" too
                flagged, named = s, first
                if what == "target" and _word_after(_key(other(s)), _key(other(first))):
                    # "Set" for 集群 and 集群名称: the target translates the label, so the one
                    # with a word more ("name") lost it
                    flagged, named = first, s
                key = (flagged.file, flagged.seq)
                if key in done:
                    continue  # the longer label of two or more shorter ones: flagged once
                done.add(key)
                flags.setdefault(key, []).append(
                    make_flag(
                        self.name,
                        "minor",
                        0.6,
                        f"same {what} as {named.record}#{named.index}, which "
                        f"{the_other} {other(named)!r}",
                        0,
                        len(flagged.target),
                        flagged.target,
                    )
                )
