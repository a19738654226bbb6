from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "civicdesk.catalogue"
    label = "catalogue"
    verbose_name = _("诉求目录")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from . import reference
        from .models import Category, SlaRule, WorkdayOverride

        def changed(**_kwargs):
            # Now for this process, and again after commit so no request re-reads the old rows meanwhile.
            reference.clear()
            transaction.on_commit(reference.clear)

        for model in (Category, SlaRule, WorkdayOverride):
            post_save.connect(
                changed, sender=model, weak=False, dispatch_uid=f"reference-{model.__name__}-save"
            )
            post_delete.connect(
                changed, sender=model, weak=False, dispatch_uid=f"reference-{model.__name__}-delete"
            )
