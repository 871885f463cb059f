"""Consensus at scale (issue 20): vectorised chrF equals sacrebleu's, the k-nearest cap equals
full consensus where it does not bite, n-grams are extracted once per text for a worker's life,
and each shard's state holds only its own sources."""

from __future__ import annotations

import sacrebleu

from pipeline.quality.consensus import (
    GramCache,
    chrf_many,
    chrf_matrix,
    consensus_scores,
    nearest,
    ngrams,
)
from pipeline.stages.score import Score, group_key
from tests.quality.helpers import bi_row, run_score

SRC = "公园全年免费开放。"
SYSTEMS = [
    "The park is open free of charge all year round.",
    "The parks are open for free all year.",
    "The park is free to enter throughout the year.",
    "Parks open free all year round.",
    "Park construction invested 350 million yuan.",
]


def full_mean(text: str, others: list[str]) -> float:
    """The definition, by sacrebleu directly: mean sentence chrF against every other text."""
    return sum(sacrebleu.sentence_chrf(text, [o]).score for o in others) / len(others)


def test_vectorised_pairs_equal_sacrebleu_for_many_refs_at_once():
    refs = [*SYSTEMS, "", "!", "P"]
    got = chrf_many(ngrams(SYSTEMS[0]), [ngrams(r) for r in refs]).tolist()
    assert got == [sacrebleu.sentence_chrf(SYSTEMS[0], [r]).score for r in refs]


def test_capped_consensus_equals_full_consensus_on_small_groups():
    # Groups of at most k + 1 texts: the cap does not bite, scores are the full mean exactly.
    for k in (4, 5, 12):
        capped = consensus_scores(SYSTEMS, k=k)
        assert capped == [full_mean(t, [o for o in SYSTEMS if o != t]) for t in SYSTEMS]
    # Through the stage: five records of one source, consensus_k 4 (= the 4 others) and 0 (off).
    rows = [bi_row(t, SRC, f"s{i}") for i, t in enumerate(SYSTEMS)]
    capped, _ = run_score([dict(r) for r in rows], consensus_k=4)
    full, _ = run_score([dict(r) for r in rows], consensus_k=0)
    assert [r["quality"] for r in capped] == [r["quality"] for r in full]


def test_when_the_cap_bites_the_nearest_are_kept():
    # Three near-copies of the text and two unrelated ones: k = 3 keeps the near-copies.
    text = "The river rose by two metres overnight."
    others = [
        "Tea prices fell sharply in the spring market.",
        "The river rose two metres overnight.",
        "A museum opened in the old town hall.",
        "The river rose by two metres last night.",
        "Overnight, the river rose by two metres.",
    ]
    assert nearest(ngrams(text), [ngrams(o) for o in others], 3) == [1, 3, 4]
    (capped,) = consensus_scores([text], others, k=3)
    assert capped == full_mean(text, [others[1], others[3], others[4]])
    assert capped > full_mean(text, others)


def test_group_matrix_equals_pairwise_chrf_bit_for_bit():
    # Odd texts too: empty after whitespace removal, one character, a lone surrogate, repeats.
    texts = [*SYSTEMS, "", "  ", "!", "P", "P", "a \udc80b", "公园全年免费开放"]
    m = chrf_matrix(texts)
    for i, t in enumerate(texts):
        others = [o for j, o in enumerate(texts) if j != i]
        want = chrf_many(ngrams(t), [ngrams(o) for o in others]).tolist()
        assert [m[i, j] for j in range(len(texts)) if j != i] == want
    assert m[0, 1] == sacrebleu.sentence_chrf(SYSTEMS[0], [SYSTEMS[1]]).score


def test_a_sources_group_is_compared_once_across_batches(monkeypatch):
    calls = []

    def counted(texts):
        calls.append(len(texts))
        return chrf_matrix(texts)

    monkeypatch.setattr("pipeline.stages.score.chrf_matrix", counted)
    stage = Score()
    rows = [bi_row(t, SRC, f"s{i}") for i, t in enumerate(SYSTEMS)]
    got, _ = run_score(rows, batch_size=1, stage=stage)  # five batches of one record
    assert calls == [len(SYSTEMS)] and stage._ngrams.misses == 0
    # The same qualities as scoring each text against its peers one by one (consensus_scores).
    one_by_one = Score()
    one_by_one._peers = lambda row, groups: (Score._peers(one_by_one, row, groups)[0], None)  # type: ignore[method-assign]
    again, _ = run_score([bi_row(t, SRC, f"s{i}") for i, t in enumerate(SYSTEMS)], stage=one_by_one)
    assert [r["quality"] for r in got] == [r["quality"] for r in again]
    assert one_by_one._ngrams.misses == len(SYSTEMS)


def test_group_matrices_are_bounded_and_the_scores_do_not_depend_on_the_bound():
    rows = [bi_row(t, SRC, f"s{i}") for i, t in enumerate(SYSTEMS)]
    rows += [
        bi_row(t, "茶很便宜。", f"t{i}")
        for i, t in enumerate(["Tea is cheap.", "Tea costs little."])
    ]
    small = Score()
    small._group_max_bytes = 1  # below one matrix: only the latest group stays
    got, _ = run_score([dict(r) for r in rows], stage=small)
    assert list(small._group_chrf) == [group_key(["Tea is cheap.", "Tea costs little."])]
    full, _ = run_score([dict(r) for r in rows])
    assert [r["quality"] for r in got] == [r["quality"] for r in full]


def test_gram_cache_is_bounded_least_recently_used_out():
    cache = GramCache(max_bytes=1)  # below one entry: only the latest text stays
    cache.get("first text")
    cache.get("second text")
    assert "second text" in cache and "first text" not in cache and len(cache) == 1


def test_each_shard_state_holds_only_its_own_sources():
    stage = Score()
    a = [bi_row("The park is free.", "公园免费。", "a1"), bi_row("Tea is cheap.", "茶便宜。", "a2")]
    b = [bi_row("Parks are free.", "公园免费。", "b1"), bi_row("Rain fell.", "下雨了。", "b2")]
    c = [bi_row("Tea costs little.", "茶便宜。", "c1")]
    from pipeline.stages.base import rows_to_batch

    parts = [(i, stage.scan(rows_to_batch(rs))) for i, rs in enumerate((a, b, c))]
    states = dict(stage.merge_shards(iter(parts)))
    texts = {s: sorted(t for g in st.values() for _, t in g) for s, st in states.items()}
    assert texts == {
        0: ["Parks are free.", "Tea costs little.", "Tea is cheap.", "The park is free."],
        1: ["Parks are free.", "The park is free."],  # the lone rain record has no peers
        2: ["Tea costs little.", "Tea is cheap."],
    }


def test_a_workers_cache_holds_the_translations_of_a_dev_sized_file():
    # 3,000 distinct sentences of about 100 characters (13 systems of 230 sources, say)
    # take about 18 MB of n-grams: read twice in file order, as the translations of one source
    # come back one system's document later, the second pass must find every one (with a
    # 16 MiB cap the oldest went out and each text was extracted again).
    stage = Score()
    texts = [
        f"Line {i}: the committee of district {i % 97} approved plan {i * 7919} for "
        f"{i % 13} parks and {i % 31} schools next year."
        for i in range(3000)
    ]
    for _ in range(2):
        for t in texts:
            stage._ngrams.get(t)
    assert stage._ngrams.misses == len(texts) and len(stage._ngrams) == len(texts)
