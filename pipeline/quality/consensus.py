"""Consensus (MBR-style) scores: how much a translation agrees with the other translations of
its source.

Raters' errors are where systems disagree: a translation that shares much with the other
translations of the same source (other candidates of the segment, other systems' records for the
same source) is less likely to hold a mistranslation. Each text gets the mean sentence chrF
(sacrebleu's, 0..100) against the other texts of its group, as in minimum-Bayes-risk decoding.

Speed (issue 20): each text's character n-grams are extracted once, as one sorted array of
64-bit hashes with counts (``Grams``), and kept in a bounded cache (``GramCache``) that lives as
long as the worker, so a translation compared with a dozen others is never extracted again. A
text is compared with all its peers at once in numpy (one ``searchsorted`` and one ``bincount``
for every order of every peer). The f-score repeats sacrebleu's arithmetic step by step, so each
pair's value equals ``CHRF().sentence_score(hyp, [ref]).score`` bit for bit, unless two distinct
n-grams of the compared texts share a 64-bit hash (odds about 1e-15 per pair of texts).

A text with more than ``k`` others is compared with its ``k`` nearest only, by a MinHash
estimate of the Jaccard similarity of the n-gram sets; with ``k`` others or fewer the cap does
not bite and the score is the full mean.

The score stage compares the translations of one source all at once (``chrf_matrix``): their
n-grams hashed together, one count matrix of the n-grams at least two of them share, the
matched counts of every pair from one elementwise minimum; each value equals ``chrf_many``'s
for that pair bit for bit, and each record's mean adds them in the same order, so the matrix
changes no score. ``chrf_many`` with the ``GramCache`` stays for the texts outside a group
(re-translations, edits, and groups where the cap bites).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# sacrebleu's CHRF() defaults: character n-grams of orders 1..6, no word n-grams, beta 2.
ORDER = 6
BETA = 2
_FACTOR = BETA**2
# Rolling-hash multiplier and one salt per order, so the orders share one sorted array.
_MULT = np.uint64(0x9E3779B97F4A7C15)
_SALT = [
    np.uint64(0),
    *(np.uint64((n * 0xD6E8FEB86659FD93) & 0xFFFFFFFFFFFFFFFF) for n in range(1, ORDER)),
]
# MinHash: 64 random affine permutations of the 64-bit hashes (fixed seed: same picks every run).
_RNG = np.random.default_rng(20)
_MH_A = _RNG.integers(1, 2**63, size=64, dtype=np.uint64) | np.uint64(1)
_MH_B = _RNG.integers(0, 2**63, size=64, dtype=np.uint64)


def source_key(source: str) -> str:
    """A short, stable key for grouping records by source text (whitespace-insensitive)."""
    # surrogatepass: a lone surrogate (from a JSON escape) is still a key, never a crash
    text = " ".join(source.split()).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=8).hexdigest()


@dataclass
class Grams:
    """One text's character n-grams of orders 1..6: sorted unique salted hashes, their counts and
    orders, and the total count per order."""

    hashes: np.ndarray  # uint64, sorted, unique
    counts: np.ndarray  # int32
    orders: np.ndarray  # int8, 0-based order of each hash
    totals: np.ndarray  # int64, shape (ORDER,)
    _sketch: np.ndarray | None = field(default=None, repr=False)

    def sketch(self) -> np.ndarray:
        """MinHash signature (64 minima) of the n-gram set, computed on first use."""
        if self._sketch is None:
            if len(self.hashes):
                mixed = self.hashes[:, None] * _MH_A[None, :] + _MH_B[None, :]
                self._sketch = mixed.min(axis=0)
            else:
                self._sketch = np.full(64, np.iinfo(np.uint64).max, dtype=np.uint64)
        return self._sketch

    @property
    def nbytes(self) -> int:
        return self.hashes.nbytes + self.counts.nbytes + self.orders.nbytes + 600


def ngrams(text: str) -> Grams:
    """The character n-grams sacrebleu's chrF counts: whitespace removed, orders 1..6."""
    line = "".join(text.split())
    cps = np.frombuffer(line.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cps = cps.astype(np.uint64)
    parts, totals = [], np.zeros(ORDER, dtype=np.int64)
    h = cps
    for n in range(ORDER):
        if n:
            h = h[:-1] * _MULT + cps[n:]
        if not len(h):
            break
        parts.append(h ^ _SALT[n])
        totals[n] = len(h)
    if not parts:
        empty = np.zeros(0, dtype=np.uint64)
        return Grams(empty, np.zeros(0, np.int32), np.zeros(0, np.int8), totals)
    allh = np.concatenate(parts)
    order_of = np.repeat(np.arange(len(parts), dtype=np.int8), [len(p) for p in parts])
    hashes, first, counts = np.unique(allh, return_index=True, return_counts=True)
    # Small dtypes: a cached text costs 13 bytes per distinct n-gram, not 24.
    return Grams(hashes, counts.astype(np.int32), order_of[first], totals)


class GramCache:
    """Text -> ``Grams``, least recently used first out once ``max_bytes`` is passed. One per
    worker, kept across batches and shards: a source's translations recur in many documents."""

    def __init__(self, max_bytes: int = 16 * 2**20) -> None:
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._items: OrderedDict[str, Grams] = OrderedDict()
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, text: object) -> bool:
        return text in self._items

    def get(self, text: str) -> Grams:
        g = self._items.get(text)
        if g is not None:
            self._items.move_to_end(text)
            return g
        self.misses += 1
        g = self._items[text] = ngrams(text)
        self.nbytes += g.nbytes
        while self.nbytes > self.max_bytes and len(self._items) > 1:
            _, old = self._items.popitem(last=False)
            self.nbytes -= old.nbytes
        return g


def _f_scores(n_hyp: np.ndarray, n_ref: np.ndarray, n_match: np.ndarray) -> np.ndarray:
    """sacrebleu's ``CHRF._compute_f_score`` (``eps_smoothing`` off) for many pairs at once
    (arrays of shape (p, ORDER)), with the same float operations, so the values are identical:
    the orders a pair lacks add 0.0, which changes no sum, and six numbers sum left to right."""
    both = (n_hyp > 0) & (n_ref > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        prec = np.where(both, n_match / n_hyp, 0.0)
        rec = np.where(both, n_match / n_ref, 0.0)
        effective = both.sum(axis=1)
        avg_prec = np.where(effective > 0, prec.sum(axis=1) / effective, 0.0)
        avg_rec = np.where(effective > 0, rec.sum(axis=1) / effective, 0.0)
        score = (1 + _FACTOR) * avg_prec * avg_rec
        score = score / ((_FACTOR * avg_prec) + avg_rec)
    return np.where(avg_prec + avg_rec != 0, 100 * score, 0.0)


def chrf_many(hyp: Grams, refs: Sequence[Grams]) -> np.ndarray:
    """Sentence chrF of ``hyp`` against each of ``refs`` (one reference each), vectorised."""
    b = len(refs)
    if not b:
        return np.zeros(0)
    ref_h = np.concatenate([r.hashes for r in refs])
    ref_c = np.concatenate([r.counts for r in refs])
    ref_o = np.concatenate([r.orders for r in refs])
    ref_i = np.repeat(np.arange(b, dtype=np.int64), [len(r.hashes) for r in refs])
    n_match = np.zeros(b * ORDER, dtype=np.float64)
    if len(hyp.hashes) and len(ref_h):
        pos = np.searchsorted(hyp.hashes, ref_h)
        pos[pos == len(hyp.hashes)] = 0
        hit = hyp.hashes[pos] == ref_h
        m = np.minimum(hyp.counts[pos[hit]], ref_c[hit])
        where = ref_i[hit] * ORDER + ref_o[hit]
        n_match = np.bincount(where, weights=m, minlength=b * ORDER)
    n_ref = np.stack([r.totals for r in refs])
    # sacrebleu counts no hypothesis n-grams of an order the reference has none of.
    n_hyp = np.where(n_ref > 0, hyp.totals[None, :], 0)
    return _f_scores(n_hyp, n_ref, n_match.reshape(b, ORDER))


# Above this many characters in a group, each text's n-grams are counted on their own
# (``ngrams``) before the group's are joined: the one-pass hashing holds a dozen arrays of every
# window of the group at once, about four times the peak of the per-pair path on long texts.
_ONE_PASS_CHARS = 50_000


def _pairs_one_pass(
    lines: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """(n-gram id, text, count) of every n-gram a text holds and each id's order, the group's
    windows hashed together (the same rolling hashes as ``ngrams``, windows that would cross
    from one text into the next left out), from one sort; None when there is no n-gram."""
    n = len(lines)
    lens = np.array([len(line) for line in lines], dtype=np.int64)
    cps = np.frombuffer("".join(lines).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cps = cps.astype(np.uint64)
    who = np.repeat(np.arange(n, dtype=np.int64), lens)
    # Characters left in the own text from each position: window of order o fits if > o.
    left = np.repeat(np.cumsum(lens), lens) - np.arange(len(cps), dtype=np.int64)
    hs, ws, os_ = [], [], []
    h = cps
    for o in range(ORDER):
        if o:
            h = h[:-1] * _MULT + cps[o:]
        fits = left[: len(h)] > o
        hs.append(h[fits] ^ _SALT[o])
        ws.append(who[: len(h)][fits])
        os_.append(np.full(int(fits.sum()), o, dtype=np.int8))
    allh, allw, allo = np.concatenate(hs), np.concatenate(ws), np.concatenate(os_)
    if not len(allh):
        return None
    # One sort by hash numbers the distinct n-grams; each (n-gram, text) pair is then counted
    # by a bincount over id * texts + text (ids in hash order, as ``np.unique`` numbers them),
    # or, past a few million such slots, by a second sort.
    by_hash = np.argsort(allh)
    sh = allh[by_hash]
    new_gram = np.empty(len(sh), dtype=bool)
    new_gram[0] = True
    np.not_equal(sh[1:], sh[:-1], out=new_gram[1:])
    ids = np.empty(len(sh), dtype=np.int64)
    ids[by_hash] = np.cumsum(new_gram) - 1
    vorder = allo[by_hash[new_gram]]
    key = ids * n + allw
    if len(vorder) * n <= _BINCOUNT_SLOTS:
        per_key = np.bincount(key, minlength=len(vorder) * n)
        keys = np.flatnonzero(per_key)
        counts = per_key[keys]
    else:
        keys, counts = np.unique(key, return_counts=True)
    return keys // n, keys % n, counts, vorder


# Most (n-gram, text) slots counted by one bincount in ``_pairs_one_pass`` (8 bytes each).
_BINCOUNT_SLOTS = 4_000_000


def _pairs_per_text(
    lines: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """What ``_pairs_one_pass`` returns, from each text's own ``ngrams`` (sorted unique hashes
    with their counts), joined by one sort: peak memory about that of the per-pair path."""
    grams = [ngrams(line) for line in lines]
    if not any(len(g.hashes) for g in grams):
        return None
    allh = np.concatenate([g.hashes for g in grams])
    text = np.repeat(np.arange(len(grams), dtype=np.int64), [len(g.hashes) for g in grams])
    count = np.concatenate([g.counts for g in grams])
    allo = np.concatenate([g.orders for g in grams])
    del grams
    _, gram = np.unique(allh, return_inverse=True)
    vorder = np.zeros(int(gram.max()) + 1, dtype=np.int8)
    vorder[gram] = allo
    return gram, text, count, vorder


def chrf_matrix(texts: Sequence[str]) -> np.ndarray:
    """Sentence chrF of every text of a group against every other, in one numpy pass:
    ``m[i, j]`` equals ``chrf_many(ngrams(texts[i]), [ngrams(texts[j])])[0]`` bit for bit (the
    diagonal is not meaningful).

    The texts' n-grams are hashed together (the same rolling hashes as ``ngrams``, windows that
    would cross from one text into the next left out), counted per text, and the matched count
    of a pair, symmetric, is the sum over the n-grams both hold of the smaller count: taken once
    for the group from a dense count matrix of the n-grams that at least two texts share (the
    others match nothing). A long group (past ``_ONE_PASS_CHARS``) counts each text's n-grams
    on its own first: the same counts, in about the per-pair path's memory."""
    n = len(texts)
    if n < 2:
        return np.zeros((n, n))
    lines = ["".join(t.split()) for t in texts]
    lens = np.array([len(line) for line in lines], dtype=np.int64)
    totals = np.maximum(lens[:, None] - np.arange(ORDER)[None, :], 0)
    n_match = np.zeros((n, n, ORDER), dtype=np.int64)
    # Every (distinct n-gram, text) pair once: the n-gram's id (0..width), the text, the count,
    # and each id's order.
    found = _pairs_per_text(lines) if lens.sum() > _ONE_PASS_CHARS else _pairs_one_pass(lines)
    if found is not None:
        gram, text, count, vorder = found
        width = len(vorder)
        # Only the n-grams two texts or more hold can match, and only they become columns of
        # the dense (text x n-gram) matrix: one of every n-gram would cost texts x distinct
        # n-grams x 8 bytes on long texts that share little (their counts are in the totals).
        held = np.bincount(gram, minlength=width)  # how many texts hold each n-gram
        shared_ids = np.flatnonzero(held > 1)  # sorted, as the columns were
        if len(shared_ids):
            keep = held[gram] > 1
            order_of = vorder[shared_ids]
            by_order = np.argsort(order_of, kind="stable")
            column = np.empty(width, dtype=np.int64)  # n-gram id -> its column
            column[shared_ids[by_order]] = np.arange(len(shared_ids))
            # int32: a count is at most a text's length, and so is a sum of matched counts.
            dense = np.zeros((n, len(shared_ids)), dtype=np.int32)  # text x n-gram, by order
            dense[text[keep], column[gram[keep]]] = count[keep]
            del found, gram, text, count, vorder, held, keep, column
            order_of = order_of[by_order]
            present = np.unique(order_of)
            starts = np.searchsorted(order_of, present)
            if n * n * dense.shape[1] <= 4_000_000:
                # Each pair once (the matrix is symmetric); a text against itself holds all.
                ii, jj = np.triu_indices(n, 1)
                cols = present[None, :]
                pairs = np.add.reduceat(np.minimum(dense[ii], dense[jj]), starts, axis=1)
                n_match[ii[:, None], jj[:, None], cols] = pairs
                n_match[jj[:, None], ii[:, None], cols] = pairs
                diag = np.arange(n)[:, None]
                n_match[diag, diag, cols] = np.add.reduceat(dense, starts, axis=1)
            else:  # a large group: one pair at a time keeps memory at one row (symmetric)
                for i in range(n):
                    for j in range(i, n):
                        pair = np.add.reduceat(np.minimum(dense[i], dense[j]), starts)
                        n_match[i, j, present] = n_match[j, i, present] = pair
    n_ref = np.broadcast_to(totals[None, :, :], (n, n, ORDER))
    # sacrebleu counts no hypothesis n-grams of an order the reference has none of.
    n_hyp = np.where(n_ref > 0, totals[:, None, :], 0)
    scores = _f_scores(
        n_hyp.reshape(-1, ORDER),
        n_ref.reshape(-1, ORDER),
        n_match.reshape(-1, ORDER).astype(np.float64),
    )
    return scores.reshape(n, n)


def pair_chrf(hyp: str, ref: str) -> float:
    """Sentence chrF of ``hyp`` against the single reference ``ref`` (0..100)."""
    return float(chrf_many(ngrams(hyp), [ngrams(ref)])[0])


def nearest(hyp: Grams, refs: Sequence[Grams], k: int) -> list[int]:
    """Indices of the ``k`` refs most like ``hyp`` by MinHash Jaccard estimate, in their order
    (ties go to the earlier ref)."""
    if len(refs) <= k:
        return list(range(len(refs)))
    sims = (np.stack([r.sketch() for r in refs]) == hyp.sketch()[None, :]).sum(axis=1)
    picked = np.argsort(-sims, kind="stable")[:k]
    return sorted(picked.tolist())


def consensus_scores(
    texts: Sequence[str],
    pool: Sequence[str] = (),
    cache: GramCache | dict[str, Grams] | None = None,
    k: int = 0,
) -> list[float | None]:
    """For each of ``texts``: mean chrF against the other ``texts`` and every ``pool`` text
    (against the ``k`` nearest of them by MinHash when there are more than ``k``; ``k`` 0 means
    no cap).

    ``pool`` holds translations that are compared with but not scored (other records' targets).
    A text with nothing to compare with gets None. ``cache`` keeps each text's n-grams for the
    next call (a ``GramCache``, or a plain dict that grows without bound).
    """
    if cache is None:
        cache = {}

    def grams_of(text: str) -> Grams:
        if isinstance(cache, GramCache):
            return cache.get(text)
        g = cache.get(text)
        if g is None:
            g = cache[text] = ngrams(text)
        return g

    grams = [grams_of(t) for t in texts]
    pool_grams = [grams_of(t) for t in pool]
    out: list[float | None] = []
    for i, g in enumerate(grams):
        others = [o for j, o in enumerate(grams) if j != i] + pool_grams
        if not others:
            out.append(None)
            continue
        if k and len(others) > k:
            others = [others[j] for j in nearest(g, others, k)]
        # Python's sum over the list: the same additions, in the same order, as before.
        out.append(sum(chrf_many(g, others).tolist()) / len(others))
    return out
