"""The published figures (DOMAIN.md), so a new installation reports with sourced defaults."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from reports.assumptions import DEFAULTS

    Assumption = apps.get_model("reports", "Assumption")
    for figure in DEFAULTS:
        Assumption.objects.get_or_create(
            key=str(figure["key"]),
            force=None,
            defaults={
                "value": figure["value"],
                "unit": figure["unit"],
                "year": figure["year"],
                "kind": str(figure["kind"]),
                "source": figure["source"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
