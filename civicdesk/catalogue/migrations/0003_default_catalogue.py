"""The default catalogue: the shipped 3-level taxonomy and SLA rules after the Beijing 12345 standard."""

from django.db import migrations

DEFAULT_SLA_RULES = [
    # name, priority, amount, unit, contact hours
    ("紧急：危及生命财产安全 2小时", "urgent", 2, "hours", 2),
    ("水电气热 24小时", "utility", 24, "hours", 24),
    ("一般诉求 7个工作日", "normal", 7, "working_days", 24),
    ("疑难复杂 15个工作日", "complex", 15, "working_days", 24),
]


def load_defaults(apps, schema_editor):
    from civicdesk.catalogue import taxonomy

    Category = apps.get_model("catalogue", "Category")
    SlaRule = apps.get_model("catalogue", "SlaRule")
    taxonomy.load(taxonomy.read_rows(taxonomy.DEFAULT_FILE), Category)
    for name, priority, amount, unit, contact in DEFAULT_SLA_RULES:
        SlaRule.objects.get_or_create(
            priority=priority,
            category=None,
            defaults={"name": name, "resolve_amount": amount, "resolve_unit": unit, "contact_hours": contact},
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]
    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
