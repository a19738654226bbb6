"""A text classifier for citizens' requests: title + body → category, with a calibrated confidence and the
words behind it.

Features: jieba words of the title, character 1–2-grams of the title and of the body, each block TF-IDF
weighted (sublinear tf, l2-normalised) and the title blocks scaled down a little (a title is short, so its
few features would otherwise dominate). Text is normalised first: lower case, runs of digits → "0", runs
of one or two Latin letters → "a" (house numbers and the "A3区" style of place codes say nothing about the
topic; English words are kept).
A linear SVM with balanced class weights scores the classes; a softmax over the scores divided by a
temperature fitted on held-out scores turns them into calibrated probabilities.

The category catalogue joins the training data: each of its names becomes a short example of its class, so
a city with little history still gets sensible suggestions.

Classifying one request does not go through scikit-learn: the vocabulary and IDF weights are plain
dictionaries and arrays, and the scores are one gather-and-multiply over the request's features
(scikit-learn's per-call overhead alone was above the 5 ms budget). Models are saved as an .npz archive
read with allow_pickle=False, so a model file can never run code when it is loaded.

The hyperparameters were chosen by the stratified cross-validation in bench/classifier_cv.py."""

import hashlib
import io
import json
import logging
import math
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field

import jieba
import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.svm import LinearSVC

jieba.setLogLevel(logging.WARNING)

# bumped whenever features change: a file made for other features is refused, not misread
FORMAT = "civicdesk-text-classifier/2"
# What a request is about is said early; reading further costs time and adds little. Long texts are cut
# here, in training and in use alike.
TITLE_CHARS = 200
BODY_CHARS = 600
TITLE_WEIGHT = 0.6
C = 0.25
# Out-of-fold calibration (and the metrics stored with a model) use 5 folds up to this many examples and a
# single 10% held-out part above it, where 5 extra fits would cost more than they teach.
CROSS_VALIDATE_UP_TO = 20000
MAX_FEATURES = {"title_words": 30000, "title_chars": 30000, "body_chars": 60000}

_DIGITS = re.compile(r"[0-9]+")
# one or two Latin letters standing alone: place codes such as "A3区", "K8县" (English words stay whole)
_LATIN = re.compile(r"(?<![a-z])[a-z]{1,2}(?![a-z])")


class ModelFileError(Exception):
    """A model file that cannot be read: missing, truncated, tampered with or of another format."""


def normalize(text):
    return _LATIN.sub("a", _DIGITS.sub("0", " ".join(str(text).lower().split())))


def words(text):
    return [w for w in jieba.lcut(text) if w.strip()]


def char_grams(text):
    return [*text, *(text[i : i + 2] for i in range(len(text) - 1))]


# block name → (which text, analyzer, min_df)
BLOCKS = (
    ("title_words", "title", words, 1),
    ("title_chars", "title", char_grams, 2),
    ("body_chars", "body", char_grams, 2),
)


def prepare(title, body):
    return normalize(str(title)[:TITLE_CHARS]), normalize(str(body)[:BODY_CHARS])


@dataclass
class Suggestion:
    label: str
    confidence: float  # calibrated probability that this label is right
    score: float  # the raw SVM score
    because: list = field(default_factory=list)  # the words or characters that pushed hardest towards it


def fingerprint(titles, bodies, labels):
    """sha256 of the training examples in a canonical order: the same data gives the same fingerprint."""
    digest = hashlib.sha256()
    for line in sorted(f"{t}\x1f{b}\x1f{y}" for t, b, y in zip(titles, bodies, labels, strict=True)):
        digest.update(line.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def _softmax(scores, temperature):
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(scores, truth):
    """The temperature that minimises the log loss of softmax(scores / T) on held-out (scores, truth)."""

    def loss(log_t):
        p = _softmax(scores, math.exp(log_t))[np.arange(len(truth)), truth]
        return -np.log(np.clip(p, 1e-12, None)).mean()

    return math.exp(minimize_scalar(loss, bounds=(-6, 4), method="bounded").x)


def calibration_error(probabilities, truth, bins=10):
    """Expected calibration error: how far, on average, stated confidence is from observed accuracy."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


class TextClassifier:
    def __init__(self):
        self.classes = []
        self.blocks = []  # [(name, source, vocabulary dict, idf array, offset, weight)]
        self.weights = None  # features × classes, float32
        self.intercept = None
        self.temperature = 1.0
        self.metrics = {}

    # --- training -----------------------------------------------------------------------------------------

    def fit(self, titles, bodies, labels, catalogue=(), progress=None, weights=None):
        """Learns from (title, body, label) examples, plus `catalogue`: (label, names) pairs.

        `weights`: optional per-example weights (a dispatcher's correction counts more). `progress(fraction,
        stage)` is called as the work advances. Stores held-out metrics in `self.metrics`."""
        progress = progress or (lambda *a: None)
        titles, bodies, labels = list(titles), list(bodies), [str(y) for y in labels]
        weights = list(weights) if weights is not None else [1.0] * len(titles)
        history = len(titles)
        for label, names in catalogue:
            titles.append(names)
            bodies.append(names)
            labels.append(str(label))
            weights.append(1.0)
        if len(set(labels)) < 2:
            raise ValueError("at least two different labels are needed to train a classifier")
        prepared = [prepare(t, b) for t, b in zip(titles, bodies, strict=True)]
        matrix = self._fit_features(prepared, progress)
        self.classes = sorted(set(labels))
        index = {label: i for i, label in enumerate(self.classes)}
        y = np.array([index[label] for label in labels])
        sample_weight = np.asarray(weights, dtype=float)
        progress(0.6, "held-out scores")
        held_scores, held = self._held_out_scores(matrix, y, sample_weight, history)
        progress(0.8, "model")
        svm = self._svm().fit(matrix, y, sample_weight=sample_weight)
        coef, intercept = svm.coef_, svm.intercept_
        if len(self.classes) == 2:  # one score for the second class; the first is its mirror image
            coef, intercept = np.vstack([-coef[0], coef[0]]) / 2, np.array([-intercept[0], intercept[0]]) / 2
        self.weights = np.ascontiguousarray(coef.T, dtype=np.float32)
        self.intercept = intercept.astype(np.float32)
        progress(0.97, "calibration")
        if held_scores is not None:
            self.temperature = fit_temperature(held_scores, y[held])
            probabilities = _softmax(held_scores, self.temperature)
            predicted = probabilities.argmax(axis=1)
            self.metrics = {
                "examples": history,
                "catalogue_examples": len(titles) - history,
                "held_out": int(len(held)),
                "accuracy": float((predicted == y[held]).mean()),
                "macro_f1": float(f1_score(y[held], predicted, average="macro")),
                "calibration_error": calibration_error(probabilities, y[held]),
                "temperature": self.temperature,
            }
        else:
            self.metrics = {"examples": history, "catalogue_examples": len(titles) - history}
        progress(1.0, "done")
        return self

    @staticmethod
    def _svm():
        return LinearSVC(C=C, class_weight="balanced", random_state=0)

    def _fit_features(self, prepared, progress):
        self.blocks, matrices, offset = [], [], 0
        total, done = len(BLOCKS) * len(prepared), 0

        def counted(analyzer):
            def analyze(text):
                nonlocal done
                done += 1
                if done % 2000 == 0:
                    progress(0.6 * done / total, "features")
                return analyzer(text)

            return analyze

        for name, source, plain, min_df in BLOCKS:
            analyzer = counted(plain)
            texts = [p[0] if source == "title" else p[1] for p in prepared]
            vectorizer = TfidfVectorizer(
                analyzer=analyzer, sublinear_tf=True, min_df=min_df, max_features=MAX_FEATURES[name]
            )
            try:
                block = vectorizer.fit_transform(texts)
            except ValueError:  # nothing survived min_df (tiny training sets)
                vectorizer = TfidfVectorizer(analyzer=plain, sublinear_tf=True)
                block = vectorizer.fit_transform(texts)
            weight = TITLE_WEIGHT if source == "title" else 1.0
            vocabulary = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
            self.blocks.append((name, source, vocabulary, vectorizer.idf_.astype(np.float32), offset, weight))
            matrices.append(block * weight)
            offset += block.shape[1]
        return sp.hstack(matrices).tocsr()

    def _held_out_scores(self, matrix, y, sample_weight, history):
        """Scores for examples the model did not see (out-of-fold), to calibrate on and to report."""
        counts = Counter(y[:history])
        if history < 4 or max(counts.values()) < 2:
            return None, None
        rows = np.arange(history)
        scores = np.zeros((history, len(self.classes)))
        if history <= CROSS_VALIDATE_UP_TO:
            # a class with fewer examples than folds is simply missing from some training parts
            folds = min(5, max(2, min(counts.values())))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                splits = list(StratifiedKFold(folds, shuffle=True, random_state=0).split(rows, y[:history]))
        else:
            rare = {c for c, n in counts.items() if n < 2}  # stratifying needs two of each
            stratify = np.array([-1 if c in rare else c for c in y[:history]])
            splits = [train_test_split(rows, test_size=0.1, stratify=stratify, random_state=0)]
        held = []
        extra = np.arange(history, matrix.shape[0])  # catalogue examples are always learned from
        for train, test in splits:
            train = np.concatenate([train, extra])
            svm = self._svm().fit(matrix[train], y[train], sample_weight=sample_weight[train])
            part = svm.decision_function(matrix[test])
            if part.ndim == 1:
                part = np.column_stack([-part, part]) / 2
            known = np.unique(y[train])  # a class missing from a fold's training part scores very low
            full = np.full((len(test), len(self.classes)), -10.0)
            full[:, known] = part
            scores[test] = full
            held.extend(test)
        held = np.array(sorted(held))
        return scores[held], held

    # --- use ----------------------------------------------------------------------------------------------

    def _features(self, title, body):
        """(column indices, values) of one request, computed exactly as TfidfVectorizer does."""
        texts = dict(zip(("title", "body"), prepare(title, body), strict=True))
        columns, values = [], []
        for name, source, vocabulary, idf, offset, weight in self.blocks:
            analyzer = words if name.endswith("words") else char_grams
            counts = Counter(analyzer(texts[source]))
            cols = [vocabulary[t] for t in counts if t in vocabulary]
            if not cols:
                continue
            tf = np.array([1.0 + math.log(counts[t]) for t in counts if t in vocabulary], dtype=np.float32)
            tfidf = tf * idf[cols]
            tfidf *= weight / np.linalg.norm(tfidf)
            columns.append(np.asarray(cols, dtype=np.int64) + offset)
            values.append(tfidf)
        if not columns:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(columns), np.concatenate(values)

    def suggest(self, title, body, top=3, reasons=5):
        """The `top` labels, most probable first, each with the features that pushed hardest towards it."""
        columns, values = self._features(title, body)
        contributions = self.weights[columns] * values[:, None]  # features × classes
        scores = contributions.sum(axis=0) + self.intercept
        probabilities = _softmax(scores.astype(np.float64), self.temperature)
        suggestions = []
        for k in np.argsort(-scores)[:top]:
            # the same word can count in the title and in the body: say it once, with its total weight
            by_name = Counter()
            for i in np.argsort(-contributions[:, k])[: 3 * reasons]:
                name = self.feature_name(columns[i])
                if contributions[i, k] > 0 and name:  # a space character says nothing
                    by_name[name] += float(contributions[i, k])
            because = [name for name, _weight in by_name.most_common(reasons)]
            suggestions.append(
                Suggestion(self.classes[k], float(probabilities[k]), float(scores[k]), because)
            )
        return suggestions

    def predict(self, titles, bodies):
        return [self.suggest(t, b, top=1, reasons=0)[0].label for t, b in zip(titles, bodies, strict=True)]

    def feature_name(self, column):
        for _name, _source, vocabulary, _idf, offset, _weight in reversed(self.blocks):
            if column >= offset:
                if not hasattr(self, "_names"):
                    self._names = {}
                names = self._names.get(offset)
                if names is None:
                    names = self._names[offset] = {i: term for term, i in vocabulary.items()}
                return names[column - offset].strip()
        raise IndexError(column)

    # --- files --------------------------------------------------------------------------------------------

    def to_bytes(self):
        meta = {
            "format": FORMAT,
            "classes": self.classes,
            "temperature": self.temperature,
            "metrics": self.metrics,
            "blocks": [
                {
                    "name": name,
                    "source": source,
                    "offset": offset,
                    "weight": weight,
                    "terms": _terms(vocabulary),
                }
                for name, source, vocabulary, _idf, offset, weight in self.blocks
            ],
        }
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            weights=self.weights,
            intercept=self.intercept,
            **{f"idf_{i}": block[3] for i, block in enumerate(self.blocks)},
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data):
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                meta = json.loads(archive["meta"].tobytes().decode())
                if meta.get("format") != FORMAT:
                    raise ModelFileError(f"not a {FORMAT} model: {meta.get('format')!r}")
                model = cls()
                model.classes = list(meta["classes"])
                model.temperature = float(meta["temperature"])
                model.metrics = meta.get("metrics", {})
                model.weights = np.ascontiguousarray(archive["weights"], dtype=np.float32)
                model.intercept = archive["intercept"].astype(np.float32)
                for i, block in enumerate(meta["blocks"]):
                    vocabulary = {term: j for j, term in enumerate(block["terms"])}
                    idf = archive[f"idf_{i}"].astype(np.float32)
                    model.blocks.append(
                        (block["name"], block["source"], vocabulary, idf, block["offset"], block["weight"])
                    )
        except ModelFileError:
            raise
        except Exception as exc:  # zip, npz, JSON and key errors all mean the same thing here
            raise ModelFileError(f"unreadable model file: {exc.__class__.__name__}: {exc}") from None
        features = sum(len(b[2]) for b in model.blocks)
        if model.weights.shape != (features, len(model.classes)) or model.intercept.shape != (
            len(model.classes),
        ):
            raise ModelFileError("model file is inconsistent: weights do not match its vocabulary")
        return model


def _terms(vocabulary):
    terms = [""] * len(vocabulary)
    for term, i in vocabulary.items():
        terms[i] = term
    return terms


def catalogue_examples(taxonomy_rows, labels):
    """(level1, "level2 level3") for the catalogue rows whose first level is one of `labels`."""
    wanted = set(labels)
    return [(r["level1"], f"{r['level2']} {r['level3']}") for r in taxonomy_rows if r["level1"] in wanted]
