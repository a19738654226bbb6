"""Readable case numbers: YYYYMMDD-NNNNNN, a counter per local day."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import CaseNumberSequence


def next_number(moment):
    day = timezone.localtime(moment).date()
    for _ in range(5):
        with transaction.atomic():
            if CaseNumberSequence.objects.filter(day=day).update(last=F("last") + 1):
                last = CaseNumberSequence.objects.get(day=day).last
                return f"{day:%Y%m%d}-{last:06d}"
            try:
                with transaction.atomic():
                    CaseNumberSequence.objects.create(day=day, last=1)
                return f"{day:%Y%m%d}-{1:06d}"
            except IntegrityError:  # another process created today's row first; count on it
                continue
    raise RuntimeError("could not allocate a case number")
