"""The arguments of each case action, described once: the web renders them as forms (one template,
web/_action_form.html) and the REST API reads the same fields from JSON.

Each action lists its fields; `run` turns submitted values into a call of the same-named function in the
actions layer. Validation lives in the actions layer, so a form and the API refuse the same input with the
same message, and the message lands next to the field it names."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Priority

from . import actions
from .errors import ValidationFailed
from .models import Case, Resolved, Satisfied


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str = "textarea"  # textarea, text, number, unit, units, category, choice, yesno, case
    required: bool = True
    choices: tuple = ()
    initial: str = ""


@dataclass(frozen=True)
class ActionForm:
    action: str
    fields: tuple = field(default_factory=tuple)
    button: str = ""
    style: str = "primary"  # primary, secondary, danger


YES_NO = (("1", _("同意")), ("0", _("不同意")))
CONTACT_METHODS = (("phone", _("电话")), ("visit", _("上门")), ("sms", _("短信")), ("meeting", _("约谈")))

FORMS = {
    f.action: f
    for f in [
        ActionForm(
            "dispatch",
            (
                Field("unit", _("承办单位"), "unit", required=False),
                Field("co_units", _("协办单位"), "units", required=False),
                Field("category", _("分类"), "category", required=False),
                Field("priority", _("优先级"), "choice", required=False, choices=tuple(Priority.choices)),
                Field("note", _("派单意见"), "text", required=False),
            ),
        ),
        ActionForm("redispatch", (Field("unit", _("改派给"), "unit"), Field("reason", _("改派理由")))),
        ActionForm(
            "resolve_dispute",
            (Field("unit", _("裁定承办单位"), "unit"), Field("note", _("裁定意见"), required=False)),
        ),
        ActionForm(
            "decide_return",
            (Field("approve", _("审核结果"), "yesno"), Field("note", _("审核意见"), required=False)),
        ),
        ActionForm("answer_directly", (Field("answer", _("答复内容")),)),
        ActionForm(
            "merge",
            (Field("into", _("并入工单编号"), "case"), Field("reason", _("并单说明"), required=False)),
            style="secondary",
        ),
        ActionForm("mark_invalid", (Field("reason", _("无效原因")),), style="danger"),
        ActionForm("accept"),
        ActionForm(
            "record_contact",
            (
                Field("method", _("联系方式"), "choice", choices=CONTACT_METHODS, initial="phone"),
                Field("note", _("联系情况")),
            ),
            style="secondary",
        ),
        ActionForm("interim_reply", (Field("text", _("阶段性答复")),), style="secondary"),
        ActionForm(
            "request_extension",
            (Field("days", _("延期工作日数"), "number"), Field("reason", _("延期理由"))),
            style="secondary",
        ),
        ActionForm(
            "decide_extension",
            (Field("approve", _("审批结果"), "yesno"), Field("note", _("审批意见"), required=False)),
        ),
        ActionForm("request_return", (Field("reason", _("退单理由")),), style="danger"),
        ActionForm(
            "raise_dispute",
            (
                Field("reason", _("争议理由")),
                Field("suggested_unit", _("建议承办单位"), "unit", required=False),
            ),
            style="danger",
        ),
        ActionForm("reply", (Field("text", _("答复内容")),)),
        ActionForm(
            "rate",
            (
                Field("resolved", _("问题是否解决"), "choice", choices=tuple(Resolved.choices)),
                Field("satisfied", _("是否满意"), "choice", choices=tuple(Satisfied.choices)),
                Field("comment", _("评价意见"), required=False),
            ),
        ),
        ActionForm("close_without_verdict", (Field("reason", _("未获评价原因")),), style="secondary"),
        ActionForm("reopen", (Field("reason", _("重办理由")),), style="danger"),
        ActionForm("withdraw", (Field("reason", _("撤回原因")),), style="danger"),
        ActionForm("urge", (Field("note", _("催办意见")),), style="secondary"),
        ActionForm("supplement", (Field("text", _("补充内容")),), style="secondary"),
        ActionForm(
            "summon",
            (
                Field("units", _("吹哨单位"), "units"),
                Field("reason", _("吹哨理由")),
                Field("task", _("各单位任务")),
                Field("hours", _("报到时限（小时）"), "number", initial="24"),
            ),
            style="secondary",
        ),
        ActionForm(
            "plan_duty",
            (
                Field("explanation", _("向诉求人的说明（为何不能马上解决）")),
                Field("measures", _("措施")),
                Field("milestones", _("办理节点（一行一个：日期 节点）"), required=False),
                Field("owner", _("责任人账号"), "text", required=False),
            ),
            style="secondary",
        ),
        ActionForm(
            "complete_milestone",
            (Field("milestone", _("节点"), "text"), Field("note", _("完成情况"))),
            style="secondary",
        ),
        ActionForm("report_in", (Field("note", _("报到说明"), required=False),)),
        ActionForm("complete_task", (Field("note", _("完成情况")),)),
        ActionForm("withhold_publication", (Field("reason", _("不予公示原因")),), style="secondary"),
        ActionForm("publish", (Field("reason", _("恢复公示理由")),), style="secondary"),
    ]
}


def _case_by_number(value, field_name):
    number = (value or "").strip()
    if not number:
        raise ValidationFailed({field_name: [_("请填写工单编号")]})
    case = Case.objects.filter(number=number).first() if "\x00" not in number else None
    if case is None:
        raise ValidationFailed({field_name: [_("工单不存在：%(v)s") % {"v": number[:30]}]})
    return case


def _arguments(form, post):
    """Keyword arguments for the action from the POSTed values, converting the few non-text fields."""
    kwargs, errors = {}, {}
    for f in form.fields:
        if f.widget == "units":
            kwargs[f.name] = [v for v in post.getlist(f.name) if v]
            continue
        raw = (post.get(f.name) or "").strip()
        if f.widget == "yesno":
            if raw not in ("0", "1"):
                errors[f.name] = [_("请选择同意或不同意")]
            kwargs[f.name] = raw == "1"
        elif f.widget == "number":
            if not raw.isdigit():
                errors[f.name] = [_("请填写整数")]
            kwargs[f.name] = int(raw) if raw.isdigit() else 0
        elif f.widget == "case":
            try:
                kwargs[f.name] = _case_by_number(raw, f.name)
            except ValidationFailed as exc:
                errors.update(exc.errors)
        elif f.widget in ("unit", "category", "choice") and not raw:
            if f.required:
                errors[f.name] = [_("请选择%(label)s") % {"label": f.label}]
            kwargs[f.name] = None
        else:
            if f.required and not raw:
                errors[f.name] = [_("请填写%(label)s") % {"label": f.label}]
            kwargs[f.name] = raw
    if errors:
        raise ValidationFailed(errors)
    return kwargs


# Actions whose unit is a positional argument in the actions layer.
UNIT_FIRST = ("dispatch", "redispatch", "resolve_dispute")


def run(action, case, actor, post):
    """Runs `action` with the form's values against the version of the case the form was rendered from."""
    form = FORMS[action]
    kwargs = _arguments(form, post)
    version = (post.get("version") or "").strip()
    expected = int(version) if version.isdigit() else None
    function = getattr(actions, action)
    if action in UNIT_FIRST:
        unit = kwargs.pop("unit")
        return function(case.pk, actor, unit, expected_version=expected, **kwargs)
    return function(case.pk, actor, expected_version=expected, **kwargs)
