"""Importing a problem ledger from Excel: upload, the row-by-row report of problems, or the new cases."""

import io

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.cases.ledger_import import COLUMNS, TEMPLATE_EXAMPLE, LedgerImportError, import_ledger
from civicdesk.org.models import Role

from .common import roles_required

MAX_BYTES = 5 * 1024 * 1024
# Each row runs the whole intake (~15 ms): a web request stays well inside the server's timeout. Larger
# ledgers go through `civicdesk import_ledger`, which takes up to ledger_import.MAX_ROWS.
WEB_MAX_ROWS = 1000
TEMPLATE_COLUMNS = [names[0] for names in COLUMNS.values()]


class LedgerForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("台账文件（.xlsx 或 .csv）"))


@roles_required(Role.DISPATCHER)
def ledger_import(request):
    form = LedgerForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("文件不能超过 5 MB"))
        else:
            try:
                cases = import_ledger(upload.name, upload.read(), request.user, max_rows=WEB_MAX_ROWS)
            except LedgerImportError as exc:
                problems = exc.problems
            else:
                messages.success(request, _("已导入 %(n)d 件诉求") % {"n": len(cases)})
                return redirect(reverse("web:cases") + "?channel=visit")
    return render(
        request, "web/ledger_import.html", {"form": form, "problems": problems, "columns": TEMPLATE_COLUMNS}
    )


@roles_required(Role.DISPATCHER)
def ledger_template(request):
    """An empty ledger with the headings the import reads, and one example row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_COLUMNS)
    sheet.append(TEMPLATE_EXAMPLE)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response
