"""Reading a pasted job description into a skill profile, and the org-private role it makes."""

from __future__ import annotations

import time

import pytest

from matcher import ranking
from matcher.services.matches import role_snapshot
from roles.catalog_files import read_taxonomy
from roles.job_description import (
    SOFT_CATEGORIES,
    USED_TOGETHER,
    asked_experience,
    extract_job_profile,
    listed_skills,
    reflow,
    role_create_from_job_description,
    soft_skill_note,
)
from roles.models import Role
from roles.selectors import skill_matcher
from roles.taxonomy import SkillMatcher
from roles.words import tokens
from tests.roles.factories import skill

MATCHER = SkillMatcher(
    [
        (1, "Python", ["py"]),
        (2, "Django", []),
        (3, "Flask", []),
        (4, "PostgreSQL", ["Postgres"]),
        (5, "Kubernetes", ["k8s"]),
        (6, "Docker", []),
        (7, "Communication", []),
        (8, "Logistics", []),
        (9, "I-9 Compliance", ["employment eligibility verification"]),
        (10, "Redis", []),
        (11, "Microsoft Excel", ["Excel"]),
        (12, "Excel Data Analysis", ["pivot tables", "VLOOKUP"]),
        (13, "Pandas", []),
        (14, "Hadoop", []),
    ]
)

JD = """Backend Developer

We are a logistics company that ships parcels across Europe.

Responsibilities
- Build APIs in Python and Django
- Keep PostgreSQL fast

Requirements
- 5+ years of professional Python experience
- Experience with Django or Flask
- Must be comfortable with Docker
- Good communication

Nice to have
- Kubernetes
"""


def profile():
    return {
        s.name: s for s in extract_job_profile(JD, MATCHER, categories={7: "Soft Skills"}).skills
    }


def test_it_reads_must_haves_and_minimum_years_from_the_wording():
    skills = profile()
    assert skills["Python"].must_have
    assert skills["Python"].min_years == 5
    assert skills["Docker"].must_have
    assert skills["Python"].weight >= 4


def test_nice_to_haves_are_optional_and_weigh_less():
    skills = profile()
    assert not skills["Kubernetes"].must_have
    assert skills["Kubernetes"].weight < skills["Python"].weight


def test_a_skill_the_title_names_weighs_like_a_must_have_but_is_required_only_by_the_body():
    """The title names the job ("Redis Engineer"), which a candidate's own titles answer; a
    resume rarely writes it as a skill, so the title alone requires nothing (round
    thirty-five, docs/scoring.md)."""
    named = "Redis Engineer\n\nRequirements\n- Redis clusters in production\n- Docker\n"
    skills = {s.name: s for s in extract_job_profile(named, MATCHER).skills}
    assert (skills["Redis"].weight, skills["Redis"].must_have) == (5, False)
    assert skills["Redis"].weight > skills["Docker"].weight
    required = named.replace("- Redis clusters", "- Redis clusters are required")
    skills = {s.name: s for s in extract_job_profile(required, MATCHER).skills}
    assert (skills["Redis"].weight, skills["Redis"].must_have) == (5, True)
    only_named = {s.name: s for s in extract_job_profile("Redis Engineer\n", MATCHER).skills}
    assert (only_named["Redis"].weight, only_named["Redis"].must_have) == (4, False)


@pytest.mark.parametrize(
    ("line", "required"),
    [
        ("- Adapt the API for customers with different needs, including Docker users", False),
        ("- Understand each team's Docker needs", False),
        ("- You will need Docker daily", True),
        ("- Docker is needed", True),
        ("- We need someone fluent in Docker", True),
        ("- Needs to run Docker in production", True),
        # "Necessary" only of the candidate, not of the work (round thirty-eight).
        ("- Ensure the necessary Docker images are rebuilt", False),
        ("- Take necessary action when Docker hosts fail", False),
        ("- Docker is necessary", True),
        ("- Docker is absolutely necessary", True),
        ("- Docker experience necessary.", True),
        ("- Necessary skills: Docker", True),
    ],
)
def test_need_and_necessary_require_only_when_said_of_the_candidate(line, required):
    """A demand only as a verb ("we need"), not as a noun ("each team's needs"); "necessary"
    only said of the candidate, not of the work."""
    ad = f"Backend Developer\n\nResponsibilities\n{line}\n"
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert skills["Docker"].must_have is required


@pytest.mark.parametrize(
    "line",
    [
        "- Other duties as required, including Docker upgrades",
        "- Rebuild Docker images when needed",
        "- Patch Docker hosts if necessary",
        "- Run Docker releases as deemed necessary",
    ],
)
def test_how_often_the_work_calls_for_something_requires_nothing(line):
    """ "As required", "when needed": how often a task comes, not what a candidate must hold,
    in the duties and in a requirements section alike."""
    ad = f"Backend Developer\n\nResponsibilities\n{line}\n"
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert not skills["Docker"].must_have
    in_requirements = f"Backend Developer\n\nRequirements\n{line}\n- Python\n"
    skills = {s.name: s for s in extract_job_profile(in_requirements, MATCHER).skills}
    assert not skills["Docker"].must_have
    demanded = line.replace("- ", "- Must know Docker. ", 1)
    skills = {
        s.name: s
        for s in extract_job_profile(
            f"Backend Developer\n\nResponsibilities\n{demanded}\n", MATCHER
        ).skills
    }
    assert skills["Docker"].must_have


def test_the_employers_opening_lines_require_nothing():
    """Before the first heading the ad speaks of the employer; a demand there restates the
    title ("A company of 800 employees needs a Redis engineer"), it lists no requirement."""
    ad = (
        "Redis Engineer\n\nOur company of 800 employees needs a Redis engineer.\n\n"
        "Requirements\n- Docker\n- Redis clusters\n"
    )
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert not skills["Redis"].must_have
    required = ad.replace("- Redis clusters", "- Redis clusters are a must")
    skills = {s.name: s for s in extract_job_profile(required, MATCHER).skills}
    assert skills["Redis"].must_have


def test_alternatives_are_not_each_a_must_have():
    skills = profile()
    assert not skills["Django"].must_have
    assert not skills["Flask"].must_have


def test_an_alternative_stays_one_wherever_else_the_skill_is_named():
    """Round forty: "2 years in Django or Flask" asks for either; naming Django plainly in the
    employer's lines or the duties does not make the requirement Django's alone."""
    ad = (
        "Backend Developer\n\nOur Django team is growing.\n\nResponsibilities\n"
        "- Build Django services\n\nRequirements\n- At least 2 years of Django or Flask\n"
        "- Python is a must\n"
    )
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert not skills["Django"].must_have
    assert not skills["Flask"].must_have
    assert skills["Python"].must_have
    demanded = ad.replace("- Build Django services", "- Django is required")
    skills = {s.name: s for s in extract_job_profile(demanded, MATCHER).skills}
    assert skills["Django"].must_have


@pytest.mark.parametrize(
    ("line", "either", "required"),
    [
        ("- Must know Docker, Django/Flask and Redis", {"Django", "Flask"}, {"Docker", "Redis"}),
        ("- Must know Django or Flask, Docker and Redis", {"Django", "Flask"}, {"Docker", "Redis"}),
        ("- Must know Docker, Django or Flask", {"Docker", "Django", "Flask"}, set()),
        ("- Must know Docker or Django/Flask, Redis", {"Docker", "Django", "Flask"}, {"Redis"}),
        ("- Must know Docker/Kubernetes and Redis", set(), {"Docker", "Kubernetes", "Redis"}),
        ("- Must know Redis or Docker/Kubernetes", {"Redis", "Docker", "Kubernetes"}, set()),
    ],
)
def test_a_slash_joins_its_two_and_a_list_ends_after_the_item_after_or(line, either, required):
    """Round forty-one: a slash or an "or" makes alternatives of what it joins, not of the
    whole list it stands in. Round forty-two: a slash between two used together (Docker and
    Kubernetes) joins one item, a choice of neither, though it may be one item of a choice."""
    ad = f"Backend Developer\n\nRequirements\n{line}\n"
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert {n for n in either | required if skills[n].must_have} == required


def test_every_pair_used_together_names_two_skills_of_the_taxonomy():
    """A misspelt name in the list would never match and fail silently."""
    names = {row.name for row in read_taxonomy().skills}
    assert {name for pair in USED_TOGETHER for name in pair} <= names


def test_the_employers_description_and_soft_skills_are_not_requirements():
    skills = profile()
    assert "Logistics" not in skills
    assert skills["Communication"].weight == 1
    assert not skills["Communication"].must_have


def test_a_spoken_language_required_by_the_ad_is_still_weighed_1_and_says_why():
    matcher = SkillMatcher([(1, "Python", []), (20, "Spanish", ["fluent Spanish"])])
    ad = "Support Engineer\n\nRequirements\n- Python\n- Fluent Spanish required\n"
    read = extract_job_profile(ad, matcher, categories={20: "Spoken Languages"}).skills
    spanish = {s.name: s for s in read}["Spanish"]
    assert (spanish.weight, spanish.must_have) == (1, False)
    note = soft_skill_note(category="Spoken Languages", weight=1, must_have=False)
    assert note.startswith("Spoken language: weighed 1 and not required, whatever the ad says")
    assert "must-have" in note


def test_only_a_soft_skill_left_as_read_has_a_note():
    assert soft_skill_note(category="Soft Skills", weight=1, must_have=False).startswith(
        "Soft skill:"
    )
    assert soft_skill_note(category="Soft Skills", weight=3, must_have=False) == ""
    assert soft_skill_note(category="Spoken Languages", weight=1, must_have=True) == ""
    assert soft_skill_note(category="Technology", weight=1, must_have=False) == ""
    # Every category the rule caps has its own words.
    assert all(soft_skill_note(category=c, weight=1, must_have=False) for c in SOFT_CATEGORIES)


@pytest.mark.parametrize(
    "summary",
    [
        "## Job Summary\nYou will run our Kubernetes clusters and tune Redis caches.",
        "Job Summary - You will run our Kubernetes clusters and tune Redis caches.",
        "Position overview: you will run our Kubernetes clusters and tune Redis caches.",
    ],
)
def test_a_summary_of_the_job_is_about_the_job_not_the_employer(summary):
    ad = f"Platform Engineer\n\n{summary}\n\nRequired Skills\n- Python\n"
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert {"Kubernetes", "Redis", "Python"} <= set(skills)
    assert not skills["Kubernetes"].must_have


def test_the_employer_named_before_any_heading_is_still_context():
    ad = "Platform Engineer\n\nA logistics company.\n\nJob Summary\nRun Kubernetes.\n"
    assert {s.name for s in extract_job_profile(ad, MATCHER).skills} == {"Kubernetes"}


@pytest.mark.parametrize(
    ("item", "asked"),
    [
        ("1 year of experience as a Bus and truck mechanic", [("Bus and truck mechanic", 1)]),
        (
            "4 years as a Licensed practical and licensed vocational nurse",
            [("Licensed practical and licensed vocational nurse", 4)],
        ),
        ("3 years of experience as a C# .Net Developer", [("C# .Net Developer", 3)]),
        ("2 years as a Sr. Payroll Clerk or similar", [("Sr. Payroll Clerk", 2)]),
        ("Five years working as a UX/UI Designer", [("UX/UI Designer", 5)]),
        ("Minimum of 1-year experience as a Line Cook", [("Line Cook", 1)]),
        ("two (2) years as a Dental Assistant", [("Dental Assistant", 2)]),
        ("Prior experience of 4 years as a Stone Mason", [("Stone Mason", 4)]),
        ("Proven work experience (minimum 5 years) as a bus driver", [("bus driver", 5)]),
        # What follows "and" is a second ask or a demand, not more of the job's name.
        ("3 years as a Baker and 2 years as a Pastry Chef", [("Baker", 3), ("Pastry Chef", 2)]),
        ("Experience as a cashier and strong customer service skills", [("cashier", None)]),
        ("Experience as a cashier and customer service skills", [("cashier", None)]),
        ("4 years as a Cook and a valid food handler card", [("Cook", 4)]),
        # "Experience" ends a title unless the title is an experience's.
        ("2 years as a Line Cook experience required", [("Line Cook", 2)]),
        (
            "3 years of experience as a User Experience Architect",
            [("User Experience Architect", 3)],
        ),
        ("Experience as a Guest Experience Agent", [("Guest Experience Agent", None)]),
        # An occupation's qualifier is no part of the job asked for.
        (
            "2 years as a Human resources assistant - except payroll and timekeeping.",
            [("Human resources assistant", 2)],
        ),
        (
            "4 years as a Life - physical - and social science technicians - all other",
            [("Life - physical - and social science technicians", 4)],
        ),
    ],
)
def test_an_asked_job_is_read_whole_with_its_years_however_written(item, asked):
    ad = f"Kitchen Lead\n\nRequirements\n- {item}\n"
    assert [(s.name, s.min_years) for s in asked_experience(ad)] == asked


@pytest.mark.parametrize(
    "item",
    [
        "Two years of experience with Python",
        "At least two (2) years of Python",
        "2-years of Python in production",
        "Minimum of two-year Python experience",
    ],
)
def test_years_written_in_words_or_with_a_hyphen_are_a_minimum(item):
    ad = f"Backend Developer\n\nRequirements\n- {item}\n- Docker\n"
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert skills["Python"].min_years == 2
    assert skills["Python"].must_have
    assert skills["Docker"].min_years is None


def test_skills_in_a_bracket_of_examples_are_not_requirements_of_their_own():
    ad = (
        "Staff Accountant\n\nRequirements\n"
        "- Strong Excel skills (pivot tables, VLOOKUP)\n"
        "- Solid Python (e.g. Pandas)\n"
    )
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    # The skill the bracket explains keeps its weight; its examples do not outweigh it.
    assert skills["Microsoft Excel"].must_have
    assert skills["Microsoft Excel"].weight >= 4
    assert skills["Python"].must_have
    for example in ("Excel Data Analysis", "Pandas"):
        assert not skills[example].must_have
        assert skills[example].weight <= 2
        assert skills[example].weight < skills["Microsoft Excel"].weight


def test_a_bracket_that_is_the_point_stays_a_requirement():
    ad = (
        "Data Engineer\n\nRequirements\n"
        "- Must know Python (Hadoop)\n"
        "- Strong Docker skills (Kubernetes, Redis required)\n"
        "- Required: scripting (Django, Flask, Pandas)\n"
    )
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    # One skill in a bracket is the speciality, not an example; a bracket that says "required"
    # is a requirement; a list after no skill is the list of requirements.
    for name in ("Hadoop", "Kubernetes", "Redis", "Django", "Flask", "Pandas"):
        assert skills[name].must_have, name
        assert skills[name].weight >= 4, name


def test_a_brackets_wording_is_about_its_examples_only():
    ad = (
        "Backend Developer\n\nRequirements\n"
        "- Strong Python skills (Django, Flask or Pandas a plus)\n"
    )
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert skills["Python"].must_have
    assert not skills["Django"].must_have


def test_a_preference_in_a_bracket_leaves_the_skill_before_it_a_requirement():
    ad = "Data Engineer\n\nRequirements\n- Must have Docker (Kubernetes preferred)\n"
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert skills["Docker"].must_have
    assert skills["Docker"].weight >= 4
    assert not skills["Kubernetes"].must_have
    assert skills["Kubernetes"].weight <= 2
    # Without a skill in it, the bracket's preference is about the skill it follows.
    plain = "Data Engineer\n\nRequirements\n- Must have Docker (preferred)\n"
    assert not {s.name: s for s in extract_job_profile(plain, MATCHER).skills}["Docker"].must_have


def test_the_summary_is_the_ads_first_prose_not_a_list_item():
    ad = (
        "Staff Accountant\n\nResponsibilities\n"
        "- General ledger reconciliation, month-end close and accruals for three entities\n"
        "About us\n"
        "We are a family-owned distributor of building materials with twelve branches.\n"
    )
    assert extract_job_profile(ad, MATCHER).summary == (
        "We are a family-owned distributor of building materials with twelve branches."
    )
    only_items = (
        "Staff Accountant\n\n- General ledger reconciliation, month-end close and accruals\n"
    )
    assert extract_job_profile(only_items, MATCHER).summary == (
        "General ledger reconciliation, month-end close and accruals"
    )


def test_the_title_is_the_first_line():
    assert extract_job_profile(JD, MATCHER).title == "Backend Developer"


def test_a_heading_that_only_says_job_title_labels_the_line_below():
    ad = "## Job title\nJunior Systems Administrator\n\n## Job Summary\nWe run servers."
    assert extract_job_profile(ad, MATCHER).title == "Junior Systems Administrator"


@pytest.mark.parametrize(
    ("opening", "title"),
    [
        ("Job Title: Staff Lead", "Staff Lead"),
        ("Job title - Cook", "Cook"),
        ("## Job Title\n- Financial Analyst (Excel Expert)", "Financial Analyst (Excel Expert)"),
        ("**Job Title:** Installation Representative", "Installation Representative"),
        ("- Job title: Systems Engineering Manager", "Systems Engineering Manager"),
        # A stray mark above the ad is no title (two rjdb ads open with ":").
        (":\n\nJob Title: Coil Winders", "Coil Winders"),
        (":\n\n##### Job Title:\nFPGA Engineer", "FPGA Engineer"),
        (
            "Job Title\nCutting - punching - and press machine setters - operators - and "
            "tenders - metal and plastic.",
            "Cutting - punching - and press machine setters - operators - and tenders - metal "
            "and plastic",
        ),
        # A title that starts like a heading is still a title.
        ("Experience Designer", "Experience Designer"),
        ("Benefits Analyst - Remote", "Benefits Analyst - Remote"),
        # An ad with no title line: neither a heading nor the first line under it is one.
        ("Skills required for the position:\nPython, Docker", "Custom role"),
        ("We build parcel software.\nSkills required for the position\n- Docker", "Custom role"),
        ("Primary Purpose: Development of our parcel software", "Custom role"),
        # An O*NET occupation read as an ad: its title too long to be one, a sentence, then
        # "Tasks", once read as the title.
        (
            "Sales Representatives, Wholesale and Manufacturing, Technical and Scientific "
            "Products and Services\n\nSell goods for wholesalers.\n\nTasks\n- Answer questions",
            "Custom role",
        ),
    ],
)
def test_the_title_is_read_without_its_label_and_never_from_a_heading(opening, title):
    ad = f"{opening}\n\nRequirements\n- Python\n"
    assert extract_job_profile(ad, MATCHER).title == title


def test_a_one_paragraph_ad_that_opens_with_its_requirements_has_no_title_but_its_skills():
    ad = (
        "Minimum Required Skills: Python, Docker, Redis If you are a developer with experience, "
        "please read on! What You Will Be Doing We are seeking a candidate to augment our "
        "existing staff. The selected candidate will take part in every phase of the software "
        "life cycle as an on-site member of our team in the Aberdeen facility and will work on "
        "parcel tracking."
    )
    assert reflow(ad).splitlines()[0] == "Minimum Required Skills"
    profile = extract_job_profile(ad, MATCHER)
    assert profile.title == "Custom role"
    skills = {s.name: s for s in profile.skills}
    assert skills["Python"].must_have
    assert skills["Redis"].must_have


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        (
            "Oracle EBS Finance Analyst Consultant R12 (#911-MH2444)",
            "Oracle EBS Finance Analyst Consultant R12",
        ),
        ("Registered Nurse - Job ID: 88231", "Registered Nurse"),
        ("Designer [REQ-2024-118]", "Designer"),
        ("Sales Representative, Req# 5521", "Sales Representative"),
        ("Data Engineer (Remote)", "Data Engineer (Remote)"),
        ("Level 2 Support (Tier 2)", "Level 2 Support (Tier 2)"),
        ("C# Developer", "C# Developer"),
    ],
)
def test_a_requisition_code_after_the_title_is_not_part_of_it(first_line, title):
    ad = f"{first_line}\n\nWe run servers in Python.\n\nRequirements\n- Python"
    assert extract_job_profile(ad, MATCHER).title == title


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        # O*NET's titles, as ads and the evaluation's O*NET queries copy them: the qualifier
        # named the very people the title leaves out, and made one title too long to be one.
        ("Elementary School Teachers, Except Special Education", "Elementary School Teachers"),
        (
            "Sales Representatives, Wholesale and Manufacturing, Except Technical and "
            "Scientific Products",
            "Sales Representatives, Wholesale and Manufacturing",
        ),
        ("Material moving worker - All Other", "Material moving worker"),
        ("Interviewers - except eligibility and loan", "Interviewers"),
        (
            "Secretaries and Administrative Assistants, Except Legal, Medical, and Executive",
            "Secretaries and Administrative Assistants",
        ),
        # A list of the job's kinds is part of the title; "except" inside one is a word.
        (
            "Fine Artists, Including Painters, Sculptors, and Illustrators",
            "Fine Artists, Including Painters, Sculptors, and Illustrators",
        ),
        ("Everything-except-Java Developer", "Everything-except-Java Developer"),
    ],
)
def test_an_occupations_qualifier_after_the_title_is_not_part_of_it(first_line, title):
    ad = f"{first_line}\n\nWe run servers in Python.\n\nRequirements\n- Python"
    assert extract_job_profile(ad, MATCHER).title == title


# Ads copied from a web page often arrive as one paragraph, headings and bullets inline.
ONE_PARAGRAPH = (
    "Backend Developer\n\n"
    "We are a logistics company with offices in three cities and we are growing fast, so we "
    "need another engineer on the platform team. Essential Duties and Responsibilities: Build "
    "services in Python and keep Postgres healthy. Work with product managers on new features "
    "and review code. Must have - At least 4 years of Django - Strong Docker skills - Python "
    "in production Nice To Haves - Kubernetes - Redis What We Offer - Health, dental and "
    "vision - 401(k) match - Paid time off, and we must pay for your Redis certification. We "
    "are an equal opportunity employer and every hire must complete employment eligibility "
    "verification."
)


def test_a_one_paragraph_ad_is_split_at_its_headings_bullets_and_sentences():
    lines = reflow(ONE_PARAGRAPH).splitlines()
    assert "Must have" in lines
    assert "- At least 4 years of Django" in lines
    assert "Nice To Haves" in lines
    assert any(line.startswith("Work with product managers") for line in lines)
    # Short lines are left exactly as written.
    assert reflow(JD) == JD.rstrip("\n")


def test_a_one_paragraph_ad_reads_like_one_with_line_breaks():
    skills = {s.name: s for s in extract_job_profile(ONE_PARAGRAPH, MATCHER).skills}
    # Under "Must have" every bullet is a requirement, each with its own years.
    assert skills["Django"].must_have
    assert skills["Django"].min_years == 4
    assert skills["Docker"].must_have
    assert skills["Python"].must_have
    assert skills["Python"].min_years is None
    # "Nice To Haves" and duties are not must-haves, even in one paragraph.
    assert not skills["Kubernetes"].must_have
    assert not skills["PostgreSQL"].must_have
    # The evidence line is the bullet, not the whole paragraph.
    assert skills["Django"].line == "- At least 4 years of Django"


def test_legal_and_benefits_boilerplate_names_no_requirement():
    skills = {s.name: s for s in extract_job_profile(ONE_PARAGRAPH, MATCHER).skills}
    assert "I-9 Compliance" not in skills
    # A skill named in boilerplate counts only where it is named elsewhere: Redis is a nice to
    # have; the "must" of the benefits sentence does not make it a requirement.
    assert not skills["Redis"].must_have
    assert skills["Redis"].line == "- Redis"


def test_only_a_demanding_heading_makes_every_item_a_must_have():
    def musts(heading: str) -> set[str]:
        ad = "\n".join(["Backend Developer", "", heading, "- Python", "- Docker"])
        return {s.name for s in extract_job_profile(ad, MATCHER).skills if s.must_have}

    assert musts("Must have") == {"Python", "Docker"}
    assert musts("Minimum qualifications") == {"Python", "Docker"}
    assert musts("What you'll need") == set()
    assert musts("Requirements") == set()


def test_common_heading_wordings_open_their_sections():
    ad = "\n".join(
        [
            "Platform Engineer",
            "",
            "Key duties",
            "- Run Kubernetes for the product teams",
            "",
            "What we're looking for",
            "- Must know Python well",
            "- Docker",
            "",
            "Extra credit",
            "- Redis",
        ]
    )
    profile = extract_job_profile(ad, MATCHER)
    assert profile.responsibilities == ["Run Kubernetes for the product teams"]
    skills = {s.name: s for s in profile.skills}
    assert skills["Python"].must_have
    assert not skills["Kubernetes"].must_have
    assert not skills["Redis"].must_have
    assert skills["Redis"].weight < skills["Python"].weight


def test_an_item_of_a_list_that_starts_like_a_heading_stays_in_its_list():
    ad = "\n".join(
        [
            "Platform Engineer",
            "",
            "Requirements",
            "- 3+ years of Python",
            "- Experience with Docker",
            "",
            "Nice to have",
            "- Experience with Kubernetes",
            "- Redis",
        ]
    )
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    # "- Experience with Kubernetes" read as a heading ("Experience") made it and Redis
    # requirements.
    assert not skills["Kubernetes"].must_have
    assert not skills["Redis"].must_have
    assert skills["Kubernetes"].weight <= 2
    assert skills["Redis"].weight <= 2
    assert skills["Docker"].weight > skills["Kubernetes"].weight


def test_a_list_item_needs_no_space_after_its_dash_or_bullet():
    ad = "\n".join(
        [
            "Maths Tutor",
            "",
            "Required Skills",
            "-Mathematics",
            "-Active Learning",
            "\u2022Lesson planning",
            "\u2022-Exam marking",
            "*Classroom management",
            "-Experience with Python",
            "",
            "Nice to have",
            "- Kubernetes",
        ]
    )
    listed = {s.name for s in listed_skills(ad, MATCHER)}
    assert listed == {
        "Mathematics",
        "Active Learning",
        "Lesson planning",
        "Exam marking",
        "Classroom management",
    }
    # "-Experience with Python" is an item of the list, not a heading ("Experience") ending it.
    skills = {s.name: s for s in extract_job_profile(ad, MATCHER).skills}
    assert skills["Python"].must_have


@pytest.mark.parametrize(
    "line",
    ["-5 C in the cold store", "-based reporting for the board", "**Job Title**", "*Remote*"],
)
def test_a_negative_number_a_broken_word_or_bold_text_is_no_list_item(line):
    ad = f"Store Clerk\n\nRequirements\n{line}\n"
    assert listed_skills(ad, MATCHER) == []


def test_a_listed_skill_that_stop_words_would_empty_of_its_meaning_is_not_listed():
    ad = "\n".join(
        [
            "Machine Operator",
            "",
            "Required Skills",
            "- Work under Pressure",  # looked for as "pressure": found in "pressure gauges"
            "- Medical Knowledge and expertise",  # as "medical": any line saying "medical"
            "- Clinical Skills",
            "- Sewing skills",
            "- Experience working with Sqoop",
            "- Blueprint reading",
        ]
    )
    listed = [s.name for s in listed_skills(ad, MATCHER)]
    assert listed == ["Sewing skills", "Sqoop", "Blueprint reading"]
    # No skill the ad lists is "found" on a line about gauges.
    gauges = ranking.word_lines(["Adjusted machine pressure gauges daily"])
    assert all(ranking.listed_span(tuple(tokens(name)), gauges) is None for name in listed)


def test_a_condition_of_the_job_is_no_listed_skill():
    ad = "\n".join(
        [
            "Aircraft Maintenance Technician",
            "",
            "Requirements",
            "- Able to work nights and weekends",
            "- Able to work some Saturdays",
            "- Willing to travel",
            "- Must be able to stand for long periods",
            "- Available to work rotating shifts",
            "- Flexible schedule",
            "- Reliable transportation",
            "- US citizenship required",
            "- Authorized to work in the United States",
            "- Physically fit",
            "- Sheet metal repair",
            # The same words as a trade's skills, with no willingness asked: still skills.
            "- Lift truck operation",
            "- Travel planning",
            "- Overtime calculations",
            "- Shift supervision",
            "- Citizenship applications",
        ]
    )
    listed = [s.name for s in listed_skills(ad, MATCHER)]
    assert listed == [
        "Sheet metal repair",
        "Lift truck operation",
        "Travel planning",
        "Overtime calculations",
        "Shift supervision",
        "Citizenship applications",
    ]


def test_numbered_and_bulleted_headings_still_open_their_sections():
    ad = "\n".join(
        [
            "Platform Engineer",
            "",
            "1. Responsibilities",
            "- Run Kubernetes for the product teams",
            "2. Requirements:",
            "- Must know Python well",
            "- Nice to have",
            "- Redis",
        ]
    )
    profile = extract_job_profile(ad, MATCHER)
    assert profile.responsibilities == ["Run Kubernetes for the product teams"]
    skills = {s.name: s for s in profile.skills}
    assert skills["Python"].must_have
    assert not skills["Redis"].must_have
    assert skills["Redis"].weight <= 2


def test_a_bonus_in_a_list_of_perks_opens_no_nice_to_have_section():
    ad = "\n".join(
        [
            "Backend Developer",
            "",
            "Requirements",
            "- Python",
            "",
            "What's in it for you",
            "- Dental",
            "- Bonus",
            "- Not a fit for this position?",
            "- All rights reserved.",
        ]
    )
    # Read as "Bonus points", it made the legal footer below it nice-to-have skills.
    assert listed_skills(ad, MATCHER) == []


@pytest.mark.parametrize(
    "line",
    [
        "Experience with C#, Elastic Search, and Oracle as secondary skills",
        "Experience with Spanish as an added advantage",
        "Worked with Salesforce as well as HubSpot",
        "5 years of experience as one of the leads",
    ],
)
def test_what_follows_as_is_no_asked_job_when_it_names_none(line):
    assert asked_experience(f"Developer\n\nPreferred Qualifications\n- {line}\n") == []


def test_a_column_of_spaces_pasted_from_a_spreadsheet_is_read_at_once():
    gap = " " * 20_000
    ad = f"Data Clerk\n\nRequirements\n- 5{gap}years of Python\n- Data entry{gap}experience\n"
    started = time.perf_counter()
    skills = extract_job_profile(ad, MATCHER).skills
    listed = listed_skills(ad, MATCHER)
    # Runs of spaces tried from every space made this take minutes (seconds at 200 spaces).
    assert time.perf_counter() - started < 2
    assert [(s.name, s.min_years) for s in skills] == [("Python", 5)]
    assert [s.name for s in listed] == ["Data entry"]


def test_it_creates_an_editable_role_private_to_the_organisation(alice_org, charlie_org):
    for name in ("Python", "Django", "Docker", "Kubernetes"):
        skill(name)
    role = role_create_from_job_description(org=alice_org, text=JD)
    assert role.organisation == alice_org
    assert role.status == Role.Status.DRAFT
    assert role.title == "Backend Developer"
    by_name = {rs.skill.name: rs for rs in role.role_skills.select_related("skill")}
    assert by_name["Python"].must_have
    assert by_name["Python"].min_years == 5
    assert [r.text for r in role.responsibilities.all()] == [
        "Build APIs in Python and Django",
        "Keep PostgreSQL fast",
    ]
    assert not Role.objects.filter(organisation=charlie_org).exists()


def test_a_match_scores_a_custom_role_against_the_ad_as_the_evaluation_measured_it(alice_org):
    # The ranking's figures come from `ranking.role_from_job_description` reading ads as
    # written; a match of the role made from the same ad must score the same words and skills,
    # not the ad with its summary, responsibilities and skill names repeated after it.
    for name in ("Python", "Django", "Docker", "Kubernetes", "PostgreSQL"):
        skill(name)
    role = role_create_from_job_description(org=alice_org, text=JD)
    snapshot = role_snapshot(role)
    measured = ranking.role_from_job_description(JD, skill_matcher(), categories={})
    assert snapshot["text"] == JD.strip()
    assert snapshot["title"] == measured.title
    assert ranking.lexical.query_terms(snapshot["text"]) == measured.query
    served = [
        (s["skill_id"], s["weight"], s["must_have"], s["min_years"]) for s in snapshot["skills"]
    ]
    assert sorted(served) == sorted(
        (s.skill_id, s.weight, s.must_have, s.min_years) for s in measured.skills
    )
    # A catalog page has no ad: its words are the page's own, skills named after them.
    role.organisation = None
    assert role.scoring_text == role.profile_text
    assert role.profile_text.endswith(
        "Skills: " + ", ".join(rs.skill.name for rs in role.role_skills.all())
    )


def test_it_explains_when_the_text_is_too_short_or_names_no_known_skill(alice_org):
    with pytest.raises(ValueError, match="whole job description"):
        role_create_from_job_description(org=alice_org, text="Dev")
    with pytest.raises(ValueError, match="No known skill"):
        role_create_from_job_description(
            org=alice_org, text="We need someone kind and punctual for our small friendly office."
        )
