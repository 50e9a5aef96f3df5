"""API representations of the role catalog and of an organisation's custom roles."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from roles.job_description import soft_skill_note
from roles.models import (
    EvaluationCriterion,
    Industry,
    InterviewTopic,
    Responsibility,
    Role,
    RoleSkill,
    SalaryRange,
    Skill,
)
from roles.selectors import role_listed_skills, skill_matcher


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name", "slug", "category"]
        read_only_fields = fields


class RoleSkillSerializer(serializers.ModelSerializer):
    skill = SkillSerializer(read_only=True)

    class Meta:
        model = RoleSkill
        fields = ["skill", "weight", "must_have", "min_years"]
        read_only_fields = fields


class CustomRoleSkillSerializer(RoleSkillSerializer):
    note = serializers.SerializerMethodField(
        help_text=(
            "Empty, or in plain words why the job description's reading set this skill as it "
            "did: a soft skill or spoken language is weighed 1 and never a must-have, whatever "
            "the ad says. PATCH its weight or `must_have` if it matters."
        )
    )

    class Meta(RoleSkillSerializer.Meta):
        fields = [*RoleSkillSerializer.Meta.fields, "note"]
        read_only_fields = fields

    def get_note(self, role_skill: RoleSkill) -> str:
        return soft_skill_note(
            category=role_skill.skill.category,
            weight=role_skill.weight,
            must_have=role_skill.must_have,
        )


class ListedSkillSerializer(serializers.Serializer):
    skill_id = serializers.IntegerField(
        read_only=True, help_text="Negative: numbers the listed skill within its role only."
    )
    name = serializers.CharField(read_only=True, help_text="As the description writes it.")
    weight = serializers.IntegerField(
        read_only=True, help_text="3 when listed under requirements, 1 under nice-to-haves."
    )
    min_years = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=(
            "For a job the description asks the candidate to have held ('3 years as a Help "
            "Desk Administrator'), the years asked; null otherwise."
        ),
    )
    must_have = serializers.BooleanField(
        read_only=True, help_text="Required of every candidate: only when your organisation set it."
    )


class ListedSkillsMixin(serializers.Serializer):
    """The skills a role's description lists that the taxonomy does not know: a match scores
    them beside `skills`, so an API client sees the whole profile a candidate is scored on."""

    listed_skills = serializers.SerializerMethodField()

    @extend_schema_field(ListedSkillSerializer(many=True))
    def get_listed_skills(self, role: Role) -> Any:
        # A list shares one child serializer: one taxonomy check for the page, not two queries
        # a role.
        if not hasattr(self, "_skill_matcher"):
            self._skill_matcher = skill_matcher()
        listed = role_listed_skills(role=role, matcher=self._skill_matcher)
        return ListedSkillSerializer(listed, many=True).data


class InterviewTopicSerializer(serializers.ModelSerializer):
    questions = serializers.ListField(child=serializers.CharField(), read_only=True)
    skill = serializers.CharField(source="skill.name", read_only=True, allow_null=True)

    class Meta:
        model = InterviewTopic
        fields = ["title", "skill", "questions"]
        read_only_fields = fields


class EvaluationCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationCriterion
        fields = ["title", "guidance"]
        read_only_fields = fields


class SalaryRangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SalaryRange
        fields = ["level", "currency", "min_amount", "max_amount", "region", "source_note"]
        read_only_fields = fields


class RoleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "slug", "title"]
        read_only_fields = fields


class RoleListSerializer(serializers.ModelSerializer):
    alternate_titles = serializers.ListField(child=serializers.CharField(), read_only=True)
    industries: serializers.SlugRelatedField[Industry] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = Role
        fields = [
            "id",
            "slug",
            "title",
            "family",
            "summary",
            "alternate_titles",
            "industries",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class RoleDetailSerializer(ListedSkillsMixin, RoleListSerializer):
    responsibilities: serializers.SlugRelatedField[Responsibility] = serializers.SlugRelatedField(
        slug_field="text", many=True, read_only=True
    )
    skills = RoleSkillSerializer(source="role_skills", many=True, read_only=True)
    interview_topics = InterviewTopicSerializer(many=True, read_only=True)
    evaluation_criteria = EvaluationCriterionSerializer(many=True, read_only=True)
    salary_ranges = SalaryRangeSerializer(many=True, read_only=True)
    related_roles = RoleRefSerializer(many=True, read_only=True)

    class Meta(RoleListSerializer.Meta):
        fields = [
            *RoleListSerializer.Meta.fields,
            "description",
            "day_in_the_life",
            "responsibilities",
            "skills",
            "listed_skills",
            "interview_topics",
            "evaluation_criteria",
            "salary_ranges",
            "salary_context",
            "related_roles",
            "onet_code",
            "source_note",
        ]
        read_only_fields = fields


class CustomRoleSerializer(ListedSkillsMixin, serializers.ModelSerializer):
    responsibilities: serializers.SlugRelatedField[Responsibility] = serializers.SlugRelatedField(
        slug_field="text", many=True, read_only=True
    )
    skills = CustomRoleSkillSerializer(source="role_skills", many=True, read_only=True)

    class Meta:
        model = Role
        fields = [
            "id",
            "slug",
            "title",
            "status",
            "version",
            "summary",
            "description",
            "responsibilities",
            "skills",
            "listed_skills",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomRoleCreateInSerializer(serializers.Serializer):
    job_description = serializers.CharField(
        max_length=50_000,
        trim_whitespace=True,
        help_text="The whole job description; its skills, weights and minimum years are read "
        "from it.",
    )
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Defaults to the description's first line.",
    )


class SkillChangeInSerializer(serializers.Serializer):
    skill = serializers.PrimaryKeyRelatedField(
        queryset=Skill.objects.all(), help_text="A taxonomy skill id (see the role's `skills`)."
    )
    weight = serializers.IntegerField(min_value=1, max_value=5, required=False)
    must_have = serializers.BooleanField(required=False)
    min_years = serializers.IntegerField(
        min_value=0, max_value=RoleSkill.MAX_MIN_YEARS, required=False, allow_null=True
    )
    remove = serializers.BooleanField(
        required=False, default=False, help_text="Take this skill out of the profile."
    )


class ListedSkillChangeInSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=200, help_text="As the role's `listed_skills` names it (case does not matter)."
    )
    weight = serializers.IntegerField(
        min_value=0, max_value=5, required=False, help_text="0 takes the skill off the role."
    )
    must_have = serializers.BooleanField(required=False)
    min_years = serializers.IntegerField(
        min_value=0, max_value=RoleSkill.MAX_MIN_YEARS, required=False, allow_null=True
    )


class CustomRoleUpdateInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    skills = SkillChangeInSerializer(
        many=True,
        required=False,
        help_text="Skills to add or change; a skill not listed keeps its settings.",
    )
    listed_skills = ListedSkillChangeInSerializer(
        many=True,
        required=False,
        help_text=(
            "Skills the job description lists outside the taxonomy (the role's `listed_skills`) "
            "to re-weigh, require or take off, by name; the description itself is unchanged."
        ),
    )
