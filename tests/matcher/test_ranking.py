"""How the pipeline reads job titles from a resume for the title and level components."""

from __future__ import annotations

import pytest

from matcher import ranking


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Staff Accountant | [email]", "Staff Accountant"),
        ("Senior Software Engineer | [email] | Leeds, UK", "Senior Software Engineer"),
        ("Web Developer\tNaya Technologies", "Web Developer"),
        ("  Physiotherapy Assistant,  ", "Physiotherapy Assistant"),
        ("[name]", None),
        ("[email] | [phone]", None),
        ("2019 - 2021", None),
        ("The Drovers Arms: run the pass when the head chef is off on weekdays", None),
    ],
)
def test_a_title_is_cleaned_of_contacts_and_lines_that_are_not_titles(raw, title):
    assert ranking.clean_title(raw) == title


def test_profile_titles_skip_masked_headlines_and_keep_the_latest_position_first():
    text = "\n".join(
        [
            "[name]",
            "[email] | [phone]",
            "",
            "Experience",
            "Physiotherapy Assistant, Riverside Clinic (2021 - present)",
            "- Ran exercise classes and prepared treatment rooms",
            "Sports Massage Therapist, Fit Hub (2017 - 2021)",
            "- Deep tissue massage for club athletes",
        ]
    )
    years, titles = ranking.profile_facts(text)
    assert titles[0] == "Physiotherapy Assistant"
    assert "[email]" not in " ".join(titles)
    assert all(t.strip() for t in titles)
    assert years is not None
    assert years >= 4
