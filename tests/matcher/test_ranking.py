"""How the pipeline reads job titles from a resume for the title and level components."""

from __future__ import annotations

import pytest

from candidates.parsing.profile import extract_profile
from matcher import ranking, scoring
from matcher.blind import Identity, mask_identity
from matcher.evaluation.taxonomy import file_skill_matcher
from roles import job_description


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
        # Found on real resumes (a recruiter's tour): headings, a template's "Company Name",
        # dates and contact labels were read as job titles and scored.
        ("Summary", None),
        ("Professional Summary", None),
        ("Work History:", None),
        ("Career Focus", None),
        ("Phone: Email", None),
        ("Company Name - City , State", None),
        ("Accountant II Company Name City", "Accountant II"),
        ("Company Name Housekeeper", "Housekeeper"),
        ("January 17th )", None),
        ("May 2010 - Present", None),
        ("Career Advisor", "Career Advisor"),
        ("Contact Center Agent", "Contact Center Agent"),
        # An employer where the layout puts a title (Vanetik & Kogan's CVs).
        ("Inetex Ltd", None),
        ("Raiffeisen Bank Russia", None),
        ("Bank Teller", "Bank Teller"),
    ],
)
def test_a_title_is_cleaned_of_contacts_and_lines_that_are_not_titles(raw, title):
    assert ranking.clean_title(raw) == title


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("1) Java developer", "Java developer"),
        ("2. Sales Associate", "Sales Associate"),
        ("* Financial Specialist", "Financial Specialist"),
        ("\u2022 Lead MDM Consultant", "Lead MDM Consultant"),
        ("- [ ] Payroll Clerk", "Payroll Clerk"),
        ("*Line Cook *", "Line Cook"),
        # A number that belongs to the title stays.
        ("1st Line Support Analyst", "1st Line Support Analyst"),
        ("#1 Sales Rep in the region", "#1 Sales Rep in the region"),
    ],
)
def test_a_lists_number_or_bullet_is_no_part_of_the_title(raw, title):
    assert ranking.clean_title(raw) == title


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        # The label of a form's field is no title, masked value or not.
        ("Name: [name]", None),
        ("Name: Riko Tanaka", None),
        ("**Full Name:** Riko Tanaka", None),
        ("Name - [name]", None),
        ("E-mail: [email]", None),
        ("Duration: 2013 - 2017", None),
        ("Career Objective: to grow with a forward-looking firm", None),
        # A title's own label gives way to its value.
        ("Role: Big Data Developer", "Big Data Developer"),
        ("Job Title: Analytics Architect", "Analytics Architect"),
    ],
)
def test_a_forms_labels_are_read_past_or_refused(raw, title):
    assert ranking.clean_title(raw) == title


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        # The QA tour's: the end of one duty and the start of the next read as a title.
        ("operating system. Additional Programming Defense Industry Programmed for", None),
        ("Pastry Cook. Baked bread for two hotel kitchens", "Pastry Cook"),
        ("Senior Accountant.", "Senior Accountant"),
        ("media while working closely with the venue team", None),
        ("Willing to relocate closer to the office.", None),
        # A line that opens on its duties (a tour's livecareer PDF), not a duty's own job.
        ("Duties included construction activities including framing", None),
        ("Responsibilities: scheduling and payroll", None),
        ("Duty Manager", "Duty Manager"),
        # An abbreviation's full stop, or a lower-case start on a title, is no sentence.
        ("Sr. Accountant", "Sr. Accountant"),
        ("Admin. Assistant", "Admin. Assistant"),
        ("U.S. Army Sergeant", "U.S. Army Sergeant"),
        ("iOS Developer", "iOS Developer"),
        ("kitchen porter", "kitchen porter"),
        ("U.S. Navy", "U.S. Navy"),
    ],
)
def test_a_sentence_is_no_title_but_the_title_before_its_full_stop_is(raw, title):
    assert ranking.clean_title(raw) == title


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Sushi Chef In charge of daily operation in the sushi bar", "Sushi Chef"),
        ("Inside Sales Representative : Making sales calls", "Inside Sales Representative"),
        ("Electrician Interpreted wiring diagrams for new builds", "Electrician"),
        ("Site Foreman responsible for two crews", "Site Foreman"),
        ("Senior Software Engineer with a focus on socket.io", "Senior Software Engineer"),
        ("Equipment Repairer for a substantial time span", "Equipment Repairer"),
        # "with" or "for" before no article names part of the job.
        ("Web Developer with Java and JS", "Web Developer with Java and JS"),
        # An adjective in the title, and a colon after no job, are left alone.
        ("Shift Manager - Chilled and Frozen", "Shift Manager - Chilled and Frozen"),
        ("Combat Engineer: Construction Foreman", "Combat Engineer"),
    ],
)
def test_a_title_is_cut_where_its_first_duty_starts(raw, title):
    assert ranking.clean_title(raw) == title


def test_the_tours_inside_sales_resume_is_titled_by_its_job_not_its_name_label():
    """Its only title was "Name", and the job's duties ran on after the real one."""
    text = "\n".join(
        [
            "## Personal Information",
            "Name: Riko Tanaka",
            "Email: [email]",
            "",
            "## Experience",
            "- Inside Sales Representative (2016 - 2021): Making sales calls and following up.",
            "- Helpdesk Support (2014 - 2016): Resolving client problems and writing user guides.",
        ]
    )
    _, titles = ranking.profile_facts(text)
    assert titles == ["Inside Sales Representative", "Helpdesk Support"]


def test_a_form_like_resume_is_titled_by_its_role_not_its_name_label():
    text = "\n".join(
        [
            "## Personal Information",
            "Name: Riko Tanaka",
            "Email: riko.tanaka@example.com",
            "",
            "## Experience",
            "Role: Inside Sales Representative",
            "Company: Lakeside Office Supplies",
            "Dates: 2016 - 2021",
            "Responsibilities: outbound calls to schools and small offices.",
        ]
    )
    _, titles = ranking.profile_facts(text)
    assert titles == ["Inside Sales Representative"]


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


def test_a_resume_written_oldest_first_is_titled_and_levelled_by_its_latest_job():
    text = "\n".join(
        [
            "[name]",
            "",
            "Experience",
            "Line Cook, Harbour Grill (2012 - 2015)",
            "- Grill and sauté stations",
            "Sous Chef, Bistro Nord (2015 - 2019)",
            "- Ran the pass on weekends",
            "Head Chef, Maison Verte (2019 - present)",
            "- Menus, suppliers and a brigade of nine",
            "Volunteer Cook, Food Bank (weekends)",
        ]
    )
    _, titles = ranking.profile_facts(text)
    assert titles[:3] == ["Head Chef", "Sous Chef", "Line Cook"]
    # The level gap reads the first title: the latest job is the role's own level, where the
    # first job listed would have put the head chef a level below.
    assert scoring.level_gap("Head Chef", titles[0]) == 0
    assert scoring.level_gap("Head Chef", "Line Cook") == 1


AD = "\n".join(
    [
        "Field Service Technician",
        "",
        "Responsibilities",
        "- Equipment maintenance on customer sites",
        "",
        "Required skills",
        "1. Equipment Maintenance: keep the plant's pumps running.",
        "2. Python: scripts for the test rigs.",
        "3. Has spent at least four years servicing industrial pumps and compressors",
        "- Manual dexterity",
        "- At least 3 years of HR experience",
        "- Degree in finance or business",
        "",
        "Nice to have",
        "- Forklift licence",
    ]
)


def test_an_ads_listed_skills_the_taxonomy_does_not_know_join_the_profile():
    matcher = file_skill_matcher()
    listed = ranking.listed_skills(AD, matcher)
    # The duty line is no requirement, Python is the taxonomy's, the sentence is too long, and
    # years or alternatives are no skill a resume shows by using all the words.
    assert [(s.skill_id, s.name, s.weight, s.must_have) for s in listed] == [
        (-1, "Equipment Maintenance", ranking.LISTED_REQUIRED_WEIGHT, False),
        (-2, "Manual dexterity", ranking.LISTED_REQUIRED_WEIGHT, False),
        (-3, "Forklift licence", ranking.LISTED_OPTIONAL_WEIGHT, False),
    ]
    role = ranking.role_from_job_description(AD, matcher)
    assert {s.name for s in role.skills} >= {"Python", "Equipment Maintenance", "Forklift licence"}


def test_a_resume_has_a_listed_skill_when_it_uses_all_its_words_and_shows_the_line():
    matcher = file_skill_matcher()
    role = ranking.role_from_job_description(AD, matcher)
    common = (
        "\nWrote Python scripts for the test rigs and kept the service records of every site."
        "\nTrained two apprentices, ordered spare parts and wrote the monthly reports for the"
        " plant manager and the safety officer."
    )
    has, lacks = ranking.resume_features(
        [
            "Service Technician\nDid equipment maintenance on pumps for six years.\n"
            "Drove a forklift daily." + common,
            "Service Technician\nServiced pumps for six years." + common,
        ],
        matcher,
    )
    stats = ranking.pool_stats([has, lacks])
    found = {e.name: e for e in ranking.score_one(role, has, stats).evidence}
    missing = {e.name: e for e in ranking.score_one(role, lacks, stats).evidence}
    assert found["Equipment Maintenance"].status == scoring.FOUND
    assert (
        found["Equipment Maintenance"].line == "Did equipment maintenance on pumps for six years."
    )
    # "Forklift" alone is not "Forklift licence".
    assert found["Forklift licence"].status == scoring.MISSING
    assert missing["Equipment Maintenance"].status == scoring.MISSING
    assert (
        ranking.score_one(role, has, stats).components["skills"]
        > ranking.score_one(role, lacks, stats).components["skills"]
    )


def test_a_listed_skill_is_named_on_one_line_or_a_wrapped_pair_never_by_scattered_words():
    lines = [
        "Managed payroll for 40 staff",
        "Document processing and filing",
        "Led monthly payroll",
        "processing and reconciliations",
        "Payroll processing in ADP",
    ]
    where = ranking.word_lines(lines)
    # A line with every word wins over an earlier wrapped pair.
    assert ranking.listed_span(("payroll", "processing"), where) == (4, 4)
    assert ranking.listed_span(("monthly", "reconciliations"), where) == (2, 3)
    assert ranking.listed_span(("staff", "filing"), where) == (0, 1)
    assert ranking.listed_span(("staff", "adp"), where) is None
    assert ranking.listed_span(("payroll", "kubernetes"), where) is None
    assert ranking.listed_span((), where) is None


def test_scattered_words_do_not_make_a_listed_skill_found_and_a_wrapped_one_quotes_both_lines():
    """The drawer quotes the evidence: it must name the skill, not one of its words."""
    matcher = file_skill_matcher()
    role = ranking.role_from_job_description(
        "Warehouse Lead\n\nRequirements\n- Yard scheduling\n", matcher
    )
    about = (
        "\nKept the loading bays tidy and safe, trained new starters on the dock and"
        " wrote the shift reports for the site manager every single working day of the year."
    )
    scattered, wrapped = ranking.resume_features(
        [
            "Dock Hand\nCleared the yard daily.\nUnloaded trucks.\nHelped with staff scheduling."
            + about,
            "Dock Hand\nPlanned the yard\nscheduling for 30 docks." + about,
        ],
        matcher,
    )
    stats = ranking.pool_stats([scattered, wrapped])
    lost = {e.name: e for e in ranking.score_one(role, scattered, stats).evidence}
    named = {e.name: e for e in ranking.score_one(role, wrapped, stats).evidence}
    assert lost["Yard scheduling"].status == scoring.MISSING
    assert named["Yard scheduling"].status == scoring.FOUND
    assert named["Yard scheduling"].line == "Planned the yard scheduling for 30 docks."
    assert named["Yard scheduling"].line_no == 2


@pytest.mark.parametrize(
    ("item", "skill"),
    [
        ("Advanced knowledge of Soil Chemistry", "Soil Chemistry"),
        ("Hands-on experience with system testing", "System testing"),
        ("Proficient in iOS development", "iOS development"),
        ("Coordination abilities", "Coordination"),
        ("Ability to read blueprints", "Read blueprints"),
        ("Manual dexterity", "Manual dexterity"),
        ("Strong persuasiveness", "Persuasiveness"),
        ("Excellent level of computer proficiency", "Computer proficiency"),
        # Praise that is no stop word made a resume naming the skill miss it.
        ("Proven work experience in JSP", "JSP"),
        ("High-Level Clinical Skills", "Clinical Skills"),
        ("Applied Knowledge in Genetics", "Genetics"),
        ("Solid document image management", "Document image management"),
        ("Competent abilities in proposing copies", "Proposing copies"),
        ("Using Business Objects", "Business Objects"),
        ("Must have Cisco routing experience", "Cisco routing"),
        ("Various storage systems", "Storage systems"),
        ("Proficiency in using Visio", "Visio"),
        ("Knowledge of the automotive industry", "Automotive industry"),
        ("Customer service and expertise", "Customer service"),
        # A level that begins the skill's own name, or a command that is half of it, stays.
        ("Basic Life Support", "Basic Life Support"),
        ("Applied Mathematics", "Applied Mathematics"),
        ("User experience", "User experience"),
        ("Basic to advanced computer knowledge", "Basic to advanced computer knowledge"),
        ("Strong", "Strong"),  # all praise: nothing else to name
    ],
)
def test_a_listed_item_is_read_for_the_skill_it_names_not_the_command_it_asks(item, skill):
    assert job_description.skill_of_item(item) == skill


def test_a_resume_naming_the_skill_has_it_though_it_never_praises_its_own_command():
    matcher = file_skill_matcher()
    ad = "Soil Scientist\n\nRequirements\n- Advanced knowledge of soil chemistry\n"
    role = ranking.role_from_job_description(ad, matcher)
    filler = (
        "\nSampled fields across three counties and wrote the growers' reports."
        "\nTrained two technicians and kept the laboratory's records."
        "\nAdvised the county's farmers on drainage, liming and crop rotation each spring."
    )
    has, lacks = ranking.resume_features(
        [
            "Soil Scientist\nSoil chemistry: nutrient and pH analysis of field samples." + filler,
            "Soil Scientist\nDrainage mapping: water tables, pH surveys of field samples." + filler,
        ],
        matcher,
    )
    stats = ranking.pool_stats([has, lacks])

    found = {e.name: e.status for e in ranking.score_one(role, has, stats).evidence}
    missing = {e.name: e.status for e in ranking.score_one(role, lacks, stats).evidence}

    assert found["Soil chemistry"] == scoring.FOUND
    assert missing["Soil chemistry"] == scoring.MISSING


def test_a_long_item_whose_skill_is_short_is_listed_by_its_skill():
    ad = (
        "Compliance Analyst\n\nRequired Skills\n"
        "- Knowledgeable about Patriot Act Regulations\n"
        "- In-depth understanding of Correspondent Banking Controls\n"
    )
    listed = ranking.listed_skills(ad, file_skill_matcher())

    assert [s.name for s in listed] == [
        "Patriot Act Regulations",
        "Correspondent Banking Controls",
    ]


def test_the_evaluation_reads_a_resumes_titles_as_the_product_does():
    # The name sits on the second line, where the headline is looked for: read from the raw text
    # and masked after, it became a title "[name]"; the product reads the masked text.
    text = "\n".join(
        [
            "RESUME",
            "Dana Whitlock",
            "",
            "Experience",
            "Planner/Scheduler, Harbour Works (2016 - present)",
            "- Weekly maintenance schedules for two plants",
        ]
    )
    features = ranking.resume_features([text], file_skill_matcher())[0]
    name = ranking._profile_facts(text)[2]
    product = ranking.profile_facts(mask_identity(text, Identity(name=name)))[1]
    assert features.titles == product
    assert not any("[" in title for title in features.titles)
    assert len(features.title_vectors) == len(features.titles)


def test_offline_runs_read_the_name_with_the_taxonomy_as_intake_does():
    # A two-column CV of Vanetik & Kogan's: without the taxonomy its line of tools read as the
    # name, and masking that "name" took Python and SQL out of the text the model read.
    text = (
        "TOOLS & TECH\nPython SQL\nMicrosoft Excel Tableau Apache Spark\n\n"
        "LISA POLOTCKAIA\nDATA ANALYST\nPROFILE\nData Analyst with Python and SQL proficiency.\n"
    )
    matcher = file_skill_matcher()
    name = ranking._profile_facts(text, matcher)[2]
    assert name == extract_profile(text, matcher).name.value == "Lisa Polotckaia"
    assert "with Python and SQL" in mask_identity(text, Identity(name=name))


def _career(latest: tuple[str, str], earlier: tuple[str, str]) -> str:
    (title, employer), (old_title, old_employer) = latest, earlier
    return "\n".join(
        [
            "[name]",
            "",
            "Experience",
            f"{title}, {employer} (2018 - present)",
            "- Day-to-day work of the job",
            f"{old_title}, {old_employer} (2009 - 2018)",
            "- Day-to-day work of the job",
        ]
    )


def test_a_matching_latest_job_counts_for_more_than_the_same_job_held_years_ago():
    """Scoring version 16: the best of the titles held reads the same whichever job came last;
    the latest title, read beside it, puts the candidate who does the job today above the one
    who did it a decade ago."""
    matcher = file_skill_matcher()
    role = ranking.role_from_job_description(
        "Staff Accountant\n\nReconcile accounts and prepare the monthly close.", matcher
    )
    today, decade_ago = ranking.resume_features(
        [
            _career(("Staff Accountant", "Harbour Works"), ("Truck Driver", "Dale Haulage")),
            _career(("Truck Driver", "Dale Haulage"), ("Staff Accountant", "Harbour Works")),
        ],
        matcher,
    )
    assert today.titles[:2] == decade_ago.titles[1::-1] == ["Staff Accountant", "Truck Driver"]
    stats = ranking.pool_stats([today, decade_ago])
    now, then = (ranking.score_one(role, r, stats) for r in (today, decade_ago))
    assert now.components["title_cosine"] == then.components["title_cosine"]
    assert now.components["title_latest_cosine"] == now.components["title_cosine"]
    assert then.components["title_latest_cosine"] < now.components["title_latest_cosine"] - 0.2
    points_now, points_then = (scoring.contributions(r.components) for r in (now, then))
    assert points_now["title"] > points_then["title"]
    assert now.score > then.score


def test_a_resume_claiming_ms_office_has_its_apps_and_the_ad_asks_only_what_it_names():
    """Round forty-seven: "Proficient in MS Office" shows Word, Excel and Outlook found on its
    own line; "Word, Excel, PowerPoint" shows Office found. An ad that asks for MS Office asks
    for the suite alone."""
    matcher = file_skill_matcher()
    role = ranking.role_from_job_description(
        "Office Administrator\n\nRequirements\n"
        "- Proficiency in Microsoft Word, Excel and Outlook is required\n"
        "- Experience with MS Office is required\n",
        matcher,
    )
    assert {s.name for s in role.skills if s.must_have} >= {
        "Microsoft Word",
        "Microsoft Excel",
        "Microsoft Outlook",
        "Microsoft Office",
    }
    suite_only = ranking.role_from_job_description(
        "Receptionist\n\nRequirements\n- Proficient in MS Office\n", matcher
    )
    assert [s.name for s in suite_only.skills] == ["Microsoft Office"]
    common = (
        "\nAnswered the phones of a busy front desk, kept the diaries of three directors,"
        " ordered supplies and welcomed visitors to the office every day for six years."
    )
    suite, apps, neither = ranking.resume_features(
        [
            "Receptionist\nProficient in MS Office and Salesforce" + common,
            "Receptionist\nSkills: Word, Excel, PowerPoint" + common,
            "Receptionist\nSkills: typing, filing" + common,
        ],
        matcher,
    )
    stats = ranking.pool_stats([suite, apps, neither])
    claims = {e.name: e for e in ranking.score_one(role, suite, stats).evidence}
    for app in ("Microsoft Word", "Microsoft Excel", "Microsoft Outlook"):
        assert claims[app].status == scoring.FOUND
        assert claims[app].line == "Proficient in MS Office and Salesforce"
    named = {e.name: e for e in ranking.score_one(role, apps, stats).evidence}
    assert named["Microsoft Office"].status == scoring.FOUND
    assert named["Microsoft Office"].line == "Skills: Word, Excel, PowerPoint"
    # PowerPoint is not asked; Outlook is, and naming other apps does not claim it.
    assert named["Microsoft Outlook"].status == scoring.MISSING
    nothing = {e.name: e for e in ranking.score_one(role, neither, stats).evidence}
    assert all(nothing[n].status == scoring.MISSING for n in claims)
