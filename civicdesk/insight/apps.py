from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "civicdesk.insight"
    label = "insight"
    verbose_name = _("分析考核")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from civicdesk.catalogue.models import Category
        from civicdesk.org.models import Unit

        from .rollups import root_of, street_of

        # The rollup's unit → street and category → root tables are cached per process; a change here is
        # seen at once (other processes re-read within five minutes).
        for model, lookup in ((Unit, street_of), (Category, root_of)):
            post_save.connect(
                lookup.clear, sender=model, weak=False, dispatch_uid=f"rollup-{model.__name__}-save"
            )
            post_delete.connect(
                lookup.clear, sender=model, weak=False, dispatch_uid=f"rollup-{model.__name__}-del"
            )
