"""Job titles and names: what issue #14 saw shown as titles and names is refused."""

from __future__ import annotations

from datetime import date

import pytest

from candidates.parsing.profile import extract_profile
from candidates.parsing.titles import is_run_on, job_cell, job_in_sentence, job_title

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    "line",
    [
        "description",
        "OZON",
        "B.E UIT-RGPV",
        "Raiffeisen Bank Russia",
        "Company Name \uff1c City , State",
        "Experience",
        "Tel Aviv University",
        "12 Herzl Street, Haifa",
        "I am a developer with five years of experience.",
        "Bachelor of Science in Computer Science",
    ],
)
def test_a_company_degree_school_address_heading_or_sentence_is_not_a_title(line):
    assert job_title(line) is None


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Android developer with 3 years experience", "Android developer"),
        ("Frontend Developer - 8 years experience", "Frontend Developer"),
        ("Structural Design Engineer | CPEng, NER, RPEQ", "Structural Design Engineer"),
        ("TABLE GAMES DEALER", "Table Games Dealer"),
        ("HR GENERALIST", "HR Generalist"),
        ("Teacher of Mathematics", "Teacher of Mathematics"),
        (
            "Software engineer (Frontend developer) Updated: 20/06/2022",
            "Software engineer (Frontend developer)",
        ),
        # What a Word file converted from a PDF leaves around a title.
        (', Senior .NET Engineer, "', "Senior .NET Engineer"),
    ],
)
def test_a_title_is_cut_from_what_follows_it(line, title):
    assert job_title(line) == title


def test_the_headline_wins_over_a_later_job_outside_the_field():
    text = "\n".join(
        [
            "Frontend developer",
            "Residence: Tel-Aviv Area, Israel",
            "PROFESSIONAL EXPERIENCE:",
            "2020-2022 | Customer Care Associate | CGS (Netanya, Israel) |",
            "Support customers and service providers",
            "2019 - 2020 | Frontend React developer | Inetex Ltd (Rehovot, Israel) |",
        ]
    )
    assert extract_profile(text, today=TODAY).title.value == "Frontend developer"


def test_without_a_headline_the_latest_job_gives_the_title_not_its_company():
    text = "\n".join(
        [
            "[name]",
            "Experience",
            "Samsung | 2019 - 2022",
            "Category Business Manager",
            "OZON | 2022 - Present",
            "Competitive Analytics Team Lead",
            "Education",
            "B.E UIT-RGPV 2012 - 2016",
        ]
    )
    assert extract_profile(text, today=TODAY).title.value == "Competitive Analytics Team Lead"


def test_a_line_that_is_not_a_job_gives_no_title_rather_than_a_wrong_one():
    text = "Summary\nHard-working, punctual.\nExperience\nRaiffeisen Bank Russia 2021 - 2022\n"
    assert extract_profile(text, today=TODAY).title.value is None


@pytest.mark.parametrize(
    "first_line",
    [
        "Maharshtra State Board Secured",
        "MERCHANT SERVICES ADVOCATE",
        "Skill Highlights",
        "Nursing Expertise",
        "SHRM Member",
        "ACCOUNT RECEIVABLE",
        "Accounts Payable",
    ],
)
def test_a_heading_or_title_in_capitals_is_not_a_name(first_line):
    text = f"{first_line}\nSummary\nTen years of work with people and numbers.\n"
    assert extract_profile(text, today=TODAY).name.value is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Owen Pritchard, MRICS\nSenior Quantity Surveyor\n", "Owen Pritchard"),
        ("LEONID SHALAEV FULL STACK DEVELOPER with 1+ year experience\n", "Leonid Shalaev"),
        ("CONTACTS MOTOVILOV PAVEL\nFRONTEND WEB DEVELOPER.\n", "Motovilov Pavel"),
        ("Phone:\nLinkedin: Nikita Doroshenko Languages: English, Hebrew\n", "Nikita Doroshenko"),
        # A form's name field, however it is marked up or split (276 of rjdb's 2,000 resumes
        # had kept their name from the masking the model reads through).
        ("## Personal Information\n**Name:** Joel Peterson\n", "Joel Peterson"),
        ("## Personal Information\n- Name: Veronika Beck\n", "Veronika Beck"),
        ("## Personal Information\n_Name:_ Anahit Garcia\n", "Anahit Garcia"),
        ("Personal Information\nFirst Name: Matias\nLast Name: Alvarez\n", "Matias Alvarez"),
        ("Personal Information\nName: Klea\nSurname: Wallace\n", "Klea Wallace"),
        ("Personal Information\nFirstname: Azariah\n", "Azariah"),
        ("Personal Information\nName: Alteo Jordan\n", "Alteo Jordan"),
        ("Personal Information\nName: Raul Sanchez,\nEmail: rs@example.com\n", "Raul Sanchez"),
        # As a word processor types them: a curled apostrophe, an accented capital.
        ("Cillian O\u2019Connell\nSoftware Engineer\n", "Cillian O\u2019Connell"),
        ("\u00c9lodie Martin\nAccountant\n", "\u00c9lodie Martin"),
    ],
)
def test_names_beside_letters_titles_and_labels_are_found(text, name):
    assert extract_profile(text, today=TODAY).name.value == name


def test_a_name_that_opens_the_title_line_is_not_part_of_the_title():
    # The line is too long to be the name's own line, so the title must shed the name itself.
    text = "LEONID SHALAEV FULL STACK DEVELOPER with 1+ year experience\n"
    profile = extract_profile(text, today=TODAY)
    assert profile.name.value == "Leonid Shalaev"
    assert profile.title.value == "Full Stack Developer"


@pytest.mark.parametrize(
    ("text", "job"),
    [
        ("Successfully performed as a Survey Researcher from", "Survey Researcher"),
        ("Acted as an iOS/Android Technical Writer from", "iOS/Android Technical Writer"),
        ("Worked as a cashier at a grocery chain", "Cashier"),
        ("Worked as a C# ASP.NET Developer from", "C# ASP.NET Developer"),
        ("Worked as a .Net Developer with PostgreSQL", ".Net Developer"),
        (
            "Experience in Labor-intensive roles as dealt as an Extraction Worker",
            "Extraction Worker",
        ),
        (
            "Worked as a Metal Worker and Plastic Worker experience from",
            "Metal Worker and Plastic Worker",
        ),
        # None: a job before "as", an example, a date, or no job after it.
        ("Operations Manager, serving as liaison to the board", None),
        ("Used tools such as Excel and Access", None),
        ("Promoted to Team Lead as of 2019", None),
        ("Operated various processes as and Tenders", None),
        (
            "Support the value of People as a Competitive Advantage by supporting leaders",
            None,
        ),
        ("Sales Associate", None),
        # Longer than a title: a dash between spaces ends it.
        (
            "occupied as Full Stack Java Developer \u2013 Web Services",
            "Full Stack Java Developer",
        ),
        (
            "Served as a Human Resources Assistant - Payroll and Benefits",
            "Human Resources Assistant",
        ),
        # What was done in the job starts with a verb in lower case; a job can hold one.
        (
            "Worked as a Materials Scientist  applying my critical thinking and",
            "Materials Scientist",
        ),
        ("Served as a Manager  effectively addressing every supply chain concern", "Manager"),
        (
            "Worked as Security guards and gambling surveillance officers",
            "Security guards and gambling surveillance officers",
        ),
        (
            "Worked as Market research analyst and marketing specialist",
            "Market research analyst and marketing specialist",
        ),
        (
            "3 years experienced as a Cutting and slicing machine setters",
            "Cutting and slicing machine setters",
        ),
        # "Position of", "role of" and "post of" name the job as "as" does.
        ("Held Position of Senior iOS Mobile Developer", "Senior iOS Mobile Developer"),
        ("Took on the role of a Project Manager at Acme", "Project Manager"),
    ],
)
def test_a_job_in_a_sentence_is_the_job_after_as(text, job):
    assert job_in_sentence(text) == job


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("Team Member     Delivered friendly and prompt service", "Team Member"),
        ("Creative Director   PRIMARY", "Creative Director"),
        (
            "MT United States   Supervisory Aircraft Flight Instructor",
            "Supervisory Aircraft Flight Instructor",
        ),
        (
            "the year   occupied as Full Stack Java Developer",
            "occupied as Full Stack Java Developer",
        ),
        ("Senior Data Analyst  Acme", "Senior Data Analyst  Acme"),
        ("Web Developer\tNaya Technologies, migVisor", "Web Developer"),
    ],
)
def test_a_run_of_spaces_parts_columns_and_the_title_is_the_one_naming_a_job(text, cell):
    assert job_cell(text) == cell


@pytest.mark.parametrize(
    ("text", "run_on"),
    [
        ("with CHI)", True),
        ("at least possible cost Supply Chain Management and Initiatives", True),
        ("department to fully develop the advertising campaign", True),
        ("media while working closely with venue management", True),
        # A title in lower case, or a tail that still names the job, stays.
        ("administrative assistant", False),
        ("kitchen Manager / Catering and events chef", False),
        ("on Software Development Engineer in Test", False),
        ("served as a Technical Delivery Manager overseeing project delivery mechanisms", False),
        ("Department to fully develop the advertising campaign", False),
        # With a capital, only a sentence opening on where the work was, naming no job.
        ("At Kirloskar Brothers in Pune", True),
        ("In my previous job as Aerospace Engineer", False),
        ("The Other Food Preparation and Serving Related Workers", False),
        ("A 3D UX Virtual Reality Designer", False),
    ],
)
def test_the_rest_of_a_sentence_is_no_title(text, run_on):
    assert is_run_on(text) is run_on


def test_a_column_layout_and_a_sentence_s_tail_beside_dates_give_the_job():
    # As the PDF reader lays out a two-column template: the duty runs on after a gap, and the
    # tail of the previous job's last duty sits on the line above the next job's dates.
    text = (
        "Experience\n"
        "Team Member     Delivered friendly and prompt service to customers. Managed\n"
        "06/2015 - 08/2017\n"
        "Served food and drinks.\n"
        "with CHI)\n"
        "01/2013 - 05/2015\n"
        "Assistant Professor\n"
    )
    titles = [p.title for p in extract_profile(text, today=TODAY).positions]
    assert titles == ["Team Member", "Assistant Professor"]
