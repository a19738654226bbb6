from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "civicdesk.api"
    label = "civicdesk_api"
    verbose_name = _("REST 接口")
