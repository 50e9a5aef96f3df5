"""Structured fields from resume text. Dates are computed against an injected `today`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from candidates.parsing.profile import extract_profile
from roles.taxonomy import SkillMatcher

from . import documents as docs

TODAY = date(2024, 3, 15)


@pytest.fixture
def matcher() -> SkillMatcher:
    return SkillMatcher(
        [
            (1, "Python", []),
            (2, "Apache Kafka", ["Kafka"]),
            (3, "PostgreSQL", ["Postgres"]),
            (4, "SQL", []),
            (5, "Kubernetes", ["k8s"]),
            (6, "Docker", []),
            (7, "Apache Airflow", ["Airflow"]),
        ]
    )


def _resume(*lines: str) -> str:
    return "\n".join(lines)


def test_it_reads_contact_details_from_the_top_of_a_resume(matcher):
    profile = extract_profile(docs.RESUME_TEXT, matcher, today=TODAY)
    assert profile.name.value == "Maria Keller"
    assert profile.name.confidence >= 0.9  # the e-mail confirms it
    assert profile.email.value == "maria.keller@example.com"
    assert profile.phone.value == "+49 30 1234 5678"
    assert profile.location.value == "Berlin, Germany"
    assert [(link.kind, link.url) for link in profile.links] == [
        ("linkedin", "https://www.linkedin.com/in/maria-keller")
    ]


def test_it_lists_taxonomy_skills_with_the_lines_they_appear_on(matcher):
    profile = extract_profile(docs.RESUME_TEXT, matcher, today=TODAY)
    skills = {s.name: s for s in profile.skills}
    assert set(skills) == {
        "Python", "Apache Kafka", "PostgreSQL", "SQL", "Kubernetes", "Docker", "Apache Airflow",
    }  # fmt: skip
    kafka = skills["Apache Kafka"]
    assert kafka.count == 2
    assert kafka.lines[0] == {
        "line_no": 11,
        "line": "Built streaming pipelines with Apache Kafka and Python feeding a PostgreSQL "
        "warehouse.",
    }
    # Listed in the Skills section: sure. Mentioned once in passing: less so.
    assert skills["Kubernetes"].confidence > skills["Apache Airflow"].confidence


def test_it_has_no_skills_without_a_matcher():
    assert extract_profile(docs.RESUME_TEXT, today=TODAY).skills == []


def test_it_sums_experience_from_month_ranges_and_leaves_education_out(matcher):
    profile = extract_profile(docs.RESUME_TEXT, matcher, today=TODAY)
    # Jan 2015 - Feb 2019 is 50 months; 03/2019 - present (March 2024) is 61: 111 months.
    assert profile.years_experience.value == 9.2
    assert profile.years_experience.confidence >= 0.8
    titles = [(p.title, p.company, p.start, p.end) for p in profile.positions]
    assert titles == [
        ("Senior Data Engineer", "Northwind Analytics", "2019-03", "present"),
        ("Data Engineer", "Contoso Retail", "2015-01", "2019-02"),
    ]


def test_a_templates_company_placeholder_on_the_date_line_leaves_the_title_above_it():
    """livecareer's anonymised resumes put "Company Name - City , State" beside the dates and
    the job title on the line above; the placeholder is no title."""
    text = "\n".join(
        [
            "MANAGER OF FINANCE",
            "Experience",
            "Manager of Finance",
            "January 2016 to Current Company Name - City , State",
            "Prepare and manage an annual operating budget.",
            "Staff Accountant",
            "June 2010 to December 2015 Company Name - City , State",
            "Closed the books every month.",
        ]
    )
    titles = [p.title for p in extract_profile(text, today=TODAY).positions]
    assert titles == ["Manager of Finance", "Staff Accountant"]


def test_a_numbered_or_bulleted_job_list_leaves_its_numbers_out_of_the_titles():
    text = "\n".join(
        [
            "Experience",
            "1. Junior Systems Administrator (2019 - 2023)",
            "2) Help Desk Analyst, Northgate Council (2016 - 2019)",
            "\u2022 Warehouse Picker (2014 - 2016)",
        ]
    )
    titles = [p.title for p in extract_profile(text, today=TODAY).positions]
    assert titles == ["Junior Systems Administrator", "Help Desk Analyst", "Warehouse Picker"]


def test_a_label_beside_the_dates_leaves_the_title_to_the_lines_around_it():
    """Forms write "Duration:" or "Period:" before the dates, templates "City , State": the
    title is the labelled role above, or the line above."""
    text = "\n".join(
        [
            "Experience",
            "Role: Senior Network Engineer - Boston",
            "Company: Harbour Telecom",
            "Period: 2016 - 2021",
            "",
            "Medical Assistant, Eastfield Surgery",
            "Duration: 2013 - 2016",
            "",
            "Company Name - Graphic Designer",
            "City , State 03/2010 - 01/2013",
        ]
    )
    titles = [p.title for p in extract_profile(text, today=TODAY).positions]
    assert titles == ["Senior Network Engineer", "Medical Assistant", "Graphic Designer"]


def test_a_place_beside_the_dates_leaves_the_title_to_the_line_above():
    """Round twenty-three: templates write "Rugby ND, January 2015 - March 2017" under the job;
    the town was read as the job. A job's word beside the place keeps it a title."""
    text = "\n".join(
        [
            "## Experience",
            "- Maintenance Worker - Machinery, Machinery Inc.",
            "     Rugby ND, January 2015 - March 2017",
            "- Log Grader, Timber Tech Solutions",
            "     Myrtle Beach SC, April 2010 - May 2015",
            "Warehouse Lead",
            "Haifa, Israel 2008 - 2010",
            "Sales Associate GA 2006 - 2008",
            "IT Support, UK 2004 - 2006",
        ]
    )
    positions = extract_profile(text, today=TODAY).positions
    assert [(p.title, p.start) for p in positions] == [
        ("Maintenance Worker", "2015-01"),
        ("Log Grader", "2010-04"),
        ("Warehouse Lead", "2008"),
        ("Sales Associate GA", "2006"),
        ("IT Support", "2004"),
    ]


def _titles_and_employers(lines: list[str]) -> list[tuple[str, str]]:
    return [(p.title, p.company) for p in extract_profile("\n".join(lines), today=TODAY).positions]


def test_a_titles_own_dashes_and_commas_stay_in_the_title():
    """Rounds twenty-four and twenty-six: O*NET's titles reach resumes with their commas, or
    dashes for them ("Textile - apparel - and furnishings workers"), and ranks before their field
    ("Director - Quality Engineering"); the split between title and employer kept only the first
    word. An employer after a rank keeps its split, and a list after commas is the title only
    when its last item names a job. O*NET's qualifier ("- except naval") is no part of the title
    (session 25), nor an employer."""
    lines = [
        "Experience",
        "Director - Quality Engineering, Northwind Labs (2018 - 2022)",
        "Shipping - Receiving - and Inventory Clerk (2015 - 2018)",
        "Architect - except naval (2012 - 2015)",
        "Manager - Acme Inc (2010 - 2012)",
        "Educator - Center for the Highly Gifted (2008 - 2010)",
        "Sales Associate - Walmart (2006 - 2008)",
        "Nursing Assistants, Orderlies, and Psychiatric Aides (2004 - 2006)",
        "Sales Associate, Target, and Walmart (2002 - 2004)",
    ]
    assert _titles_and_employers(lines) == [
        ("Director - Quality Engineering", "Northwind Labs"),
        ("Shipping - Receiving - and Inventory Clerk", ""),
        ("Architect", ""),
        ("Manager", "Acme Inc"),
        ("Educator", "Center for the Highly Gifted"),
        ("Sales Associate", "Walmart"),
        ("Nursing Assistants, Orderlies, and Psychiatric Aides", ""),
        ("Sales Associate", "Target"),
    ]


def test_an_occupations_qualifier_is_neither_title_nor_employer():
    """Session 25: O*NET's "all other" and "except ..." reach resumes after a dash or a comma; read
    as the employer or as title words, they matched the jobs the qualifier leaves out."""
    lines = [
        "Experience",
        "Engineers - all other, Acme Corp (2016 - 2021)",
        "Pump operators - except wellhead pumpers (2011 - 2016)",
        "Interviewers, Except Eligibility and Loan - Northwind Inc (2009 - 2011)",
        "Textile - apparel - and furnishings workers - all other (2006 - 2008)",
        "Secretaries - except legal - medical - and executive, Globex (2004 - 2006)",
    ]
    assert _titles_and_employers(lines) == [
        ("Engineers", "Acme Corp"),
        ("Pump operators", ""),
        ("Interviewers", "Northwind Inc"),
        ("Textile - apparel - and furnishings workers", ""),
        ("Secretaries", "Globex"),
    ]


def test_a_list_of_tools_beside_the_dates_takes_the_title_from_the_line_above():
    """Session 25: a layout (the Vanetik & Kogan set's CV 36) writes each job's tools after its
    dates, the title a line above; the first tool was read as the job. The line above is the
    title only when it names a job in a few words: a duty there leaves the list as it is read."""
    lines = [
        "Experience",
        "Globex (Berlin)",
        "Software Engineer",
        "December 2019 - present - Java, TypeScript, Spring Boot, Docker",
        "Initech (Austin) Built the billing system and its reports for the finance team",
        "June 2016 - November 2019 - Python, Django, Celery",
        "",
        "Line Cook",
        "2014 - 2016 - grill, fryer, prep",
    ]
    assert _titles_and_employers(lines) == [
        ("Software Engineer", ""),
        ("Python", "Django"),
        ("Line Cook", ""),
    ]


def test_a_forms_own_date_fields_are_read_and_name_no_job():
    """Round twenty-two: forms label their dates "From: ... To: ...", "Term :", "Time Period:"
    or "Years:", and put a range's length beside it; each of those was the job, or no range."""
    text = "\n".join(
        [
            "Experience",
            "Position: Data Engineer",
            "Company: Acme Analytics",
            "From: 01/2019 To: 03/2022",
            "",
            "Title : Lead ETL Tester",
            "Term : 2017 - 2019",
            "",
            "**Role:** Android Developer",
            "**Time Period:** (2015 - 2017)",
            "",
            "Job title: Codec Engineer",
            "Job duration: 2013 - 2015",
            "",
            "Position: SAP CRM Developer",
            "2011 - 2013 (2 years)",
            "",
            "Role: Help Desk Analyst",
            "Experience: 2009 - 2011",
        ]
    )
    positions = extract_profile(text, today=TODAY).positions
    assert [(p.title, p.start, p.end) for p in positions] == [
        ("Data Engineer", "2019-01", "2022-03"),
        ("Lead ETL Tester", "2017", "2019"),
        ("Android Developer", "2015", "2017"),
        ("Codec Engineer", "2013", "2015"),
        ("SAP CRM Developer", "2011", "2013"),
        ("Help Desk Analyst", "2009", "2011"),
    ]


def test_a_job_written_as_a_sentence_is_the_job_not_the_sentence():
    """Some resumes write each job as a sentence; the title component then compared the role
    with "Worked as a MSTR Administrator from . The primary ..." (round sixteen)."""
    text = "\n".join(
        [
            "Experience",
            "Worked as a MSTR Administrator from 2015-2017. The primary duties were upkeep.",
            "Gained experience as an Insulation Worker for floor work from 2012 to 2015.",
            "Operations Manager, serving as liaison to the board, 2009 - 2012",
            "Worked as a .Net Developer with PostgreSQL from 2005 - 2009.",
        ]
    )
    titles = [p.title for p in extract_profile(text, today=TODAY).positions]
    assert titles == [
        "MSTR Administrator",
        "Insulation Worker",
        "Operations Manager",
        ".Net Developer",
    ]


def test_a_job_at_a_school_is_a_job_where_no_heading_says_so():
    """Without headings, any line naming a school was read as studies: a teacher's every job,
    and an engineer's whose projects included a school."""
    text = "\n".join(
        [
            "Morag Reid - Teacher",
            "",
            "2015 - 2023 Teacher of Mathematics, Hillside Secondary School. Led the Year 9 team.",
            "2012 - 2015 Structural Engineer, Calder & Moss. Frames for offices and a school.",
            "2008 - 2012 BSc Physics, University of Leeds",
            "2007 - 2008 Accredited in Medical Sales, Sales Institute",
        ]
    )
    profile = extract_profile(text, today=TODAY)
    assert [p.title for p in profile.positions] == ["Teacher of Mathematics", "Structural Engineer"]
    assert len(profile.education) == 2


def test_a_job_ending_this_year_counts_early_in_the_year():
    """A bare end year is read at mid-year; this year's, read in March, had put the end in the
    future and the whole job was dropped."""
    text = "Experience\n2019 - 2024 Payroll Clerk, Unity Healthcare\n"
    profile = extract_profile(text, today=date(2024, 3, 15))
    assert [p.title for p in profile.positions] == ["Payroll Clerk"]
    assert profile.years_experience.value == 4.8  # mid-2019 to March 2024: 57 months


@pytest.mark.parametrize(
    ("line", "place"),
    [
        ("Residence: Holon Languages: Hebrew, English, Russian", "Holon"),
        ("Tel: Email: City of Residence: Ashdod Date of birth:", "Ashdod"),
        ("Phone: Email: Residence: Ramat Gan Birthday:", "Ramat Gan"),
        ("Location: Tel Aviv-Yafo, Israel", "Tel Aviv-Yafo, Israel"),
        ("Location Hunters: - a tool for finding rentals", None),  # a project's name
        ("Location manager", None),  # a job
        ("City , State , US Associates : Society of Clinical Research", None),  # a template
        ("location: haifa", "haifa"),
    ],
)
def test_a_place_ends_where_the_next_field_of_its_line_begins(line: str, place: str | None):
    text = _resume("Summary", "Frontend developer", line, "Experience")
    assert extract_profile(text, today=TODAY).location.value == place


ONE_JOB = "Experience\nData Analyst, Northwind Traders, March 2019 - Present\nBuilt reports.\n"


def test_present_means_the_day_the_file_was_saved_when_no_date_in_the_text_is_later():
    later = date(2026, 12, 6)
    saved = extract_profile(ONE_JOB, today=later, written=date(2021, 8, 8))
    assert saved.years_experience.value == 2.5  # March 2019 to August 2021, both in: 30 months
    assert saved.positions[0].months == 30
    assert saved.positions[0].end == "present"
    assert saved.present_as_of == "2021-08-08"
    unsaved = extract_profile(ONE_JOB, today=later)
    assert unsaved.years_experience.value == 7.8  # to December 2026: 94 months
    assert unsaved.present_as_of == ""


@pytest.mark.parametrize(
    "text",
    [
        # A date after the stamp: the stamp is a template's, not the day it was written.
        ONE_JOB + "Certified Analyst, 2022\nVolunteer, 2015 - 2023\n",
        # A bare year in the stamp's own year may lie after it: "2021" is read at mid-year.
        "Experience\nData Analyst, Northwind Traders, 2021 - Present\nBuilt reports.\n",
    ],
)
def test_a_file_date_the_text_contradicts_leaves_present_as_today(text: str):
    later = date(2026, 12, 6)
    stamped = extract_profile(text, today=later, written=date(2021, 5, 1))
    assert stamped.to_dict() == extract_profile(text, today=later).to_dict()


def test_a_file_date_after_today_is_not_read():
    assert extract_profile(ONE_JOB, today=TODAY, written=date(2030, 1, 1)).to_dict() == (
        extract_profile(ONE_JOB, today=TODAY).to_dict()
    )


def test_a_templates_employer_and_place_beside_a_title_below_its_dates_are_left_out():
    """The comma in "City , State" split "State Health Systems Analyst" off as the job."""
    text = "\n".join(
        [
            "Experience",
            "January 2017 to May 2017",
            "Company Name City , State Health Systems Analyst",
            "",
            "Configured and troubleshot claims in real time.",
        ]
    )
    titles = [p.title for p in extract_profile(text, today=TODAY).positions]
    assert titles == ["Health Systems Analyst"]


def test_a_templates_place_before_its_employer_is_no_title():
    """Round fifty-two: "City , State Company Name / Apr 2017 to Current" read as the job
    "City" (the title is the line above), and so did "City , State" before a title."""
    text = _resume(
        "Experience",
        "Freelance UX/UI Interaction Designer",
        "City , State Company Name / Apr 2017 to Current",
        "LegalChat App Design",
        "",
        "Architectural Designer",
        "City , State Company Name / Aug 2015 to Apr 2017",
        "Architectural design specializing in educational projects",
        "",
        "City , State Construction Manager III 07/2014 to 07/2015",
        "Ran three mid-rise sites.",
        "Company Name Family Advocate // City , State // May 2004 to July 2007",
    )
    assert [p.title for p in extract_profile(text, today=TODAY).positions] == [
        "Freelance UX/UI Interaction Designer",
        "Architectural Designer",
        "Construction Manager III",
        "Family Advocate",
    ]


def test_duties_run_on_after_a_title_are_left_out_of_it():
    """A column layout puts the first duty on the title's line; a form puts it after a colon."""
    text = "\n".join(
        [
            "Professional Experience",
            "May 2015",
            "to",
            "November 2019",
            "Company Name City , State Sushi Chef In charge of the sushi bar, stock and rotas.",
            "- Line Cook (2012 - 2015): Prepared the grill and fry stations for service.",
        ]
    )
    titles = [p.title for p in extract_profile(text, today=TODAY).positions]
    assert titles == ["Sushi Chef", "Line Cook"]


@pytest.mark.parametrize(
    ("line", "years"),
    [
        ("Developer, Acme: 2019 - present", 4.8),  # mid-2019 to March 2024: 57 months
        ("Developer, Acme: 03/2017 to 11/2020", 3.8),  # 45 months, both ends counted
        ("Developer, Acme: Jan 2015 \u2013 Mar 2018", 3.2),  # 39 months
        ("Developer, Acme: 2016-04 - 2018-03", 2.0),
        ("Developer, Acme: March '19 - Feb '21", 2.0),
        ("Developer, Acme: September 2020 until now", 3.6),
        ("Developer, Acme: since 2022", 1.8),  # mid-2022 to March 2024: 21 months
        ("Developer, Acme: 2017 - 2019", 2.0),
    ],
)
def test_it_understands_the_usual_ways_of_writing_a_date_range(line, years):
    profile = extract_profile(_resume("Experience", line), today=TODAY)
    assert profile.years_experience.value == years


@pytest.mark.parametrize(
    "dates",
    [
        ["October 2011", "to", "August 2015"],  # a PDF column, one piece a line
        ["October 2011 to", "August 2015"],
        ["October 2011 -", "August 2015"],
        ["October 2011", "- August 2015"],
    ],
)
def test_a_date_range_split_over_lines_counts(dates):
    text = _resume(
        "Experience",
        *dates,
        "Company Name City , State Line Cook",
        "Prepped vegetables and sauces for a 120-seat dining room.",
    )
    profile = extract_profile(text, today=TODAY)
    assert profile.years_experience.value == round(47 / 12, 1)  # Oct 2011 to Aug 2015
    assert [(p.title, p.start, p.end) for p in profile.positions] == [
        ("Line Cook", "2011-10", "2015-08")
    ]


def test_a_split_range_running_to_now_takes_the_title_past_a_blank_line():
    text = _resume(
        "Work History",
        "Kept the walk-in stocked and rotated.",
        "",
        "January 2021",
        "to",
        "Current",
        "Company Name City , State",
        "",
        "Kitchen Manager",
        "Ran a line of six cooks.",
    )
    profile = extract_profile(text, today=TODAY)
    assert profile.years_experience.value == round(38 / 12, 1)  # Jan 2021 to March 2024
    assert [p.title for p in profile.positions] == ["Kitchen Manager"]


@pytest.mark.parametrize(
    "lines",
    [
        # Renewals of a certificate, one date a line: no connector, no range.
        ["Certifications", "Food Handler Card", "June 2015", "June 2014", "May 2011"],
        # A date line followed by an unrelated one.
        ["Education", "May 2016", "2019 Baldwin Culinary School"],
        # Prose wrapped after "to": "current" runs on into the sentence.
        ["Experience", "Rewrote the recipes in 2015 to", "current allergen standards."],
    ],
)
def test_dates_on_neighbouring_lines_without_a_connector_are_no_range(lines):
    profile = extract_profile(_resume(*lines), today=TODAY)
    assert profile.positions == []
    assert profile.years_experience.value is None


def test_jobs_given_as_a_length_without_dates_count():
    text = _resume(
        "Work Experience",
        "Prep Cook (9 month)",
        "Harbour Grill - Haifa",
        "Washed, peeled and portioned produce for the line.",
        "Line Cook (2 years 3 months)",
        "Olive Bistro - Haifa",
        "- Commis Chef (1 yr)",
    )
    profile = extract_profile(text, today=TODAY)
    assert profile.years_experience.value == round((9 + 27 + 12) / 12, 1)
    assert [(p.title, p.months, p.start) for p in profile.positions] == [
        ("Prep Cook", 9, ""),
        ("Line Cook", 27, ""),
        ("Commis Chef", 12, ""),
    ]


@pytest.mark.parametrize(
    "lines",
    [
        # LinkedIn writes the length after the range: the range counts, once.
        ["Experience", "Line Cook", "Olive Bistro", "March 2020 - May 2022 (2 years 3 months)"],
        ["Experience", "Line Cook (2 years 3 months)", "March 2020 - May 2022", "Olive Bistro"],
    ],
)
def test_a_length_beside_a_date_range_is_not_counted_again(lines):
    profile = extract_profile(_resume(*lines), today=TODAY)
    assert profile.years_experience.value == round(27 / 12, 1)
    assert [p.start for p in profile.positions] == ["2020-03"]


def test_a_skill_with_its_years_in_brackets_is_no_job():
    text = _resume("Skills", "Knife Skills (4 years)", "Microsoft Office (6 years)")
    profile = extract_profile(text, today=TODAY)
    assert profile.positions == []
    assert profile.years_experience.value is None


def test_overlapping_jobs_are_counted_once():
    text = _resume(
        "Experience",
        "Lead Engineer, Alpha Corp, 01/2015 - 12/2019",
        "Consultant, Beta LLC (part time), 06/2018 - 05/2021",
        "Engineer, Gamma Inc, 06/2022 - 05/2023",
    )
    profile = extract_profile(text, today=TODAY)
    # 2015-01..2021-05 is 77 months; 2022-06..2023-05 is 12 more.
    assert profile.years_experience.value == round(89 / 12, 1)


def test_a_job_written_between_two_dates_is_a_job_and_two_years_are_not():
    text = _resume(
        "Experience",
        "* Worked as a Survey Researcher between 2013 and 2016",
        "* Between March 2012 and June 2013 I worked as a Line Cook at Bistro 9.",
        "Awards in 2015 and 2018",
    )
    positions = extract_profile(text, today=TODAY).positions
    assert [(p.title, p.start, p.end) for p in positions] == [
        ("Survey Researcher", "2013", "2016"),
        ("Line Cook", "2012-03", "2013-06"),
    ]


def test_dates_on_education_lines_do_not_count_as_experience():
    text = _resume(
        "Backend developer, Foo Ltd, 2020 - 2022",
        "B.Sc. Computer Science, Tel Aviv University, 2012 - 2016",
        "Java course, Tel-Ran academy, 2019 - 2019",
    )
    profile = extract_profile(text, today=TODAY)
    assert profile.years_experience.value == 2.0


def test_memberships_volunteering_and_awards_outside_work_are_not_jobs():
    text = _resume(
        "Experience",
        "Pastry Cook, Lune Bakery, 03/2018 - 02/2022",
        "Volunteer Coordinator, Food Bank of the Valley, 03/2022 - 02/2023",
        "Interests",
        "Member, Guild of Bread Bakers, 2005 - 2022",
        "Volunteer, Riverside Soup Kitchen, 2010 - 2015",
        "Best Apprentice Award 2016-2017",
        "MS Office 2010-2016 (Word, Excel)",
        "Navy cook, U.S. Navy, 2012 - 2016 Awards",
    )
    profile = extract_profile(text, today=TODAY)
    # 2018-03..2023-02 is five years; the navy (mid-2012 to mid-2016) four more. The volunteer
    # job listed under Experience is the writer's own choice of job and counts.
    assert profile.years_experience.value == 9.0
    assert [p.title for p in profile.positions] == [
        "Pastry Cook",
        "Volunteer Coordinator",
        "Navy cook",
    ]


def test_it_falls_back_to_a_stated_number_of_years_with_low_confidence():
    profile = extract_profile("Summary\nJava developer with 6+ years of experience.", today=TODAY)
    assert profile.years_experience.value == 6
    assert profile.years_experience.confidence <= 0.5


def test_an_age_is_not_years_of_experience():
    profile = extract_profile("Tel-Aviv, Israel Age: 28 years old\nWORK EXPERIENCE", today=TODAY)
    assert profile.years_experience.value is None


def test_it_reads_education_with_degree_field_and_institution(matcher):
    profile = extract_profile(docs.RESUME_TEXT, matcher, today=TODAY)
    assert len(profile.education) == 1
    entry = profile.education[0]
    assert entry.degree == "M.Sc."
    assert entry.field == "Computer Science"
    assert entry.institution == "Technical University of Munich"
    assert (entry.start, entry.end) == ("2012", "2014")
    assert entry.confidence >= 0.9


def test_a_master_of_a_trade_holds_no_master_s_degree():
    # A livecareer chef's education section, as the PDF reader gives it.
    text = (
        "Education\n"
        "Baltimore Culinary College City , State\n"
        ", teacher was Richard Rosendale C.M.C Certified Master Chef prep class : 2014\n"
        "Master of Science in Food Science, Ohio State University 2016\n"
    )
    education = extract_profile(text, today=TODAY).education
    assert [(e.degree, e.institution) for e in education] == [
        ("", "Baltimore Culinary College"),
        ("Master", "Ohio State University"),
    ]


def test_it_reads_languages_with_their_levels(matcher):
    profile = extract_profile(docs.RESUME_TEXT, matcher, today=TODAY)
    assert [(lang.language, lang.level) for lang in profile.languages] == [
        ("German", "native"),
        ("English", "fluent"),
    ]


def test_programming_languages_are_not_spoken_languages():
    text = _resume("Programming languages: Java, Python", "Languages: English, Hebrew (B2)")
    profile = extract_profile(text, today=TODAY)
    assert [(lang.language, lang.level) for lang in profile.languages] == [
        ("English", ""),
        ("Hebrew", "B2"),
    ]


@pytest.mark.parametrize(
    ("line", "phone"),
    [
        ("Mobile: +1 (415) 555-0134", "+1 (415) 555-0134"),
        ("Tel. +44 20 7946 0958", "+44 20 7946 0958"),
        ("Cell: +972-54-123-4567", "+972-54-123-4567"),
        ("Phone (415) 555-0134", "(415) 555-0134"),
        ("0049 30 12345678", "0049 30 12345678"),
        ("+33 6 12 34 56 78 | jean@example.fr", "+33 6 12 34 56 78"),
    ],
)
def test_it_reads_phone_numbers_in_international_formats(line, phone):
    assert extract_profile(_resume("Jean Martin", line), today=TODAY).phone.value == phone


def test_date_ranges_are_not_phone_numbers():
    text = _resume("Experience", "Developer 03/2017 - 11/2020", "Analyst 2012 - 2016")
    assert extract_profile(text, today=TODAY).phone.value is None


def test_it_reads_a_labelled_name_and_title_cases_a_shouted_one():
    assert extract_profile("Name: John Smith\nJava developer", today=TODAY).name.value == (
        "John Smith"
    )
    shouted = extract_profile("MARIA KELLER\nDATA ENGINEER\n", today=TODAY)
    assert shouted.name.value == "Maria Keller"


def test_a_job_title_or_heading_is_not_taken_for_a_name():
    profile = extract_profile("Senior Java Developer\nWork Experience\nSkills", today=TODAY)
    assert profile.name.value is None
    assert profile.name.confidence == 0


def test_a_skill_listed_under_a_heading_is_not_taken_for_a_name():
    # The shape of many real resumes with no name at the top (livecareer): a title, a summary,
    # then a column of skills in capitalised words.
    text = _resume(
        "ACCOUNTANT",
        "Summary",
        "Detail-oriented accountant with ten years in manufacturing.",
        "Highlights",
        "Budget Administration",
        "Highly Analytical",
    )
    assert extract_profile(text, today=TODAY).name.value is None
    # Under a contact heading a name is still a name.
    contact = extract_profile(_resume("Contact", "Grace Hopper", "Accountant"), today=TODAY)
    assert contact.name.value == "Grace Hopper"


def test_a_line_of_tools_is_no_name_but_a_name_beside_a_credential_is(matcher):
    # A two-column CV puts its tools above the person; nurses, accountants and pharmacists
    # write their credentials after their name, and a first name can be a language's.
    tools = "TOOLS & TECH\nPython SQL\nDocker\n\nLISA POLOTCKAIA\nDATA ANALYST\n"
    assert extract_profile(tools, matcher, today=TODAY).name.value == "Lisa Polotckaia"
    credentials = SkillMatcher([(1, "Registered Nurse License", ["RN"]), (2, "CPA", [])])
    for text, name in [
        ("Keisha Brown, RN\nEmergency Department Registered Nurse\n", "Keisha Brown"),
        ("Robert Lindqvist, CPA\nSenior Accountant\n", "Robert Lindqvist"),
    ]:
        assert extract_profile(text, credentials, today=TODAY).name.value == name
    languages = SkillMatcher([(1, "Julia", []), (2, "Ruby", [])])
    julia = extract_profile("Julia Roberts\nData Scientist\n", languages, today=TODAY)
    assert julia.name.value == "Julia Roberts"
    # Headlines of livecareer PDFs whose one skill is not their first word.
    headings = SkillMatcher([(1, "Administrative Support", []), (2, "Hydraulics", [])])
    for heading in ("Centralized Administrative Support", "Aircraft Hydraulics Journyman"):
        text = f"{heading}\nSummary\nTwelve years on the job.\n"
        assert extract_profile(text, headings, today=TODAY).name.value is None


@pytest.mark.parametrize(
    "headline", ["Construction Worker", "Food Server", "Pest Control Tech", "Customer Service Rep"]
)
def test_a_trade_or_service_headline_is_a_title_not_a_name(headline):
    # Trades and service jobs name the job-holder with words the office-centred vocabulary
    # lacked, so such a headline was shown as the candidate's name and no title was read.
    text = _resume(headline, "Summary", "Hard-working and punctual.")
    profile = extract_profile(text, today=TODAY)
    assert profile.name.value is None
    assert profile.title.value == headline


def test_it_tells_github_and_portfolio_links_apart():
    text = "Links: github.com/okafor-dev, https://okafor.dev/projects and mailto:x@example.com"
    links = extract_profile(text, today=TODAY).links
    assert [(link.kind, link.url) for link in links] == [
        ("github", "github.com/okafor-dev"),
        ("portfolio", "https://okafor.dev/projects"),
    ]


def test_an_empty_text_gives_an_empty_profile_with_zero_confidence():
    profile = extract_profile("", today=TODAY)
    data = profile.to_dict()
    assert all(data[f]["value"] is None and data[f]["confidence"] == 0 for f in ("name", "email"))
    assert data["skills"] == []
    assert data["positions"] == []


def test_the_profile_serialises_to_json(matcher):
    data = extract_profile(docs.RESUME_TEXT, matcher, today=TODAY).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert 0 <= data["email"]["confidence"] <= 1
