"""Stratified 5-fold cross-validation of the request classifier on the shipped labelled messages.

Prints macro-F1 and accuracy of the shipped method next to a plain TF-IDF + linear SVM baseline, over several
shuffles (so one lucky split does not decide), and the latency of classifying one request.

    .venv/bin/python bench/classifier_cv.py [--data ../shared/data/teddy2020c] [--seeds 3]"""

import argparse
import csv
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
from civicdesk.classifier.text import TextClassifier, catalogue_examples, words  # noqa: E402


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    parser = argparse.ArgumentParser()
    default = Path(__file__).resolve().parent.parent.parent / "shared/data/teddy2020c"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    rows = read(args.data / "messages_labelled.csv")
    taxonomy = read(args.data / "taxonomy.csv")
    titles = [r["title"] for r in rows]
    bodies = [r["body"] for r in rows]
    labels = np.array([r["label"] for r in rows])
    catalogue = catalogue_examples(taxonomy, set(labels))
    print(f"{len(rows)} labelled messages, {len(set(labels))} classes; {len(catalogue)} catalogue examples")

    results = {"baseline": [], "shipped": []}
    for seed in range(args.seeds):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        predicted = {name: np.empty(len(rows), dtype=object) for name in results}
        for train, test in folds.split(titles, labels):
            baseline = make_pipeline(TfidfVectorizer(tokenizer=words, token_pattern=None), LinearSVC())
            baseline.fit([titles[i] + "\n" + bodies[i] for i in train], labels[train])
            predicted["baseline"][test] = baseline.predict([titles[i] + "\n" + bodies[i] for i in test])
            shipped = TextClassifier().fit(
                [titles[i] for i in train], [bodies[i] for i in train], labels[train], catalogue
            )
            predicted["shipped"][test] = shipped.predict([titles[i] for i in test], [bodies[i] for i in test])
        for name in results:
            results[name].append(
                (f1_score(labels, predicted[name], average="macro"), np.mean(predicted[name] == labels))
            )
    print(f"\n5-fold stratified cross-validation, {args.seeds} shuffles (mean, min-max)")
    for name, label in (("baseline", "TF-IDF words + linear SVM"), ("shipped", "civicdesk TextClassifier")):
        f1s = [f for f, _ in results[name]]
        accs = [a for _, a in results[name]]
        print(
            f"  {label:28} macro-F1 {statistics.mean(f1s):.3f} ({min(f1s):.3f}-{max(f1s):.3f})"
            f"   accuracy {statistics.mean(accs):.3f}"
        )

    model = TextClassifier().fit(titles, bodies, labels, catalogue)
    timings = []
    for r in rows[:300]:
        started = time.perf_counter()
        model.suggest(r["title"], r["body"])
        timings.append(time.perf_counter() - started)
    timings.sort()
    p50, p99 = timings[len(timings) // 2] * 1000, timings[int(len(timings) * 0.99)] * 1000
    print(
        f"\nlatency of one suggestion (top 3 with reasons), {len(timings)} requests:"
        f" p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )


if __name__ == "__main__":
    main()
