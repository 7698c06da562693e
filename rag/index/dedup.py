"""Duplicate detection: exact (normalised-text hash) and near (MinHash over word shingles).

A wire story republished by several outlets with other headlines and page furniture is one
article: it is indexed once and the other outlets are recorded as carrying it.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash, MinHashLSH

from rag.settings import IngestSettings

# The signature format, not tuning: stored signatures are only comparable with the same
# permutations, shingle length and scheme. The threshold is IngestSettings.duplicate_threshold.
NUM_PERM = 64
SHINGLE = 5
SCHEME = "affine32"  # stored signatures must be read back with the scheme that made them

_TOKEN = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> list[str]:
    """Lower-case word tokens: what survives re-formatting."""
    return _TOKEN.findall(text.lower())


def fingerprint(text: str) -> str:
    """Exact-duplicate key."""
    return hashlib.sha256(" ".join(normalise(text)).encode()).hexdigest()


def signature(text: str) -> list[int]:
    """MinHash signature over 5-word shingles (JSON-storable)."""
    tokens = normalise(text)
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    shingles = {" ".join(tokens[i : i + SHINGLE]) for i in range(max(len(tokens) - SHINGLE + 1, 1))}
    m.update_batch([s.encode() for s in shingles])
    return [int(v) for v in m.hashvalues]


def _minhash(sig: list[int]) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM, seed=1, hashvalues=np.asarray(sig, dtype=np.uint64), scheme=SCHEME
    )


class DuplicateIndex:
    """Known articles' fingerprints and signatures; finds the article a text duplicates."""

    def __init__(self, threshold: float | None = None) -> None:
        """Empty index; ``threshold`` is the MinHash Jaccard that makes a duplicate.

        It defaults to ``IngestSettings.duplicate_threshold``.
        """
        if threshold is None:
            threshold = IngestSettings().duplicate_threshold
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.exact: dict[str, str] = {}
        self.sigs: dict[str, MinHash] = {}

    def add(self, doc_id: str, fp: str, sig: list[int]) -> None:
        """Register an indexed article."""
        if doc_id in self.sigs:
            return
        self.exact.setdefault(fp, doc_id)
        mh = _minhash(sig)
        self.sigs[doc_id] = mh
        self.lsh.insert(doc_id, mh)

    def find(self, fp: str, sig: list[int]) -> str | None:
        """The indexed article this one duplicates, or None."""
        if fp in self.exact:
            return self.exact[fp]
        mh = _minhash(sig)
        best, best_j = None, self.threshold
        for cand in self.lsh.query(mh):
            j = mh.jaccard(self.sigs[cand])
            if j >= best_j:
                best, best_j = cand, j
        return best
