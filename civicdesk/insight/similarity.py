"""Is this request one we already have? The text side of duplicate detection (并单), free of the database.

Two steps, so a lookup stays fast however large the ledger grows:

1. **Candidates by signature.** A 64-bit SimHash of the text's character 3-grams, cut into four 16-bit
   bands. Two texts whose SimHashes differ in at most three bits share at least one band exactly
   (pigeonhole), so an indexed equality lookup on four columns finds them. Candidates also come from the same
   caller, whatever the text.
2. **Verdict by overlap.** Jaccard similarity of the two texts' 3-gram sets, with a lower bar when the same
   person or the same place is behind both (see `verdict`). Each verdict carries its reasons.

Digits are kept (a house or bus number tells two problems apart); spaces and punctuation are dropped."""

import hashlib
import re

import numpy as np

SHINGLE = 3
TEXT_CHARS = 600
BANDS = 4
# verdict thresholds (bench/duplicates_eval.py measures them)
SAME_TEXT = 0.5
SAME_PERSON_TEXT = 0.3
SAME_PLACE_TEXT = 0.4

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize(text):
    return _DROP.sub("", str(text).lower())[:TEXT_CHARS]


def shingles(text):
    text = normalize(text)
    if len(text) < SHINGLE:
        return {text} if text else set()
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def _hash64(values):
    """Stable 64-bit hashes (Python's own hash() changes from process to process)."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(v.encode(), digest_size=8).digest(), "little") for v in values],
        dtype=np.uint64,
    )


def simhash(grams):
    """The 64-bit SimHash of a set of shingles (0 for none)."""
    if not grams:
        return 0
    hashes = _hash64(sorted(grams))
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(grams)  # per bit: ones minus zeros
    value = 0
    for i, vote in enumerate(votes):
        if vote > 0:
            value |= 1 << i
    return value


def bands(value):
    """The four 16-bit bands of a SimHash, lowest first."""
    return [(value >> (16 * i)) & 0xFFFF for i in range(BANDS)]


def jaccard(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def verdict(similarity, same_person=False, same_place=False):
    """(is a duplicate?, reasons) for a candidate's text similarity and what else it shares."""
    reasons = []
    if same_person:
        reasons.append("same_person")
    if same_place:
        reasons.append("same_place")
    bar = SAME_TEXT
    if same_person:
        bar = SAME_PERSON_TEXT
    elif same_place:
        bar = SAME_PLACE_TEXT
    return similarity >= bar, reasons
