"""A text classifier for citizens' requests: title + body → first-level category, with the words behind it.

Word (jieba) and character 1–3-gram TF-IDF features, kept apart for the title and the body (a title says
in few words what the request is about), and a linear SVM with balanced class weights. The category
catalogue itself joins the training data: each of its level-2/level-3 names becomes a short example of its
first-level class, so a city with little history still gets sensible suggestions. Everything is CPU-only,
trains in seconds and explains itself: the features with the largest contribution to the chosen class.

Confidence, model versions and the routing policy build on this (issue 5)."""

import logging
from dataclasses import dataclass

import jieba
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

jieba.setLogLevel(logging.WARNING)

# What a request is about is said early; reading further costs time (segmentation is per character) and
# adds little. Long bodies are cut here, in training and in use alike.
TITLE_CHARS = 200
BODY_CHARS = 600


def words(text):
    return [w for w in jieba.lcut(text) if w.strip()]


@dataclass
class Suggestion:
    label: str
    score: float
    because: list  # the words or characters that pushed hardest towards this label


class TextClassifier:
    def __init__(self, C=0.5):
        self.C = C

    def _vectorizers(self):
        return (
            TfidfVectorizer(tokenizer=words, token_pattern=None, sublinear_tf=True),
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2),
        )

    def fit(self, titles, bodies, labels, catalogue=()):
        """`catalogue`: (first-level label, names under it) pairs, added as short examples of that label."""
        titles, bodies, labels = list(titles), list(bodies), list(labels)
        for label, names in catalogue:
            titles.append(names)
            bodies.append(names)
            labels.append(label)
        titles = [t[:TITLE_CHARS] for t in titles]
        bodies = [b[:BODY_CHARS] for b in bodies]
        self.title_vectorizers = [v.fit(titles) for v in self._vectorizers()]
        self.body_vectorizers = [v.fit(bodies) for v in self._vectorizers()]
        self.model = LinearSVC(C=self.C, class_weight="balanced", random_state=0).fit(
            self._features(titles, bodies), labels
        )
        names = [*self._names(self.title_vectorizers), *self._names(self.body_vectorizers)]
        self.feature_names = np.array(names, dtype=object)
        return self

    @staticmethod
    def _names(vectorizers):
        return [name for v in vectorizers for name in v.get_feature_names_out()]

    def _features(self, titles, bodies):
        titles = [t[:TITLE_CHARS] for t in titles]
        bodies = [b[:BODY_CHARS] for b in bodies]
        blocks = [v.transform(titles) for v in self.title_vectorizers]
        blocks += [v.transform(bodies) for v in self.body_vectorizers]
        return sp.hstack(blocks).tocsr()

    def predict(self, titles, bodies):
        return list(self.model.predict(self._features(titles, bodies)))

    def suggest(self, title, body, top=3, reasons=5):
        """The `top` labels by score, each with the features that contributed most to it."""
        row = self._features([title], [body])
        scores = self.model.decision_function(row)[0]
        coef = self.model.coef_
        if len(self.model.classes_) == 2:  # one score for the second class; the first is its mirror image
            scores, coef = np.array([-scores, scores]), np.vstack([-coef[0], coef[0]])
        suggestions = []
        for index in np.argsort(-scores)[:top]:
            contributions = row.multiply(coef[index]).tocsr()
            order = np.argsort(-contributions.data)[:reasons]
            because = [
                str(self.feature_names[contributions.indices[i]]).strip()
                for i in order
                if contributions.data[i] > 0
            ]
            suggestions.append(Suggestion(str(self.model.classes_[index]), float(scores[index]), because))
        return suggestions


def catalogue_examples(taxonomy_rows, labels):
    """(level1, "level2 level3") for the catalogue rows whose first level is one of `labels`."""
    wanted = set(labels)
    return [(r["level1"], f"{r['level2']} {r['level3']}") for r in taxonomy_rows if r["level1"] in wanted]
