from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "civicdesk.board"
    verbose_name = _("公示")
