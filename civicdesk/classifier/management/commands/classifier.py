"""civicdesk classifier train | evaluate | versions | activate | rollback (docs/classifier.md)."""

import time

from django.core.management.base import BaseCommand, CommandError

from civicdesk.classifier import training, versions
from civicdesk.classifier.models import ClassifierVersion
from civicdesk.classifier.text import ModelFileError, TextClassifier


class ProgressBar:
    """One line on stderr, redrawn in place: [#######.......]  45%  features  12 s"""

    def __init__(self, stream, width=30):
        self.stream, self.width, self.started, self.shown = stream, width, time.monotonic(), None

    def __call__(self, fraction, stage):
        filled = int(self.width * fraction)
        line = (
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%}  {stage:<16}"
            f" {time.monotonic() - self.started:5.0f} s"
        )
        if line != self.shown:
            self.stream.write(line, ending="")
            self.stream.flush()
            self.shown = line
        if fraction >= 1:
            self.stream.write("")


class Command(BaseCommand):
    help = "Train, evaluate, list, activate and roll back versions of the request classifier."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train a new version from the ledger or a CSV/Excel file")
        train.add_argument("--file", help="labelled CSV or Excel file (title, body, label columns)")
        train.add_argument(
            "--ledger", action="store_true", help="learn from the ledger (default without --file)"
        )
        train.add_argument("--level", type=int, default=1, help="category level the ledger labels are cut to")
        train.add_argument("--no-catalogue", action="store_true", help="do not learn from category names")
        train.add_argument("--activate", action="store_true", help="use the new version at once")
        train.add_argument("--note", default="")
        train.add_argument("--output", help="write the model file here instead of storing a version")
        evaluate = sub.add_parser("evaluate", help="score a version on a labelled CSV/Excel file")
        evaluate.add_argument("file")
        evaluate.add_argument("--version", help="version id, or 'shipped' (default: the active one)")
        sub.add_parser("versions", help="list the versions")
        activate = sub.add_parser("activate", help="use this version from now on")
        activate.add_argument("version", type=int)
        sub.add_parser("rollback", help="retire the active version and go back to the previous one")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except training.TrainingDataError as exc:
            raise CommandError(str(exc)) from None

    def do_train(self, *, file, ledger, level, no_catalogue, activate, note, output, **_):
        titles, bodies, labels, weights = [], [], [], []
        sources = []
        if file:
            t, b, y = training.read_examples(file)
            titles, bodies, labels, weights = t, b, y, [1.0] * len(t)
            sources.append(f"file {file}")
        if ledger or not file:
            t, b, y, w, corrections = training.ledger_examples(level)
            titles, bodies, labels, weights = titles + t, bodies + b, labels + y, weights + w
            sources.append(f"ledger level {level}: {len(t)} cases, {corrections} corrected by people")
        catalogue = [] if no_catalogue else training.catalogue_for(set(labels), level)
        self.stdout.write(
            f"training on {len(titles)} examples, {len(set(labels))} labels, {len(catalogue)} catalogue names"
        )
        model, fingerprint = training.train(
            titles, bodies, labels, weights=weights, catalogue=catalogue, progress=ProgressBar(self.stderr)
        )
        self._print_metrics(model.metrics)
        if output:
            with open(output, "wb") as f:
                f.write(model.to_bytes())
            self.stdout.write(f"model written to {output} (training data fingerprint {fingerprint[:16]})")
            return
        version = versions.save(
            model,
            source="; ".join(sources),
            fingerprint=fingerprint,
            level=level,
            note=note,
            use_now=activate,
        )
        state = "active" if activate else "not active: civicdesk classifier activate " + str(version.pk)
        self.stdout.write(f"saved {version} ({state})")

    def _print_metrics(self, metrics):
        if "macro_f1" in metrics:
            self.stdout.write(
                f"held-out ({metrics['held_out']} examples): accuracy {metrics['accuracy']:.3f},"
                f" macro-F1 {metrics['macro_f1']:.3f}, calibration error {metrics['calibration_error']:.3f}"
            )
        else:
            self.stdout.write("too few examples per label for held-out metrics")

    def do_evaluate(self, *, file, version, **_):
        titles, bodies, labels = training.read_examples(file)
        model, name = self._model(version)
        self.stdout.write(f"model {name} on {file}")
        self.stdout.write(training.format_report(training.evaluate(model, titles, bodies, labels)))

    def _model(self, version):
        try:
            if version == "shipped":
                return TextClassifier.from_bytes(versions.SHIPPED.read_bytes()), "shipped"
            if version is None:
                loaded = versions.current()
                if loaded.model is None:
                    raise CommandError(
                        f"the classifier {loaded.name} is not usable: {loaded.problem or 'off'}"
                    )
                return loaded.model, loaded.name
            row = ClassifierVersion.objects.filter(pk=int(version) if version.isdigit() else None).first()
            if row is None:
                raise CommandError(f"no version {version}")
            return TextClassifier.from_bytes(versions._read(row)), str(row)
        except (OSError, ModelFileError) as exc:
            raise CommandError(f"model {version or 'active'} cannot be read: {exc}") from None

    def do_versions(self, **_):
        rows = list(ClassifierVersion.objects.order_by("pk"))
        if not rows:
            self.stdout.write("no trained versions; the shipped model is in use")
        for v in rows:
            f1 = f"{v.macro_f1:.3f}" if v.macro_f1 is not None else "  -  "
            mark = "*" if v.is_active else ("x" if v.retired_at else " ")
            self.stdout.write(
                f"{mark} {v!s:>5}  {v.created_at:%Y-%m-%d %H:%M}  macro-F1 {f1}  {v.examples:7d} examples"
                f"  {len(v.labels):3d} labels  {v.fingerprint[:12]}  {v.source}"
            )
        self.stdout.write(f"in use: {versions.current().name}")

    def do_activate(self, *, version, **_):
        row = ClassifierVersion.objects.filter(pk=version).first()
        if row is None:
            raise CommandError(f"no version {version}")
        versions.activate(row)
        self.stdout.write(f"{row} is in use")

    def do_rollback(self, **_):
        now = versions.rollback()
        self.stdout.write(f"{now or 'the shipped model'} is in use")
