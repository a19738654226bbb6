from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "civicdesk.field"
    verbose_name = _("走访与台账")
