"""The taxonomy loader only adds, so an alias taken out of roles/data/skills leaves a deployed
catalog here. "messaging frameworks" was an alias of the marketing skill Positioning and
Messaging, and an engineering ad's "messaging frameworks such as RabbitMQ, Redis" asked a backend
developer for it (roles/data/skills/README.md)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def drop_messaging_frameworks(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    skill_alias = apps.get_model("roles", "SkillAlias")
    skill_alias.objects.filter(
        skill__name="Positioning and Messaging", alias__iexact="messaging frameworks"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0006_loose_aliases_leave_the_taxonomy"),
    ]

    operations = [
        migrations.RunPython(drop_messaging_frameworks, migrations.RunPython.noop),
    ]
