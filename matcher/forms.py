"""The workspace's forms: starting a match (with a row per role skill) and pasting a job ad.

The new-match page is one HTML form; its skill rows are a formset whose rows are the role's own
skills, named `weight_<skill id>`, `must_<skill id>` and `years_<skill id>` as the page and the
re-weight form have always sent them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
    BaseFormSet,
    ManagementForm,
    formset_factory,
)
from django.utils.functional import cached_property

from matcher import scoring
from roles.models import RoleSkill


class ClampedIntegerField(forms.Field):
    """A number the page offers within bounds: a value outside them is brought inside, one that
    is not a number falls back to the default. Nothing is refused."""

    def __init__(self, *, low: int, high: int, default: int = 0, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.low, self.high, self.default = low, high, default

    def to_python(self, value: Any) -> int:
        try:
            return max(self.low, min(self.high, int(str(value).strip())))
        except (TypeError, ValueError):
            return self.default


class IdListField(forms.Field):
    """Ids sent as repeated fields (`candidates=1&candidates=2`); what is not an id is dropped."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:
        return [int(v) for v in value or [] if str(v).isdigit()]


class DigitsField(forms.Field):
    """A whole number, or None when absent or anything else."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        raw = str(value or "")
        return int(raw) if raw.isdigit() else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadsField(forms.Field):
    """Every file sent in the field, unchecked: intake checks each one and, when one cannot be
    used, keeps it with its reason instead of refusing the whole form."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[Any]:
        return [f for f in value or [] if f]


class SkillRowForm(forms.Form):
    """One skill of the role, as the recruiter set it for this match."""

    # The page's names for the fields: `weight_12`, `must_12`, `years_12` for skill 12.
    HTML_NAMES = {"weight": "weight", "must_have": "must", "min_years": "years"}

    weight = ClampedIntegerField(low=0, high=5)
    must_have = forms.BooleanField(required=False)
    min_years = ClampedIntegerField(low=0, high=RoleSkill.MAX_MIN_YEARS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self.initial
        self.skill_id = int(initial["skill_id"])
        weight = self.fields["weight"]
        assert isinstance(weight, ClampedIntegerField)
        weight.default = int(initial["weight"])

    def add_prefix(self, field_name: str) -> str:
        name = self.HTML_NAMES.get(field_name)
        return f"{name}_{self.skill_id}" if name else super().add_prefix(field_name)

    def row(self) -> dict[str, Any]:
        """The row as the page shows it: the posted values once bound, else the role's."""
        row = dict(self.initial)
        if self.is_bound and self.is_valid():
            row["weight"] = self.cleaned_data["weight"]
            row["must_have"] = scoring.required(row["weight"], self.cleaned_data["must_have"])
            row["min_years"] = self.cleaned_data["min_years"] or None
        return row


class BaseSkillRowFormSet(BaseFormSet):
    """A row per skill of the role, in the role's order.

    The rows are the role's own skills: the page can neither add nor drop one, so their count
    comes from the role, not from a management form in the POST."""

    def __init__(
        self, data: Any = None, *, skills: Sequence[Mapping[str, Any]], **kwargs: Any
    ) -> None:
        """`skills`: the role's profile as a match scores it
        (`matcher.selectors.matches.role_skill_profile`)."""
        super().__init__(data, initial=[dict(s) for s in skills], **kwargs)

    @cached_property
    def management_form(self) -> ManagementForm:
        count = len(self.initial or [])
        form = ManagementForm(
            {
                f"{self.prefix}-{TOTAL_FORM_COUNT}": count,
                f"{self.prefix}-{INITIAL_FORM_COUNT}": count,
                f"{self.prefix}-{MIN_NUM_FORM_COUNT}": 0,
                f"{self.prefix}-{MAX_NUM_FORM_COUNT}": count,
            },
            prefix=self.prefix,
            auto_id=self.auto_id,
        )
        form.full_clean()
        return form

    def rows(self) -> list[dict[str, Any]]:
        """Must-haves first, then by weight and name."""
        rows = [form.row() for form in self.forms]
        rows.sort(key=lambda r: (not r["must_have"], -int(r["weight"]), str(r["name"])))
        return rows

    def skill_weights(self) -> dict[str, dict[str, Any]]:
        """Only what the recruiter changed from the role's own profile, by skill id."""
        out: dict[str, dict[str, Any]] = {}
        for form in self.forms:
            base, row = form.initial, form.row()
            change = {key: row[key] for key in ("weight", "must_have") if row[key] != base[key]}
            if (row["min_years"] or None) != (base["min_years"] or None):
                change["min_years"] = row["min_years"]
            if change:
                out[str(form.skill_id)] = change
        return out

    def role_skill_changes(self) -> dict[int, dict[str, Any]]:
        """The changes a role can keep, by skill id, for `roles.services.custom_role_update`:
        those to its taxonomy skills. A role holds no weight 0, so a skill weighted 0 is taken
        off it. The skills its ad lists outside the taxonomy follow the ad's text instead."""
        out: dict[int, dict[str, Any]] = {}
        for key, change in self.skill_weights().items():
            skill_id = int(key)
            if skill_id < 0:
                continue
            out[skill_id] = {"remove": True} if change.get("weight") == 0 else change
        return out

    def listed_skill_changes(self) -> dict[str, dict[str, Any]]:
        """The changes to the skills the ad lists outside the taxonomy, by name, for
        `roles.services.custom_role_update`'s `listed` (a weight of 0 takes one off)."""
        changed = self.skill_weights()
        return {
            str(form.initial["name"]): changed[str(form.skill_id)]
            for form in self.forms
            if form.skill_id < 0 and str(form.skill_id) in changed
        }


# formset_factory only sets the form and the counts on a subclass of the formset it is given.
SkillRowFormSet = cast(
    type[BaseSkillRowFormSet],
    formset_factory(SkillRowForm, formset=BaseSkillRowFormSet, extra=0),
)


class MatchStartForm(forms.Form):
    """The new-match page: the role, whom to score, whether to score blind, and whether to keep
    the reviewed skill profile on the role for later matches."""

    role = ClampedIntegerField(low=0, high=2**62)
    candidates = IdListField()
    whole_pool = forms.BooleanField(required=False)
    uploads = UploadsField()
    blind = forms.BooleanField(required=False)
    # The cost the page showed when Run was clicked; absent without JavaScript.
    confirmed_cents = DigitsField()
    save_to_role = forms.BooleanField(required=False)

    def add_prefix(self, field_name: str) -> str:
        # The page names its file input "files", which a form keeps for its own attribute.
        return "files" if field_name == "uploads" else super().add_prefix(field_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("candidates") or data.get("whole_pool") or data.get("uploads")):
            raise forms.ValidationError(
                "Choose at least one candidate from your pool, or upload resumes."
            )
        return data


class JobDescriptionForm(forms.Form):
    """A pasted job ad, read into a draft role private to the organisation."""

    job_description = forms.CharField(required=False, strip=False)
    title = forms.CharField(required=False)

    def clean_title(self) -> str:
        return str(self.cleaned_data.get("title") or "")[:200]
