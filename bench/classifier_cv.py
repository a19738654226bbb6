"""How well and how fast the request classifier works, on the shipped labelled messages.

1. Stratified 5-fold cross-validation over several shuffles (so one lucky split does not decide): macro-F1
   and accuracy of the shipped method next to a plain TF-IDF + linear SVM baseline, and the expected
   calibration error of its confidence (how far the stated confidence is from the observed accuracy).
2. Latency of classifying one request (top 3 with reasons), p50 and p99.
3. Semi-supervised learning (self-training): each fold's model labels the unlabelled messages of the same
   board, those it is at least --self-training-confidence sure of join the training data, and the model is
   trained again; macro-F1 on the same held-out folds, next to the model without them.
4. Training time on 100,000 requests of realistic length, built by recombining the sentences of the real
   messages of each class (--train-size to change, 0 to skip).

    .venv/bin/python bench/classifier_cv.py [--data ../shared/data/teddy2020c] [--seeds 3]"""

import argparse
import csv
import random
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from civicdesk.classifier.text import (  # noqa: E402
    TextClassifier,
    calibration_error,
    catalogue_examples,
    words,
)

AUTO_DISPATCH_AT = 0.9  # the default CIVICDESK_AUTO_DISPATCH_CONFIDENCE


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def cross_validate(titles, bodies, labels, catalogue, seeds):
    results = {"baseline": [], "shipped": []}
    calibration, coverage = [], []
    classes = sorted(set(labels))
    for seed in range(seeds):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        predicted = {name: np.empty(len(labels), dtype=object) for name in results}
        probabilities = np.zeros((len(labels), len(classes)))
        for train, test in folds.split(titles, labels):
            baseline = make_pipeline(TfidfVectorizer(tokenizer=words, token_pattern=None), LinearSVC())
            baseline.fit([titles[i] + "\n" + bodies[i] for i in train], labels[train])
            predicted["baseline"][test] = baseline.predict([titles[i] + "\n" + bodies[i] for i in test])
            shipped = TextClassifier().fit(
                [titles[i] for i in train], [bodies[i] for i in train], labels[train], catalogue
            )
            for i in test:
                suggestions = shipped.suggest(titles[i], bodies[i], top=len(classes), reasons=0)
                predicted["shipped"][i] = suggestions[0].label
                for s in suggestions:
                    probabilities[i, classes.index(s.label)] = s.confidence
        for name in results:
            results[name].append(
                (f1_score(labels, predicted[name], average="macro"), np.mean(predicted[name] == labels))
            )
        truth = np.array([classes.index(y) for y in labels])
        calibration.append(calibration_error(probabilities, truth))
        sure = probabilities.max(axis=1) >= AUTO_DISPATCH_AT
        coverage.append((sure.mean(), (probabilities.argmax(axis=1) == truth)[sure].mean()))
    print(f"\n5-fold stratified cross-validation, {seeds} shuffles (mean, min-max)")
    for name, label in (("baseline", "TF-IDF words + linear SVM"), ("shipped", "civicdesk TextClassifier")):
        f1s = [f for f, _ in results[name]]
        accs = [a for _, a in results[name]]
        print(
            f"  {label:28} macro-F1 {statistics.mean(f1s):.3f} ({min(f1s):.3f}-{max(f1s):.3f})"
            f"   accuracy {statistics.mean(accs):.3f}"
        )
    print(f"  expected calibration error of the shipped confidence: {statistics.mean(calibration):.3f}")
    print(
        f"  at the automatic-dispatch threshold {AUTO_DISPATCH_AT}:"
        f" {statistics.mean(c for c, _ in coverage):.0%} of requests go out by themselves,"
        f" {statistics.mean(a for _, a in coverage):.1%} of them to the right category"
    )


def self_training(titles, bodies, labels, catalogue, unlabelled, seeds, confidence):
    """Macro-F1 on held-out folds without and with pseudo-labelled unlabelled messages."""
    plain, augmented, added = [], [], []
    for seed in range(seeds):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        predicted = {
            "plain": np.empty(len(labels), dtype=object),
            "self": np.empty(len(labels), dtype=object),
        }
        for train, test in folds.split(titles, labels):
            t, b, y = [titles[i] for i in train], [bodies[i] for i in train], list(labels[train])
            model = TextClassifier().fit(t, b, y, catalogue)
            predicted["plain"][test] = model.predict([titles[i] for i in test], [bodies[i] for i in test])
            sure = [
                (ut, ub, s.label)
                for ut, ub in unlabelled
                for s in model.suggest(ut, ub, top=1, reasons=0)
                if s.confidence >= confidence
            ]
            added.append(len(sure))
            model = TextClassifier().fit(
                t + [x[0] for x in sure], b + [x[1] for x in sure], y + [x[2] for x in sure], catalogue
            )
            predicted["self"][test] = model.predict([titles[i] for i in test], [bodies[i] for i in test])
        plain.append(f1_score(labels, predicted["plain"], average="macro"))
        augmented.append(f1_score(labels, predicted["self"], average="macro"))
    print(
        f"\nself-training with {len(unlabelled)} unlabelled messages (pseudo-labels at confidence >="
        f" {confidence}, {statistics.mean(added):.0f} added per fold), {seeds} shuffles:"
        f"\n  without {statistics.mean(plain):.3f}   with {statistics.mean(augmented):.3f}"
        f"   change {statistics.mean(augmented) - statistics.mean(plain):+.3f}"
    )


def latency(model, rows):
    timings = []
    for r in rows:
        started = time.perf_counter()
        model.suggest(r["title"], r["body"])
        timings.append(time.perf_counter() - started)
    timings.sort()
    p50, p99 = timings[len(timings) // 2] * 1000, timings[int(len(timings) * 0.99)] * 1000
    print(
        f"\nlatency of one suggestion (top 3 with reasons), {len(timings)} requests:"
        f" p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )


def synthetic(rows, size, seed=0):
    """`size` requests whose lengths follow the real ones, made of the sentences of real messages of the
    same class (so the classes stay learnable)."""
    rng = random.Random(seed)
    sentences = {}
    for r in rows:
        sentences.setdefault(r["label"], []).extend(s for s in re.split(r"(?<=[。！？；])", r["body"]) if s)
    lengths = [len(r["body"]) for r in rows]
    labels = sorted(sentences)
    titles, bodies, ys = [], [], []
    for _ in range(size):
        label = rng.choice(labels)
        target, body = rng.choice(lengths), ""
        while len(body) < target:
            body += rng.choice(sentences[label])
        titles.append(body[: rng.randint(10, 30)])
        bodies.append(body)
        ys.append(label)
    return titles, bodies, ys


def main():
    parser = argparse.ArgumentParser()
    default = Path(__file__).resolve().parent.parent.parent / "shared/data/teddy2020c"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--train-size", type=int, default=100_000)
    parser.add_argument("--self-training-seeds", type=int, default=1, help="0 to skip")
    parser.add_argument("--self-training-confidence", type=float, default=0.9)
    args = parser.parse_args()
    rows = read(args.data / "messages_labelled.csv")
    taxonomy = read(args.data / "taxonomy.csv")
    titles = [r["title"] for r in rows]
    bodies = [r["body"] for r in rows]
    labels = np.array([r["label"] for r in rows])
    catalogue = catalogue_examples(taxonomy, set(labels))
    print(f"{len(rows)} labelled messages, {len(set(labels))} classes; {len(catalogue)} catalogue examples")
    cross_validate(titles, bodies, labels, catalogue, args.seeds)

    if args.self_training_seeds:
        unlabelled = [
            (r["title"], r["body"])
            for name in ("messages_with_votes.csv", "messages_with_replies.csv")
            for r in read(args.data / name)
        ]
        self_training(
            titles,
            bodies,
            labels,
            catalogue,
            unlabelled,
            args.self_training_seeds,
            args.self_training_confidence,
        )

    model = TextClassifier().fit(titles, bodies, labels, catalogue)
    latency(model, rows)

    if args.train_size:
        t, b, y = synthetic(rows, args.train_size)
        chars = sum(map(len, b)) / len(b)
        started = time.perf_counter()
        big = TextClassifier().fit(t, b, y, catalogue)
        elapsed = time.perf_counter() - started
        print(
            f"\ntraining on {len(t):,} synthetic requests (mean body {chars:.0f} characters, held-out"
            f" calibration included): {elapsed:.1f} s; {sum(len(x[2]) for x in big.blocks):,} features,"
            f" model file {len(big.to_bytes()) / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
