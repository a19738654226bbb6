from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "civicdesk.knowledge"
    label = "knowledge"
    verbose_name = _("知识库")
