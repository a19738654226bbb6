"""Precision and recall of duplicate detection (并单) on a test set built from the shipped messages.

The board's messages are the "earlier cases". Repeats are made from 600 of them the way people repeat a
request: the same text again, the same with a sentence dropped, with 再次反映 in front, with the sentences in
another order, or only the title and the first half; each repeat is by the same person (a same-person repeat)
or by someone else (a different person reporting the same thing). The negatives are 600 other messages,
none of them a repeat of an indexed one, among them each person's other messages (the hardest: the same
person, another problem). A repeat is found when its original is among the detected duplicates; a negative
is a false alarm when anything is detected.

    .venv/bin/python bench/duplicates_eval.py [--data ../shared/data/teddy2020c]"""

import argparse
import csv
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from civicdesk.insight import similarity as sim  # noqa: E402


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def sentences(text):
    return [s for s in re.split(r"(?<=[。！？；!?])", text) if s.strip()]


def repeat(message, rng):
    body, title = message["body"], message["title"]
    parts = sentences(body)
    kind = rng.choice(["same", "drop", "again", "shuffle", "half"])
    if kind == "drop" and len(parts) > 2:
        parts.pop(rng.randrange(len(parts)))
        body = "".join(parts)
    elif kind == "again":
        body = "再次反映：" + body
        title = "再次反映" + title
    elif kind == "shuffle" and len(parts) > 1:
        rng.shuffle(parts)
        body = "".join(parts)
    elif kind == "half":
        body = body[: max(20, len(body) // 2)]
    return kind, title, body


class Index:
    """The database lookup of insight/duplicates.py, in memory: bands and the caller."""

    def __init__(self):
        self.by_band = defaultdict(set)
        self.by_person = defaultdict(set)
        self.grams = {}
        self.person = {}
        self.candidates = []

    def add(self, key, person, title, body):
        grams = sim.shingles(title + body)
        self.grams[key], self.person[key] = grams, person
        for band in sim.band_keys(grams):
            self.by_band[band].add(key)
        self.by_person[person].add(key)

    def find(self, person, title, body):
        grams = sim.shingles(title + body)
        candidates = set(self.by_person[person])
        for band in sim.band_keys(grams):
            candidates |= self.by_band[band]
        found = []
        self.candidates.append(len(candidates))
        for key in candidates:
            score = sim.jaccard(grams, self.grams[key])
            ok, _reasons = sim.verdict(score, same_person=self.person[key] == person)
            if ok:
                found.append(key)
        return found


def main():
    parser = argparse.ArgumentParser()
    default = Path(__file__).resolve().parent.parent.parent / "shared/data/teddy2020c"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--size", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(0)
    seen, messages = set(), []
    for name in ("messages_labelled.csv", "messages_with_votes.csv", "messages_with_replies.csv"):
        for r in read(args.data / name):
            if r["body"].strip() and r["body"] not in seen:  # the files repeat some messages exactly
                seen.add(r["body"])
                messages.append(r)
    rng.shuffle(messages)
    indexed = messages[: len(messages) - args.size]
    others = messages[len(messages) - args.size :]
    index = Index()
    for i, m in enumerate(indexed):
        index.add(i, m["user_id"], m["title"], m["body"])

    positives = defaultdict(lambda: [0, 0])
    timings = []
    for i in rng.sample(range(len(indexed)), args.size):
        kind, title, body = repeat(indexed[i], rng)
        same_person = rng.random() < 0.5
        person = indexed[i]["user_id"] if same_person else f"other-{i}"
        started = time.perf_counter()
        found = index.find(person, title, body)
        timings.append(time.perf_counter() - started)
        key = (kind, "same person" if same_person else "another person")
        positives[key][0] += i in found
        positives[key][1] += 1
    false_alarms, near_copies = 0, 0
    for m in others:
        found = index.find(m["user_id"], m["title"], m["body"])
        false_alarms += bool(found)
        grams = sim.shingles(m["title"] + m["body"])
        near_copies += any(sim.jaccard(grams, index.grams[k]) >= 0.8 for k in found)
    hard = [m for m in others if index.by_person[m["user_id"]]]

    found = sum(v[0] for v in positives.values())
    total = sum(v[1] for v in positives.values())
    print(f"{len(indexed)} earlier messages indexed; {total} repeats, {len(others)} new messages")
    print(f"({len(hard)} of the new messages are by a person with earlier messages)")
    print("\nrecall by kind of repeat")
    for (kind, who), (hit, n) in sorted(positives.items()):
        print(f"  {kind:8} {who:15} {hit:4d}/{n:<4d} {hit / n:.3f}")
    precision = found / (found + false_alarms) if found + false_alarms else 0.0
    print(
        f"\nrecall {found / total:.3f}   alarms on new messages {false_alarms}/{len(others)}"
        f"   precision counting every alarm as false {precision:.3f}"
    )
    print(
        f"  of the alarms, {near_copies} are near copies (text similarity >= 0.8) of an earlier message:"
        " repeats the board itself holds, not false alarms"
    )
    timings.sort()
    counts = sorted(index.candidates)
    print(f"candidates read per lookup: median {counts[len(counts) // 2]}, max {counts[-1]}")
    print(
        f"in-memory lookup: p50 {timings[len(timings) // 2] * 1000:.2f} ms,"
        f" p99 {timings[int(len(timings) * 0.99)] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
