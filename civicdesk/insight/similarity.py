"""Is this request one we already have? The text side of duplicate detection (并单), free of the database.

Two steps, so a lookup stays fast however large the ledger grows:

1. **Candidates by signature.** MinHash locality-sensitive hashing of the text's character 3-grams: 36
   min-hashes in 12 bands of 3, each band one 63-bit key. Two texts share a band key with probability
   1 − (1 − J³)¹² for Jaccard similarity J: 0.80 at J = 0.5, 0.95 at J = 0.6, 0.2 at J = 0.25; so an indexed
   equality lookup on the keys finds the near-repeats without reading the ledger. Candidates also come from
   the same caller, whatever the text.
2. **Verdict by overlap.** Jaccard similarity of the two texts' 3-gram sets, with a lower bar when the same
   person or the same place is behind both (see `verdict`). Each verdict carries its reasons.

Digits are kept (a house or bus number tells two problems apart); spaces and punctuation are dropped."""

import hashlib
import re

import numpy as np

SHINGLE = 3
TEXT_CHARS = 600
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


_K = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)


def text_hashes(text, size=SHINGLE):
    """64-bit hashes of every `size`-character window (2 or 3) of an already normalised text (numpy)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < size:
        return np.zeros(0, dtype=np.uint64)
    windows = np.lib.stride_tricks.sliding_window_view(codes, size)
    if size == 2:  # a third, constant "character" keeps 2-grams apart from 3-grams
        windows = np.hstack([windows, np.full((len(windows), 1), 0x10FFFF + 1, dtype=np.uint64)])
    return _mix(windows)


def _mix(windows):
    with np.errstate(over="ignore"):
        mixed = (windows * _K[None, :]).sum(axis=1, dtype=np.uint64)
        mixed ^= mixed >> np.uint64(33)
        mixed *= np.uint64(0xFF51AFD7ED558CCD)
        mixed ^= mixed >> np.uint64(29)
    return mixed


def _hash64(values):
    """Stable 64-bit hashes of shingles (Python's own hash() changes from process to process).

    Three-character shingles, nearly all of them, are hashed from their code points with numpy; anything
    else with blake2b."""
    values = list(values)
    if values and all(len(v) == SHINGLE for v in values):
        codes = np.frombuffer("".join(values).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        return _mix(codes.reshape(-1, SHINGLE))
    return np.array(
        [int.from_bytes(hashlib.blake2b(v.encode(), digest_size=8).digest(), "little") for v in values],
        dtype=np.uint64,
    )


ROWS = 3
BANDS = 12
_RNG = np.random.default_rng(20261123)  # fixed: keys stored today must match keys computed next year
_A = _RNG.integers(1, 2**63, size=ROWS * BANDS, dtype=np.uint64) | np.uint64(1)  # odd multipliers
_B = _RNG.integers(0, 2**63, size=ROWS * BANDS, dtype=np.uint64)


def minhashes(grams):
    """ROWS × BANDS min-hashes of a shingle set (multiply-add hashing modulo 2⁶⁴, high 32 bits kept)."""
    hashes = _hash64(sorted(grams))
    with np.errstate(over="ignore"):
        mixed = hashes[:, None] * _A[None, :] + _B[None, :]
    return (mixed >> np.uint64(32)).min(axis=0)


def band_keys(grams):
    """One signed 63-bit key per band (empty for a text with no shingles)."""
    if not grams:
        return []
    values = minhashes(grams)
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes() + bytes([band])
        keys.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little") >> 1)
    return keys


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
