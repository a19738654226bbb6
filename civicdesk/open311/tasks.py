"""Batch services: a POST is answered with a token at once, and a worker turns it into a case here."""

from django.db import transaction
from django_tasks import task

from civicdesk.cases import intake
from civicdesk.cases.errors import ValidationFailed

from .models import Submission


@task()
def process_submission(submission_id):
    """Creates the case of a batch submission. Safe to run twice: the row is locked and checked first."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("api_key__user")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None or submission.case_id or submission.errors:
            return
        try:
            submission.case = intake.submit(
                submission.data, actor=submission.api_key.user, require_phone=False
            )
        except ValidationFailed as exc:
            submission.errors = [str(m) for messages in exc.errors.values() for m in messages]
        submission.save(update_fields=["case", "errors"])
