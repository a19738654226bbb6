from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatelimitConfig(AppConfig):
    name = "civicdesk.ratelimit"
    verbose_name = _("访问频率限制")
