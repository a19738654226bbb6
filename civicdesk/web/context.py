"""Template context: the navigation each role sees."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from civicdesk.org.models import Role

PUBLIC = [("web:submit", _("提交诉求")), ("web:track", _("查询进度")), ("board:board", _("办理公示"))]
BY_ROLE = {
    Role.OPERATOR: [("web:console", _("受理台")), ("web:cases", _("工单")), ("web:knowledge", _("知识库"))],
    Role.DISPATCHER: [
        ("web:queue", _("派单")),
        ("web:cases", _("工单")),
        ("insight:dashboard", _("看板")),
        ("insight:hotspots", _("热点")),
        ("web:knowledge", _("知识库")),
    ],
    Role.HANDLER: [("web:workbench", _("本单位工单")), ("field:home", _("走访")), ("web:cases", _("工单"))],
    Role.LEADER: [
        ("web:workbench", _("本单位工单")),
        ("web:overview", _("单位总览")),
        ("field:home", _("走访")),
        ("insight:dashboard", _("看板")),
        ("insight:ranking", _("考核")),
        ("insight:hotspots", _("热点")),
        ("web:cases", _("工单")),
    ],
    Role.SUPERVISOR: [
        ("web:overview", _("督办总览")),
        ("insight:dashboard", _("看板")),
        ("insight:ranking", _("考核")),
        ("insight:hotspots", _("热点")),
        ("web:cases", _("工单")),
        ("web:knowledge", _("知识库")),
    ],
    Role.ADMIN: [
        ("web:console", _("受理台")),
        ("web:queue", _("派单")),
        ("web:overview", _("总览")),
        ("insight:dashboard", _("看板")),
        ("insight:ranking", _("考核")),
        ("insight:hotspots", _("热点")),
        ("web:cases", _("工单")),
        ("web:knowledge", _("知识库")),
    ],
    Role.CITIZEN: [
        ("web:submit", _("提交诉求")),
        ("web:my_cases", _("我的诉求")),
        ("board:board", _("办理公示")),
    ],
}


def role_of(user):
    if not user.is_authenticated:
        return None
    return Role.ADMIN if user.is_superuser else user.role


def navigation(request):
    user = request.user
    items = BY_ROLE.get(role_of(user), PUBLIC)
    path = request.path
    nav = []
    for name, label in items:
        url = reverse(name)
        nav.append({"url": url, "label": label, "active": path.startswith(url) and url != "/"})
    return {"nav": nav, "role": role_of(user), "unread_notifications": _unread(user)}


def _unread(user):
    """The number of unread in-app notifications, counted only if the page shows it."""
    if not user.is_authenticated:
        return 0
    from civicdesk.notify.views import unread_count

    return SimpleLazyObject(lambda: unread_count(user))
