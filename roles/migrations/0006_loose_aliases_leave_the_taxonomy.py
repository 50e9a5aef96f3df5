"""The taxonomy loader only adds, so aliases taken out of roles/data/skills leave a deployed
catalog here. Each was read, on the 2,483 livecareer resumes, mostly in another sense: "sound
judgment" as Decision Making, "interpreting contracts" as Language Interpretation, EMC storage
arrays as Electromagnetic Compatibility, ADO.NET as Azure DevOps, the news network CNN as
convolutional neural networks (docs/roles.md lists them all, with counts)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

LOOSE_ALIASES = [
    ("Decision Making", "judgment"),
    ("Decision Making", "judgement"),
    ("Language Interpretation", "interpreting"),
    ("Request for Quotation", "RFI"),
    ("Electromagnetic Compatibility", "EMC"),
    ("Rehabilitation", "rehab"),
    ("Electrical Codes", "NEC"),
    ("Azure DevOps", "ADO"),
    ("Convolutional Neural Networks", "CNN"),
    ("Liquidity Risk", "ALM"),
    ("Open Source Contribution", "OSS"),
    ("Child Safeguarding", "safeguarding"),
    ("Professional Scrum Master", "PSM"),
    ("Measurement System Analysis", "MSA"),
    ("Certified Meeting Professional", "CMP"),
    ("Speech Recognition", "ASR"),
]


def drop_loose_aliases(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    skill_alias = apps.get_model("roles", "SkillAlias")
    for skill, alias in LOOSE_ALIASES:
        skill_alias.objects.filter(skill__name=skill, alias__iexact=alias).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0005_related_roles_catalog_only_job_zone_range"),
    ]

    operations = [
        migrations.RunPython(drop_loose_aliases, migrations.RunPython.noop),
    ]
