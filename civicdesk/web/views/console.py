"""The operator console (12345 受理台): register a caller's request in under a minute.

While the operator types, two HTMX panels fill in: the caller's earlier cases (by phone) and the
knowledge base's answers to what the caller asks. An inquiry can be answered and closed on the spot."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.cases import actions, clock, intake
from civicdesk.cases.errors import ValidationFailed
from civicdesk.cases.models import OPEN_STATES, Case
from civicdesk.cases.validation import normalize_phone
from civicdesk.catalogue.models import Category, Channel
from civicdesk.knowledge.models import search as search_knowledge
from civicdesk.org.models import Role

from .common import roles_required
from .public import SubmitForm

EARLIER_LIMIT = 10
DUPLICATE_WINDOW = timedelta(days=30)


class ConsoleForm(SubmitForm):
    """The citizen's form plus the channel the request came by; photos come later, from the unit."""

    channel = forms.ChoiceField(
        label=gettext_lazy("渠道"),
        choices=[(c, c.label) for c in (Channel.HOTLINE, Channel.LETTER, Channel.VISIT)],
        initial=Channel.HOTLINE,
    )
    photos = None


@roles_required(Role.OPERATOR)
def console(request):
    categories = list(Category.objects.filter(is_active=True).values_list("full_name", flat=True))
    answer_error = None
    if request.method == "POST":
        form = ConsoleForm(request.POST)
        data = {key: request.POST.get(key, "") for key in ConsoleForm.base_fields}
        answer = (request.POST.get("answer") or "").strip()
        answer_now = request.POST.get("answer_now") == "1"
        try:
            with transaction.atomic():
                case = intake.submit(data, actor=request.user, route=not answer_now)
                if answer_now:
                    case = actions.answer_directly(case, request.user, answer=answer)
        except ValidationFailed as exc:
            answer_error = exc.errors.get("answer") or exc.errors.get("kind") if answer_now else None
            form.show({k: v for k, v in exc.errors.items() if k != "answer"})
        else:
            if answer_now:
                messages.success(request, _("已直接答复并办结：%(n)s") % {"n": case.number})
            else:
                messages.success(request, _("已受理：%(n)s，等待派单") % {"n": case.number})
            return redirect("web:console")
    else:
        form = ConsoleForm()
    return render(
        request,
        "web/console.html",
        {
            "form": form,
            "categories": categories,
            "answer": request.POST.get("answer", ""),
            "answer_now": request.POST.get("answer_now") == "1",
            "answer_error": answer_error,
        },
    )


@roles_required(Role.OPERATOR)
def caller_history(request):
    """HTMX panel: the caller's earlier cases, newest first, open ones flagged as possible duplicates."""
    phone = normalize_phone(request.GET.get("phone"))
    cases = []
    if phone:
        cases = list(
            Case.objects.filter(citizen__phone=phone)
            .select_related("category", "responsible_unit")
            .order_by("-received_at")[:EARLIER_LIMIT]
        )
    since = clock.now() - DUPLICATE_WINDOW
    for case in cases:
        case.maybe_duplicate = case.state in OPEN_STATES and case.received_at >= since
    return render(
        request,
        "web/_caller_history.html",
        {"cases": cases, "phone_given": bool(request.GET.get("phone")), "phone_valid": bool(phone)},
    )


@roles_required(Role.OPERATOR)
def knowledge_suggestions(request):
    """HTMX panel: knowledge base answers for what the caller is asking."""
    text = " ".join(request.GET.get(key, "") for key in ("title", "description"))
    return render(request, "web/_knowledge_suggestions.html", {"articles": search_knowledge(text)})
