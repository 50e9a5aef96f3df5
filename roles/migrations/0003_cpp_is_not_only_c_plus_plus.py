"""The taxonomy loader only adds, so a correction to roles/data/skills reaches a deployed
catalog through a migration: "cpp" stops being an alias of C++. Payroll ads ask for a "CPP
certification" (Certified Payroll Professional), and it was read as C++."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def drop_cpp_alias(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    skill_alias = apps.get_model("roles", "SkillAlias")
    skill_alias.objects.filter(skill__name="C++", alias__iexact="cpp").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0002_role_draft_revision"),
    ]

    operations = [
        migrations.RunPython(drop_cpp_alias, migrations.RunPython.noop),
    ]
