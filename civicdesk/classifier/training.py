"""Where a classifier learns from, and how well it does on a labelled file.

Three sources, combined as the command asks (`civicdesk classifier train`):
- the ledger: every case whose category a person confirmed (dispatched it, or accepted and handled it after
  an automatic dispatch). A case whose final category differs from the classifier's suggestion, because a
  dispatcher corrected it or a unit returned it and it went elsewhere, counts CORRECTION_WEIGHT times;
- a CSV or Excel file with title, body and label columns (header names in English or Chinese, see COLUMNS);
- the category catalogue: the names of the categories under each label, so a class with no history is still
  known."""

import csv
import io
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from civicdesk.catalogue.taxonomy import same_line

from .text import TextClassifier, fingerprint

CORRECTION_WEIGHT = 3.0
COLUMNS = {
    "title": ("title", "标题", "留言主题", "主题"),
    "body": ("body", "description", "text", "内容", "留言详情", "诉求内容", "详情"),
    "label": ("label", "category", "分类", "类别", "一级分类", "一级标签", "标签"),
}
FILE_TYPES = (".csv", ".xlsx")


class TrainingDataError(Exception):
    """Data that cannot be trained on or evaluated, with a message that says what to fix."""


# --- files --------------------------------------------------------------------------------------------


def _rows_from_csv(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TrainingDataError("the CSV file is neither UTF-8 nor GB18030 text")
    return list(csv.reader(io.StringIO(text)))


def _rows_from_xlsx(data):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files
        raise TrainingDataError(f"not a readable Excel (.xlsx) file: {exc.__class__.__name__}") from None
    sheet = book.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def read_examples(path, need_label=True):
    """(titles, bodies, labels) from a CSV or Excel file; TrainingDataError naming the problem."""
    path = Path(path)
    if path.suffix.lower() not in FILE_TYPES:
        raise TrainingDataError(f"{path.name}: use a .csv or .xlsx file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrainingDataError(f"{path}: {exc.strerror or exc}") from None
    rows = _rows_from_xlsx(data) if path.suffix.lower() == ".xlsx" else _rows_from_csv(data)
    if not rows:
        raise TrainingDataError(f"{path.name} is empty")
    header = [str(h).strip().lower() for h in rows[0]]
    where = {}
    for field, names in COLUMNS.items():
        found = [header.index(n) for n in names if n in header]
        if found:
            where[field] = found[0]
        elif field != "title" and (field != "label" or need_label):
            raise TrainingDataError(
                f"{path.name}: no {field} column; name it one of: {', '.join(names)}"
                f" (the header row has: {', '.join(header)})"
            )
    titles, bodies, labels = [], [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in row):
            continue

        def cell(field, row=row):
            index = where.get(field)
            return str(row[index]).strip() if index is not None and index < len(row) else ""

        title, body, label = cell("title"), cell("body"), cell("label")
        if not (title or body):
            raise TrainingDataError(f"{path.name}, row {number}: neither title nor body")
        if need_label and not label:
            raise TrainingDataError(f"{path.name}, row {number}: no label")
        titles.append(title)
        bodies.append(body)
        labels.append(label)
    if not titles:
        raise TrainingDataError(f"{path.name} has a header but no examples")
    return titles, bodies, labels


# --- the ledger -------------------------------------------------------------------------------------------


def label_at(full_name, level):
    return "/".join(full_name.split("/")[:level])


def ledger_examples(level=1):
    """(titles, bodies, labels, weights, corrections) from the cases whose category a person confirmed."""
    from civicdesk.cases.models import Case, CaseState

    # not yet (or never) settled by a person: waiting, being returned or disputed, or no real request
    unconfirmed = {
        CaseState.RECEIVED,
        CaseState.RETURN_REQUESTED,
        CaseState.DISPUTED,
        CaseState.INVALID,
        CaseState.WITHDRAWN,
        CaseState.MERGED,
    }
    titles, bodies, labels, weights = [], [], [], []
    corrections = 0
    cases = (
        Case.objects.filter(category__isnull=False)
        .exclude(state__in=unconfirmed)
        .values_list("title", "description", "category__full_name", "classification", "state")
        .order_by("pk")
    )
    for title, description, full_name, classification, state in cases.iterator(chunk_size=2000):
        classification = classification or {}
        if classification.get("auto") and state == CaseState.DISPATCHED:
            continue  # dispatched by the classifier and not yet taken up: nobody has confirmed it yet
        label = label_at(full_name, level)
        top = classification.get("top") or []
        corrected = bool(top) and not same_line(label_at(top[0]["label"], level), label)
        corrections += corrected
        titles.append(title)
        bodies.append(description)
        labels.append(label)
        weights.append(CORRECTION_WEIGHT if corrected else 1.0)
    return titles, bodies, labels, weights, corrections


def catalogue_for(labels, level=1):
    """(label, names) examples from the catalogue: each active leaf category under one of `labels`, named by
    its path below the label's level (a leaf at that level is named by itself)."""
    from civicdesk.catalogue.models import Category

    wanted = set(labels)
    categories = list(Category.objects.filter(is_active=True).values_list("id", "parent_id", "full_name"))
    parents = {parent for _id, parent, _name in categories if parent is not None}
    examples = []
    for pk, _parent, full_name in categories:
        parts = full_name.split("/")
        label = "/".join(parts[:level])
        if pk in parents or label not in wanted or len(parts) < level:
            continue
        examples.append((label, " ".join(parts[level:]) or parts[-1]))
    return examples


# --- training and evaluation --------------------------------------------------------------------------


def train(titles, bodies, labels, *, weights=None, catalogue=(), progress=None):
    """A fitted TextClassifier and the fingerprint of what it learned from."""
    counts = Counter(labels)
    if len(counts) < 2:
        raise TrainingDataError(
            f"{len(titles)} examples with {len(counts)} label(s): at least two different labels are needed"
        )
    model = TextClassifier().fit(titles, bodies, labels, catalogue, progress=progress, weights=weights)
    data = fingerprint(
        [*titles, *(names for _l, names in catalogue)],
        [*bodies, *(names for _l, names in catalogue)],
        [
            *(f"{y}\x1d{w}" for y, w in zip(labels, weights or [1.0] * len(labels), strict=True)),
            *(label for label, _names in catalogue),
        ],
    )
    return model, data


def evaluate(model, titles, bodies, labels):
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix (rows: truth)."""
    predicted = model.predict(titles, bodies)
    classes = sorted(set(labels) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=classes, zero_division=0
    )
    return {
        "examples": len(labels),
        "accuracy": float(np.mean(np.array(predicted) == np.array(labels))),
        "macro_f1": float(f1_score(labels, predicted, labels=sorted(set(labels)), average="macro")),
        "classes": classes,
        "per_class": [
            {
                "label": c,
                "precision": float(p),
                "recall": float(r),
                "f1": float(f),
                "support": int(s),
            }
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        ],
        "confusion": confusion_matrix(labels, predicted, labels=classes).tolist(),
        "unknown_labels": sorted(set(labels) - set(model.classes)),
    }


def format_report(report):
    """The evaluation as text for a terminal: totals, a per-class table and the confusion matrix."""
    width = max(8, *(len(c) * 2 for c in report["classes"]))  # CJK characters are two columns wide
    lines = [
        f"examples {report['examples']}   accuracy {report['accuracy']:.3f}"
        f"   macro-F1 {report['macro_f1']:.3f}",
        "",
        f"{'label':<{width}}  precision  recall     F1  support",
    ]
    for row in report["per_class"]:
        pad = width - len(row["label"]) * 2 + len(row["label"])
        lines.append(
            f"{row['label']:<{pad}}  {row['precision']:9.3f}  {row['recall']:6.3f}  {row['f1']:5.3f}"
            f"  {row['support']:7d}"
        )
    lines += ["", "confusion matrix (rows: true label, columns: predicted, in the order above)"]
    for label, counts in zip(report["classes"], report["confusion"], strict=True):
        pad = width - len(label) * 2 + len(label)
        lines.append(f"{label:<{pad}}  " + " ".join(f"{n:5d}" for n in counts))
    if report["unknown_labels"]:
        lines += ["", "labels the model has never learned: " + ", ".join(report["unknown_labels"])]
    return "\n".join(lines)
