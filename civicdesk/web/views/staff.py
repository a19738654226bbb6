"""Staff screens for any case: the list with filters and export, the case page with its actions."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.cases import action_forms
from civicdesk.cases.actions import record_event
from civicdesk.cases.attachments import check_upload, store
from civicdesk.cases.errors import ActionError, CaseConflict, ValidationFailed
from civicdesk.cases.filters import CaseFilter
from civicdesk.cases.models import Attachment, Case
from civicdesk.cases.permissions import ACTION_LABELS, available_actions
from civicdesk.cases.visibility import can_view, visible_cases
from civicdesk.catalogue.models import Category, DispatchRule
from civicdesk.org.models import Role

from .. import export
from ..context import role_of
from .common import case_list_queryset, paginate, staff_required, unit_choices

MAX_EVIDENCE_FILES = 6
UNIT_PICKER_ACTIONS = {"dispatch", "redispatch", "resolve_dispute", "raise_dispute", "summon"}


@staff_required
def work_home(request):
    """Each role starts on the screen it works in."""
    role = role_of(request.user)
    target = {
        Role.OPERATOR: "web:console",
        Role.DISPATCHER: "web:queue",
        Role.HANDLER: "web:workbench",
        Role.LEADER: "web:workbench",
        Role.SUPERVISOR: "web:overview",
        Role.ADMIN: "web:overview",
    }[role]
    return redirect(target)


@staff_required
def case_list(request):
    cases = case_list_queryset(visible_cases(request.user))
    filters = CaseFilter(request.GET or None, queryset=cases)
    queryset = filters.qs if filters.is_bound and filters.is_valid() else cases
    if filters.is_bound and not filters.is_valid():
        queryset = cases.none()
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export.cases_response(queryset, fmt)
    return render(
        request,
        "web/case_list.html",
        {"filters": filters, "page": paginate(request, queryset), "show_unit": True},
    )


def _case_for(request, number):
    case = get_object_or_404(
        Case.objects.select_related("category", "responsible_unit", "area", "citizen", "master"),
        number=number,
    )
    if not can_view(request.user, case):
        raise Http404
    return case


def may_see_contact(user, case):
    """The full phone is for those who must call the citizen: the centre's operators and dispatchers and
    the staff of the unit now handling the case."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.OPERATOR, Role.DISPATCHER):
        return True
    if role in (Role.HANDLER, Role.LEADER) and user.unit and case.responsible_unit:
        return user.unit.contains(case.responsible_unit) and case.is_open
    return False


def action_panels(request, case, posted_action=None, error=None):
    """The forms of the actions this user can take on this case now, with the posted one's errors."""
    panels = []
    for action in available_actions(request.user, case):
        form = action_forms.FORMS[action]
        is_posted = action == posted_action
        field_errors = error.errors if (is_posted and isinstance(error, ValidationFailed)) else {}
        fields = []
        for f in form.fields:
            value = request.POST.get(f.name, "") if is_posted else f.initial
            fields.append(
                {
                    "name": f.name,
                    "label": f.label,
                    "widget": f.widget,
                    "required": f.required,
                    "choices": action_forms.YES_NO if f.widget == "yesno" else f.choices,
                    "value": value,
                    "selected": request.POST.getlist(f.name) if is_posted else [],
                    "errors": field_errors.get(f.name, []),
                }
            )
        known = {f.name for f in form.fields} | {"attachments"}
        general = [m for name, msgs in field_errors.items() if name not in known for m in msgs]
        if is_posted and error is not None and not isinstance(error, ValidationFailed):
            general.append(error.message)
        panels.append(
            {
                "action": action,
                "label": ACTION_LABELS[action],
                "style": form.style,
                "url": reverse("web:case_act", args=[case.number, action]),
                "open": is_posted,
                "fields": fields,
                "general_errors": general,
                "file_errors": field_errors.get("attachments", []),
            }
        )
    return panels


def render_case(request, case, posted_action=None, error=None, status=200):
    panels = action_panels(request, case, posted_action, error)
    offered = {p["action"] for p in panels}
    can_dispatch = "dispatch" in offered
    context = {
        "case": case,
        "events": list(case.events.select_related("actor_unit").prefetch_related("attachments")),
        "attachments": list(
            case.attachments.filter(Q(event__isnull=True) | Q(event__action="receive")).order_by("pk")
        ),
        "co_units": list(case.co_units.all()),
        "summonses": list(case.summonses.select_related("unit").order_by("summoned_at", "pk")),
        "milestones": list(case.milestones.all()),
        "merged_cases": list(case.merged_cases.only("number", "title")),
        "panels": panels,
        "units": unit_choices() if offered & UNIT_PICKER_ACTIONS else [],
        "categories": (
            list(Category.objects.filter(is_active=True).values_list("full_name", flat=True))
            if can_dispatch
            else []
        ),
        "suggested": DispatchRule.resolve(case.category, case.area) if can_dispatch else None,
        "may_see_contact": may_see_contact(request.user, case),
    }
    return render(request, "web/case_detail.html", context, status=status)


@staff_required
def case_detail(request, number):
    return render_case(request, _case_for(request, number))


def _evidence(request):
    """Checked (name, bytes, type, ext) of the files attached to a reply, or ValidationFailed."""
    files = request.FILES.getlist("attachments")
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationFailed({"attachments": [_("最多上传%(n)d个文件") % {"n": MAX_EVIDENCE_FILES}]})
    checked, problems = [], []
    for upload in files:
        data = upload.read()
        stored, content_type, ext, problem = check_upload(upload.name, data)
        if problem:
            problems.append(problem)
        else:
            checked.append((upload.name, stored, content_type, ext))
    if problems:
        raise ValidationFailed({"attachments": problems})
    return checked


@staff_required
@require_POST
def case_act(request, number, action):
    case = _case_for(request, number)
    if action not in action_forms.FORMS:
        raise Http404
    try:
        evidence = _evidence(request) if action == "reply" else []
        with transaction.atomic():
            updated = action_forms.run(action, case, request.user, request.POST)
            if evidence:
                event = updated.last_event
                for name, data, content_type, ext in evidence:
                    store(updated, name, data, content_type, ext, uploaded_by=request.user, event=event)
    except CaseConflict as exc:
        messages.error(request, exc.message)
        return render_case(request, _case_for(request, number))
    except ActionError as exc:
        return render_case(request, case, posted_action=action, error=exc)
    messages.success(
        request,
        _("%(action)s：工单 %(n)s 现为「%(state)s」")
        % {"action": ACTION_LABELS[action], "n": updated.number, "state": updated.get_state_display()},
    )
    if can_view(request.user, updated):
        return redirect("web:case", number=updated.number)
    return redirect("web:work")


@staff_required
@require_POST
def reveal_contact(request, number):
    """Shows the citizen's full phone to someone who must call them, and records that they looked."""
    case = _case_for(request, number)
    if not may_see_contact(request.user, case) or case.citizen is None:
        return HttpResponse(status=403)
    record_event(case, request.user, "view_contact", {}, public=False)
    name = case.citizen.name or _("（未留姓名）")
    return HttpResponse(
        format_html(
            '<span data-testid="full-phone">{} <a href="tel:{}">{}</a></span>',
            name,
            case.citizen.phone,
            case.citizen.phone,
        )
    )


def attachment(request, pk):
    """An attachment, to staff who can see its case or to the citizen who proved the case is theirs."""
    item = get_object_or_404(Attachment.objects.select_related("case"), pk=pk)
    proven = item.case_id in request.session.get("proven_cases", [])
    if not proven and not (request.user.is_authenticated and can_view(request.user, item.case)):
        raise Http404
    if proven and not request.user.is_authenticated and item.event and not item.event.is_public:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.pk}.{item.file.name.rsplit(".", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
