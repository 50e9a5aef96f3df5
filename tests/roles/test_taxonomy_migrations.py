"""Corrections to the taxonomy files reach a deployed catalog through migrations."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from roles.models import Skill, SkillAlias

pytestmark = pytest.mark.django_db

cpp = importlib.import_module("roles.migrations.0003_cpp_is_not_only_c_plus_plus")
loose = importlib.import_module("roles.migrations.0006_loose_aliases_leave_the_taxonomy")
messaging = importlib.import_module(
    "roles.migrations.0007_messaging_frameworks_are_message_brokers"
)


def test_cpp_stops_being_an_alias_of_c_plus_plus_and_nothing_else_goes() -> None:
    cplusplus, _ = Skill.objects.get_or_create(name="C++", defaults={"slug": "c-plus-plus"})
    payroll, _ = Skill.objects.get_or_create(
        name="Certified Payroll Professional", defaults={"slug": "cpp-payroll"}
    )
    SkillAlias.objects.filter(alias__iexact="cpp").delete()
    SkillAlias.objects.get_or_create(skill=cplusplus, alias="cpp")
    SkillAlias.objects.get_or_create(skill=cplusplus, alias="CPP programming")
    SkillAlias.objects.get_or_create(skill=payroll, alias="CPP certification")

    cpp.drop_cpp_alias(apps, None)

    assert set(SkillAlias.objects.filter(skill=cplusplus).values_list("alias", flat=True)) >= {
        "CPP programming"
    }
    assert not SkillAlias.objects.filter(alias__iexact="cpp").exists()
    assert SkillAlias.objects.filter(skill=payroll, alias="CPP certification").exists()


def test_loose_aliases_leave_their_skills_and_the_longer_spellings_stay() -> None:
    decision, _ = Skill.objects.get_or_create(name="Decision Making", defaults={"slug": "dm"})
    emc, _ = Skill.objects.get_or_create(
        name="Electromagnetic Compatibility", defaults={"slug": "emc"}
    )
    for skill, alias in [(decision, "Judgment"), (emc, "EMC"), (emc, "EMC testing")]:
        SkillAlias.objects.filter(alias__iexact=alias).delete()
        SkillAlias.objects.create(skill=skill, alias=alias)

    loose.drop_loose_aliases(apps, None)

    assert not SkillAlias.objects.filter(alias__iexact="judgment").exists()
    assert not SkillAlias.objects.filter(alias__iexact="EMC").exists()
    assert SkillAlias.objects.filter(skill=emc, alias="EMC testing").exists()


def test_messaging_frameworks_leave_the_marketing_skill_and_its_own_spellings_stay() -> None:
    skill, _ = Skill.objects.get_or_create(
        name="Positioning and Messaging", defaults={"slug": "positioning-and-messaging"}
    )
    for alias in ("messaging frameworks", "value proposition"):
        SkillAlias.objects.filter(alias__iexact=alias).delete()
        SkillAlias.objects.create(skill=skill, alias=alias)

    messaging.drop_messaging_frameworks(apps, None)

    assert not SkillAlias.objects.filter(alias__iexact="messaging frameworks").exists()
    assert SkillAlias.objects.filter(skill=skill, alias="value proposition").exists()
