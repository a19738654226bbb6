"""The citizen portal: submit a request, follow it, answer the callback. No account needed."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.db import connection
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.cases import action_forms, intake
from civicdesk.cases.errors import ActionError, ValidationFailed
from civicdesk.cases.models import OPEN_STATES, Case, CaseState
from civicdesk.cases.permissions import CitizenProof, denial
from civicdesk.cases.validation import normalize_phone
from civicdesk.cases.visibility import can_view, find_for_citizen, visible_cases
from civicdesk.catalogue.models import Category, Channel, Kind
from civicdesk.org.models import Role, User
from civicdesk.ratelimit.web import limited

from ..context import role_of
from .common import case_list_queryset, paginate, roles_required

MAX_PHOTOS = 6


def home(request):
    counts = dict(Case.objects.values_list("state").annotate(n=Count("id")))
    total = sum(counts.values())
    closed = counts.get(CaseState.CLOSED, 0)
    return render(
        request,
        "web/home.html",
        {
            "states": [(state.label, counts.get(state.value, 0)) for state in CaseState],
            "total": total,
            "closed": closed,
            "open": sum(counts.get(s, 0) for s in OPEN_STATES),
        },
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class SubmitForm(forms.Form):
    """Widgets and labels only: intake.validate is the one place that checks a request."""

    kind = forms.ChoiceField(label=gettext_lazy("诉求类型"), choices=Kind.choices, initial=Kind.COMPLAINT)
    category = forms.CharField(
        label=gettext_lazy("分类"),
        required=False,
        help_text=gettext_lazy("输入关键字搜索，如“噪音”“物业”；不确定可留空，由工作人员分类"),
        widget=forms.TextInput(attrs={"list": "category-list", "autocomplete": "off"}),
    )
    title = forms.CharField(
        label=gettext_lazy("标题"), required=False, widget=forms.TextInput(attrs={"maxlength": 200})
    )
    description = forms.CharField(
        label=gettext_lazy("诉求内容"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        help_text=gettext_lazy("请写清楚什么事、在哪里、从什么时候开始、希望怎样解决"),
    )
    address = forms.CharField(
        label=gettext_lazy("地址"), required=False, widget=forms.TextInput(attrs={"maxlength": 300})
    )
    latitude = forms.CharField(
        label=gettext_lazy("纬度"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    longitude = forms.CharField(
        label=gettext_lazy("经度"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    photos = forms.FileField(
        label=gettext_lazy("照片"),
        required=False,
        help_text=gettext_lazy("最多6张，JPEG/PNG/GIF/WebP或PDF，每个不超过10MB"),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    name = forms.CharField(
        label=gettext_lazy("姓名"), required=False, widget=forms.TextInput(attrs={"maxlength": 50})
    )
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        help_text=gettext_lazy("只用于承办单位联系您和回访，对外公开时会隐藏"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "maxlength": 30}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("description", "phone"):
            self.fields[name].required = True
            self.fields[name].widget.attrs.pop("required", None)

    def show(self, errors):
        """Puts the actions layer's messages next to the fields they name."""
        for name, messages_ in errors.items():
            target = name if name in self.fields else ("photos" if name == "attachments" else None)
            for message in messages_:
                self.add_error(target, message)


def _photos(request):
    uploads = request.FILES.getlist("photos")
    if len(uploads) > MAX_PHOTOS:
        raise ValidationFailed({"attachments": [_("最多上传%(n)d张照片") % {"n": MAX_PHOTOS}]})
    return [(upload.name, upload.read()) for upload in uploads]


@limited("submit")
def submit(request):
    user = request.user if request.user.is_authenticated else None
    categories = list(Category.objects.filter(is_active=True).values_list("full_name", flat=True))
    if request.method == "POST":
        form = SubmitForm(request.POST, request.FILES)
        data = {key: request.POST.get(key, "") for key in SubmitForm.base_fields if key != "photos"}
        data["channel"] = Channel.WEB
        try:
            case = intake.submit(data, actor=user, files=_photos(request))
        except ValidationFailed as exc:
            form.show(exc.errors)
        else:
            proven = request.session.get("proven_cases", [])
            request.session["proven_cases"] = (proven + [case.pk])[-20:]
            return redirect("web:submitted", number=case.number)
    else:
        initial = {}
        if user is not None and role_of(user) == Role.CITIZEN:
            initial = {"phone": user.phone, "name": user.display_name}
        form = SubmitForm(initial=initial)
    return render(request, "web/submit.html", {"form": form, "categories": categories})


def submitted(request, number):
    case = get_object_or_404(Case, number=number)
    if case.pk not in request.session.get("proven_cases", []):
        raise Http404
    return render(request, "web/submitted.html", {"case": case})


@limited("track")
def track(request):
    """A citizen follows their case with its number and the phone they gave.

    The form is posted, never sent as a query string: a phone number in a URL ends up in every access log
    and proxy on the way. A link may carry the case number alone (?number=...) to fill it in."""
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()[:30]
    phone = (request.POST.get("phone") or "").strip()[:30]
    error = None
    if request.method == "POST":
        if not number or not phone:
            error = _("请同时填写工单编号和联系电话")
        elif not normalize_phone(phone):
            error = _("电话号码格式不正确：%(v)s（手机号11位，座机请带区号）") % {"v": phone}
        else:
            case = find_for_citizen(number, phone)
            if case is None:
                error = _("没有找到：请核对工单编号和提交时留的电话。")
            else:
                proven = request.session.get("proven_cases", [])
                if case.pk not in proven:
                    request.session["proven_cases"] = (proven + [case.pk])[-20:]
                return redirect("web:track_case", number=case.number)
    return render(request, "web/track.html", {"number": number, "phone": phone, "error": error})


def _citizen_case(request, number):
    """The case if this visitor proved it is theirs (session) or owns it by account; staff who may see it
    get the same public view."""
    case = get_object_or_404(
        Case.objects.select_related("citizen", "responsible_unit", "category"), number=number
    )
    if case.pk in request.session.get("proven_cases", []):
        return case, CitizenProof(citizen_id=case.citizen_id)
    if request.user.is_authenticated and can_view(request.user, case):
        return case, request.user
    raise Http404


def _rating_panel(request, error=None):
    form = action_forms.FORMS["rate"]
    errors = error.errors if isinstance(error, ValidationFailed) else {}
    fields = [
        {
            "name": f.name,
            "label": f.label,
            "choices": f.choices,
            "widget": f.widget,
            "value": request.POST.get(f.name, "") if error else "",
            "errors": errors.get(f.name, []),
        }
        for f in form.fields
    ]
    general = [] if error is None or isinstance(error, ValidationFailed) else [error.message]
    return {"fields": fields, "general_errors": general}


def track_case(request, number, error=None, posted=None):
    case, actor = _citizen_case(request, number)
    events = case.events.filter(is_public=True).select_related("actor_unit").prefetch_related("attachments")
    context = {
        "case": case,
        "events": events,
        "can_rate": case.state == CaseState.REPLIED and _may(actor, "rate", case),
        "can_withdraw": case.is_open and _may(actor, "withdraw", case),
        "rating": _rating_panel(request, error if posted == "rate" else None),
        "withdraw_error": error.message if (error is not None and posted == "withdraw") else "",
        "milestones": list(case.milestones.all()),
        "attachments": [
            a for a in case.attachments.select_related("event") if a.event is None or a.event.is_public
        ],
    }
    return render(request, "web/track_case.html", context)


def _may(actor, action, case):
    return denial(actor, action, case) is None


@require_POST
def citizen_act(request, number, action):
    """The callback answered by the citizen online (rate), or a request withdrawn."""
    if action not in ("rate", "withdraw"):
        raise Http404
    case, actor = _citizen_case(request, number)
    try:
        updated = action_forms.run(action, case, actor, request.POST)
    except ActionError as exc:
        return track_case(request, number, error=exc, posted=action)
    if action == "rate" and updated.state != CaseState.CLOSED:
        messages.warning(request, _("感谢反馈。您的诉求已转回承办单位重新办理，我们会再次答复您。"))
    elif action == "rate":
        messages.success(request, _("感谢您的评价，工单已办结。"))
    else:
        messages.success(request, _("诉求已撤回。"))
    return redirect("web:track_case", number=number)


@roles_required(Role.CITIZEN)
def my_cases(request):
    cases = case_list_queryset(visible_cases(request.user))
    return render(request, "web/my_cases.html", {"page": paginate(request, cases)})


class RegisterForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=30)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50, required=False)
    password = forms.CharField(
        label=gettext_lazy("密码"), widget=forms.PasswordInput, min_length=8, max_length=128
    )

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(_("电话号码格式不正确（手机号11位，座机请带区号）"))
        if User.objects.filter(username=phone).exists():
            raise forms.ValidationError(_("该号码已注册，请直接登录"))
        return phone


@limited("register")
def register(request):
    """An optional citizen account: the requests submitted while logged in are listed under 我的诉求."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.create_user(
            username=form.cleaned_data["phone"],
            password=form.cleaned_data["password"],
            phone=form.cleaned_data["phone"],
            first_name=form.cleaned_data["name"],
            role=Role.CITIZEN,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("注册成功"))
        return redirect("web:my_cases")
    return render(request, "web/register.html", {"form": form})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
