"""API representations of matches, results and decisions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from candidates.models import Candidate
from matcher import scoring
from matcher.models import Decision, Match

# --- Matches ---------------------------------------------------------------------------------


class SkillWeightSerializer(serializers.Serializer):
    weight = serializers.IntegerField(min_value=0, max_value=5, required=False)
    must_have = serializers.BooleanField(required=False)
    min_years = serializers.IntegerField(min_value=0, max_value=50, required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("weight") == 0 and attrs.get("must_have"):
            raise serializers.ValidationError(
                "A skill weighted 0 does not count, so it cannot be a must-have: give it a "
                "weight of 1-5, or set must_have to false."
            )
        return attrs


class WeightsSerializer(serializers.Serializer):
    """Component weights (relative; defaults in docs/scoring.md) and per-skill overrides."""

    semantic = serializers.FloatField(min_value=0, max_value=100, required=False)
    skills = serializers.FloatField(min_value=0, max_value=100, required=False)
    lexical = serializers.FloatField(min_value=0, max_value=100, required=False)
    title = serializers.FloatField(min_value=0, max_value=100, required=False)
    level = serializers.FloatField(
        min_value=0,
        max_value=0.5,
        required=False,
        help_text=(
            "Share of the score taken off per level the candidate's latest job title sits "
            "below the role's (a trainee or assistant for a regular role); 0 turns it off, "
            "default 0.15."
        ),
    )
    skill_weights = serializers.DictField(
        child=SkillWeightSerializer(),
        required=False,
        help_text=(
            "By skill id (as a string) as the match's role lists it: weight 0-5, must_have, "
            "min_years. A negative id is a skill the job description lists that the taxonomy "
            "does not know."
        ),
    )


class MatchCreateInSerializer(serializers.Serializer):
    role = serializers.IntegerField(
        min_value=1, help_text="A catalog role's id or one of your custom roles' ids."
    )
    candidates = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=10_000,
        help_text="Ids of candidates in your pool.",
    )
    uploads = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=100,
        help_text="Upload batch ids: every readable file in them joins the match, including "
        "files still being read.",
    )
    weights = WeightsSerializer(required=False)
    blind = serializers.BooleanField(
        required=False, default=False, help_text="Hide names and contact details in results."
    )


class ReweightInSerializer(WeightsSerializer):
    pass


class ReweightResultSerializer(serializers.Serializer):
    rescored = serializers.IntegerField(help_text="How many results were re-ranked (free).")
    weights = serializers.DictField(child=serializers.JSONField())


class MatchProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField()
    candidates = serializers.IntegerField()
    scored = serializers.IntegerField()
    failed = serializers.IntegerField()
    documents = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Files chosen for the match, counted by stage (uploaded, reading, ...).",
    )
    finished = serializers.BooleanField()


class MatchRoleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class MatchSerializer(serializers.ModelSerializer):
    role = MatchRoleSerializer(read_only=True)
    weights = serializers.DictField(child=serializers.JSONField(), read_only=True)
    progress = serializers.SerializerMethodField()
    reserved_cents = serializers.IntegerField(read_only=True)
    charged_cents = serializers.IntegerField(read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "role",
            "role_title",
            "role_version",
            "status",
            "status_message",
            "blind",
            "weights",
            "price_cents",
            "candidate_count",
            "scored_count",
            "failed_count",
            "reserved_cents",
            "charged_cents",
            "progress",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(MatchProgressSerializer)
    def get_progress(self, match: Match) -> dict[str, Any]:
        progress = self.context["progress"](match)
        return {
            "percent": progress.percent,
            "candidates": progress.candidates,
            "scored": progress.scored,
            "failed": progress.failed,
            "documents": progress.documents,
            "finished": progress.finished,
        }


class NotScoredSerializer(serializers.Serializer[dict[str, str]]):
    file = serializers.CharField(help_text="The file's name; 'File N' in a blind match.")
    reason = serializers.CharField(help_text="Why it was not scored, in the recruiter's words.")


class MatchDetailSerializer(MatchSerializer):
    """A match with the files it did not score and why: none of them was charged."""

    not_scored = serializers.SerializerMethodField()

    class Meta(MatchSerializer.Meta):
        fields = [*MatchSerializer.Meta.fields, "not_scored"]
        read_only_fields = fields

    @extend_schema_field(NotScoredSerializer(many=True))
    def get_not_scored(self, match: Match) -> list[dict[str, str]]:
        rows = self.context["not_scored"](match)
        # A file's name often is the person's: a blind match numbers them, as its page does.
        return [
            {"file": f"File {number}" if match.blind else row["name"], "reason": row["reason"]}
            for number, row in enumerate(rows, start=1)
        ]


class EvidenceSerializer(serializers.Serializer):
    skill_id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=[scoring.FOUND, scoring.MISSING, scoring.UNKNOWN])
    weight = serializers.IntegerField()
    must_have = serializers.BooleanField()
    missing_must_have = serializers.BooleanField()
    min_years = serializers.IntegerField(allow_null=True)
    years = serializers.FloatField(allow_null=True, help_text="Years with the skill, if read.")
    line = serializers.CharField(allow_blank=True, help_text="The resume line that shows it.")
    line_no = serializers.IntegerField(allow_null=True)
    credit = serializers.FloatField()


def _maybe(kind: type, value: Any) -> Any:
    return None if value is None else kind(value)


def evidence_out(e: dict[str, Any]) -> dict[str, Any]:
    """One skill's stored evidence as `EvidenceSerializer` documents it."""
    return {
        "skill_id": int(e["skill_id"]),
        "name": str(e["name"]),
        "status": str(e["status"]),
        "weight": int(e["weight"]),
        "must_have": bool(e["must_have"]),
        "missing_must_have": bool(e["missing_must_have"]),
        "min_years": _maybe(int, e.get("min_years")),
        "years": _maybe(float, e.get("years")),
        "line": str(e.get("line") or ""),
        "line_no": _maybe(int, e.get("line_no")),
        "credit": float(e["credit"]),
    }


@extend_schema_field(EvidenceSerializer(many=True))
class EvidenceListField(serializers.Field):
    """The stored evidence, already the documented shape: `EvidenceSerializer(many=True)` spent
    three quarters of a 50-result page's time re-reading its ten fields one by one."""

    def to_representation(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [evidence_out(e) for e in value]


class ResultCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text='The name, or "Candidate A" in a blind match.')
    masked = serializers.BooleanField()


class MatchResultSerializer(serializers.Serializer):
    candidate = serializers.SerializerMethodField()
    score = serializers.FloatField(source="result.score", help_text="0 to 100.")
    tier = serializers.ChoiceField(
        source="result.tier", choices=[scoring.STRONG, scoring.POSSIBLE, scoring.WEAK]
    )
    must_haves_met = serializers.BooleanField(source="result.must_haves_met")
    components = serializers.DictField(
        source="result.components",
        child=serializers.FloatField(allow_null=True),
        help_text=(
            "Each component's 0-1 value (semantic, skills, lexical, title), the raw values "
            "behind them (the title's are title_cosine, the best of the job titles held, and "
            "title_latest_cosine, the latest one's), level_gap: how many levels the latest job "
            "title sits below the role's, and <name>_ref_mean / <name>_ref_sd: the role's "
            "average and spread of that raw value over the fixed reference pool the score "
            "reads it against."
        ),
    )
    evidence = EvidenceListField(source="result.evidence")
    points = serializers.DictField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text=(
            "Where the score comes from, in points that add up to it: base (a resume average "
            "in every respect), lexical, semantic, skills, title and level. Null for a result "
            "scored by an earlier version of the scorer."
        ),
    )
    explanation = serializers.CharField(help_text="The same, in words.")
    titles_read = serializers.SerializerMethodField(
        help_text=(
            "The job titles read from the resume that the title component compared with the "
            "role's title, in the order read; [] when none could be read (the title then "
            "counts as an average resume's), as kept with the result when it was scored. Null "
            "for a masked candidate, or for a result scored before titles were kept whose "
            "resume has been read again since."
        )
    )
    decision = serializers.ChoiceField(
        choices=Decision.Kind.choices, allow_null=True, help_text="Your call, if made."
    )
    matched = serializers.ListField(child=serializers.CharField(), help_text="Top skills found.")
    missing = serializers.ListField(child=serializers.CharField(), help_text="Top gaps.")
    missing_must_haves = serializers.ListField(child=serializers.CharField())
    model_version = serializers.CharField(source="result.model_version")
    role_version = serializers.IntegerField(source="result.role_version")

    @extend_schema_field(ResultCandidateSerializer)
    def get_candidate(self, row: Any) -> dict[str, Any]:
        return {"id": row.result.candidate_id, "name": row.label, "masked": row.masked}

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_titles_read(self, row: Any) -> list[str] | None:
        # One query for the page (`ws.result_titles_read`), not one a row: the view hands them in.
        titles: list[str] | None = self.context.get("titles_read", {}).get(row.candidate_id)
        return titles


class ResultQuerySerializer(serializers.Serializer):
    min_score = serializers.FloatField(required=False, min_value=0, max_value=100)
    tier = serializers.ChoiceField(
        required=False, choices=[scoring.STRONG, scoring.POSSIBLE, scoring.WEAK]
    )
    must_haves_met = serializers.BooleanField(required=False, allow_null=True, default=None)
    skill = serializers.IntegerField(
        required=False,
        help_text=(
            "Only candidates in whom this skill was found: a taxonomy skill's id, or a negative "
            "id for a skill the role's ad lists (`listed_skills`)."
        ),
    )

    def validate_skill(self, value: int) -> int:
        if value == 0:
            raise serializers.ValidationError("No skill has the id 0.")
        return value

    decision = serializers.ChoiceField(
        required=False,
        choices=["shortlist", "hold", "reject", "none"],
        help_text='"none": no decision yet.',
    )


class DecisionSerializer(serializers.ModelSerializer):
    candidate: serializers.PrimaryKeyRelatedField[Candidate] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    decided_by = serializers.CharField(
        source="decided_by.email", read_only=True, allow_null=True, help_text="Their email."
    )

    class Meta:
        model = Decision
        fields = ["id", "candidate", "decision", "note", "decided_by", "decided_at"]
        read_only_fields = fields


class DecisionCreateInSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(min_value=1, help_text="A candidate of this match.")
    decision = serializers.ChoiceField(choices=Decision.Kind.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
