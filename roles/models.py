"""The role catalog: skills taxonomy, role pages, and the skill profile matches score against."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords


class Skill(models.Model):
    """A canonical skill of the taxonomy ("Kubernetes"); spellings live in `SkillAlias`."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)
    category = models.CharField(max_length=120, blank=True, db_index=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()
    # Set before save(): django-simple-history records who made the change, and why.
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="roles_skill_name_ci_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="roles_skill_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(Skill, self.name, pk=self.pk)
        super().save(*args, **kwargs)


class SkillAlias(models.Model):
    """Another way to write a skill: an abbreviation, a spelling, a version ("k8s", "sklearn")."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="alias_set")
    alias = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "skill aliases"
        constraints = [
            models.UniqueConstraint(Lower("alias"), name="roles_skillalias_alias_ci_unique"),
            models.CheckConstraint(condition=~Q(alias=""), name="roles_skillalias_not_empty"),
        ]

    def __str__(self) -> str:
        return self.alias


class Industry(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "industries"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(Industry, self.name, pk=self.pk)
        super().save(*args, **kwargs)


class Role(models.Model):
    """A role page. `organisation` is NULL for the public catalog, set for a private custom role."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_roles",
        help_text="Empty for the public catalog; set for one organisation's private role.",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(
        default=0,
        help_text="Grows with every published change; matches record the version they used.",
    )
    family = models.CharField(max_length=80, blank=True, db_index=True)
    alternate_titles = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True, help_text="One or two sentences; the meta description.")
    description = models.TextField(blank=True, help_text="Paragraphs separated by a blank line.")
    day_in_the_life = models.TextField(blank=True)
    salary_context = models.TextField(blank=True)
    onet_code = models.CharField("O*NET-SOC code", max_length=12, blank=True, db_index=True)
    job_zone = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "O*NET's job zones run from 1 to 5."),
            MaxValueValidator(5, "O*NET's job zones run from 1 to 5."),
        ],
    )
    source_note = models.TextField(blank=True, help_text="Credit line shown at the page's foot.")
    industries = models.ManyToManyField(Industry, blank=True, related_name="roles")
    related_roles = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="related_from",
        # Catalog pages only: a draft revision is deleted when it is published, taking the link
        # with it, and an organisation's own role is never shown on a public page.
        limit_choices_to={"organisation__isnull": True, "draft_of__isnull": True},
    )
    # Set on a draft revision: the staged next version of a live page, edited and previewed
    # beside it, then published onto it or discarded (roles.services.role_revision_*).
    draft_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
        editable=False,
        help_text="The live role this draft revision will replace when published.",
    )
    # What the O*NET import wrote last, per field, as a hash: a field whose current value no
    # longer matches was edited by a curator and is never overwritten again.
    import_hashes = models.JSONField(default=dict, blank=True, editable=False)
    # An organisation's own role only: what its recruiters changed of the skills its ad lists
    # outside the taxonomy (`roles.selectors.role_listed_skills` applies it). Those skills are
    # read again from the description, numbered in the order it lists them, so a change is kept
    # by the skill's case-folded name: {"weight": 0-5, "must_have": bool, "min_years": int or
    # null}, any of them; weight 0 takes the skill off the role.
    listed_skill_changes = models.JSONField(default=dict, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["import_hashes"])
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="roles_role_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="roles_role_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(version__gte=1),
                name="roles_role_published_has_version",
            ),
            models.UniqueConstraint(
                fields=["draft_of"],
                condition=Q(draft_of__isnull=False),
                name="roles_role_one_draft_revision",
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | Q(status="draft"),
                name="roles_role_revision_is_draft",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(Role, self.title, pk=self.pk)
        if self.status == self.Status.PUBLISHED and not self.version:
            self.version = 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("roles:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.organisation_id is None and self.status == self.Status.PUBLISHED

    @property
    def profile_text(self) -> str:
        """What the semantic scorer embeds: the role's own words, then its skill names."""
        parts = [self.title, self.summary, self.description]
        parts += [r.text for r in self.responsibilities.all()]
        skills = [rs.skill.name for rs in self.role_skills.all()]
        if skills:
            parts.append("Skills: " + ", ".join(skills))
        return "\n\n".join(p.strip() for p in parts if p and p.strip())

    @property
    def scoring_text(self) -> str:
        """The words a match scores the role against. A custom role is read from the job
        description its recruiter pasted, and the ranking was chosen and measured on ads as
        written (`matcher.ranking.role_from_job_description`): its summary, responsibilities
        and skill names are lines of that ad already, and adding them again would count those
        lines twice. A catalog page has no ad, so its words are the page's own."""
        if self.organisation_id is not None and self.description.strip():
            return self.description
        return self.profile_text


class Responsibility(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="responsibilities")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "responsibilities"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="roles_resp_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class EvaluationCriterion(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="evaluation_criteria")
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "evaluation criteria"

    def __str__(self) -> str:
        return self.title


class InterviewTopic(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="interview_topics")
    title = models.CharField(max_length=200)
    questions = models.JSONField(default=list, blank=True)
    skill = models.ForeignKey(
        Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="interview_topics"
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not isinstance(self.questions, list) or not all(
            isinstance(q, str) for q in self.questions
        ):
            raise ValidationError({"questions": "Enter a list of questions, each a string."})


class SalaryRange(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="salary_ranges")
    level = models.CharField(max_length=80, help_text='e.g. "Entry", "Mid", "Senior"')
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code")
    min_amount = models.PositiveIntegerField(help_text="Whole currency units per year")
    max_amount = models.PositiveIntegerField(help_text="Whole currency units per year")
    region = models.CharField(max_length=120, default="United States")
    source_note = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__lte=models.F("max_amount")),
                name="roles_salary_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.currency} {self.min_amount}-{self.max_amount}"

    def clean(self) -> None:
        if not (len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()):
            raise ValidationError({"currency": 'Use a three-letter ISO code such as "USD".'})
        if (
            self.min_amount is not None
            and self.max_amount is not None
            and self.min_amount > self.max_amount
        ):
            raise ValidationError({"max_amount": "The maximum must not be below the minimum."})


class RoleSkill(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="role_skills")
    weight = models.PositiveSmallIntegerField(
        default=3,
        help_text="1 (nice) to 5 (critical)",
        # The check constraint alone answers a curator with its own name; these say what to type.
        validators=[
            MinValueValidator(1, "A weight runs from 1 (nice to have) to 5 (critical)."),
            MaxValueValidator(5, "A weight runs from 1 (nice to have) to 5 (critical)."),
        ],
    )
    must_have = models.BooleanField(default=False)
    # The most years any form of the profile accepts: the API, the new-match page and a
    # match's weights all read this one bound.
    MAX_MIN_YEARS = 50
    min_years = models.PositiveSmallIntegerField(null=True, blank=True)

    history = HistoricalRecords()
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["-must_have", "-weight", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="roles_roleskill_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=5), name="roles_roleskill_weight_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.weight})"


def unique_slug(
    model: type[models.Model], text: str, *, pk: Any = None, max_length: int = 200
) -> str:
    base = slugify(text)[:max_length] or "item"
    slug, n = base, 1
    manager = model._default_manager
    while manager.filter(slug=slug).exclude(pk=pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
