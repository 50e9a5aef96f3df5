"""The skill matcher on its own (pure) and through the database-backed `skill_matcher()`."""

from __future__ import annotations

import pytest

from roles.taxonomy import SkillHit, SkillMatcher, needs_exact_case

ENTRIES = [
    (1, "C", []),
    (2, "C++", ["cpp", "CPlusPlus"]),
    (3, "C#", ["csharp", "C Sharp"]),
    (4, ".NET", ["dotnet", ".NET Core"]),
    (5, "Node.js", ["nodejs", "Node"]),
    (6, "Kubernetes", ["k8s", "K8S"]),
    (7, "Go", ["golang"]),
    (8, "R", []),
    (9, "JavaScript", ["JS"]),
    (10, "Java", []),
    (11, "scikit-learn", ["sklearn"]),
    (12, "ASP.NET", []),
    (13, "Machine Learning", ["ML"]),
    (14, "React", ["React.js", "ReactJS"]),
    (15, "Microsoft Excel", ["Excel", "MS Excel"]),
    (16, "Apache Spark", ["Spark", "PySpark"]),
    (17, "SQL", []),
    (18, "Swift", []),
    (19, "Deep Learning", []),
    (20, "Solid", []),
    (21, "Epic", ["Epic EHR"]),
    (22, "Polish", []),
    (23, "Slack", []),
    (24, "Workday HCM", ["Workday"]),
    (25, "SAFe", ["Scaled Agile Framework"]),
    (26, "ADaM", []),
    (27, "LaTeX", []),
]


@pytest.fixture(scope="module")
def matcher() -> SkillMatcher:
    return SkillMatcher(ENTRIES)


def names(matcher: SkillMatcher, text: str) -> list[str]:
    return [hit.name for hit in matcher.find(text)]


def test_it_finds_punctuation_bearing_names(matcher: SkillMatcher) -> None:
    text = "Built services in C++, C# and F# on .NET 8, with Node.js front ends."
    assert names(matcher, text) == ["C++", "C#", ".NET", "Node.js"]


def test_c_sharp_and_c_plus_plus_are_not_c(matcher: SkillMatcher) -> None:
    assert "C" not in names(matcher, "Ten years of C# and C++.")
    assert names(matcher, "Embedded C/C++ on ARM") == ["C", "C++"]


def test_it_maps_aliases_to_the_canonical_skill(matcher: SkillMatcher) -> None:
    hits = matcher.find("Ran k8s clusters; models in sklearn; golang services")
    assert [(h.name, h.surface) for h in hits] == [
        ("Kubernetes", "k8s"),
        ("scikit-learn", "sklearn"),
        ("Go", "golang"),
    ]


def test_most_names_match_in_any_case(matcher: SkillMatcher) -> None:
    assert names(matcher, "KUBERNETES, javascript, Sql, NODE.JS") == [
        "Kubernetes",
        "JavaScript",
        "SQL",
        "Node.js",
    ]


def test_the_english_word_go_is_not_the_language(matcher: SkillMatcher) -> None:
    assert names(matcher, "Ready to go live; we go-to-market fast. Let's go!") == []
    assert names(matcher, "Go to the meeting.") == []
    assert names(matcher, "Backend services in Go and Python") == ["Go"]


def test_single_letters_match_only_as_written(matcher: SkillMatcher) -> None:
    assert names(matcher, "Statistics in R and SAS") == ["R"]
    assert names(matcher, "a r c letters in lower case") == []


def test_single_letters_inside_abbreviations_and_names_are_ignored(matcher: SkillMatcher) -> None:
    assert names(matcher, "Led R&D for C-suite clients, with John R. Smith at AT&T") == []
    assert names(matcher, "Class C licence; Vitamin C; Part C of the plan") == []
    assert names(matcher, "Hep C screening; issued the C of A for each lot") == []
    assert names(matcher, "Working knowledge of C") == ["C"]
    # The language after a word that names no series is still the language.
    assert names(matcher, "Written in C; statistics in R") == ["C", "R"]


def test_a_letter_in_a_list_counts_only_in_technical_company(matcher: SkillMatcher) -> None:
    technical = SkillMatcher(
        [(1, "C", []), (2, "R", []), (3, "C++", []), (4, "Copywriting", []), (5, "SPSS", [])],
        categories={
            1: "Programming Languages",
            2: "Programming Languages",
            3: "Programming Languages",
            4: "Marketing",
            5: "Programming Languages",
        },
    )
    assert names(technical, "Ads, C, content, Copywriting") == ["Copywriting"]
    assert names(technical, "Skills: C, C++") == ["C", "C++"]
    assert names(technical, "statistics (R, SPSS)") == ["R", "SPSS"]
    assert names(technical, "Languages: C, R") == ["C", "R"]
    # Two lines off is still company; a letter in a sentence needs none.
    assert names(technical, "budgets, C, cost analysis\n\nSPSS") == ["C", "SPSS"]
    assert names(technical, "Wrote firmware in C") == ["C"]
    # The same letters with one ampersand between them and a language beside it.
    assert names(technical, "R & D") == []
    assert names(technical, "C & C++") == ["C", "C++"]


def test_word_boundaries_are_respected(matcher: SkillMatcher) -> None:
    assert names(matcher, "JavaScript and Javanese") == ["JavaScript"]
    assert names(matcher, "Java-based tools") == ["Java"]
    assert names(matcher, "SQLAlchemy and NoSQL") == []
    assert names(matcher, "me@react.dev #golang") == []


def test_the_longest_overlapping_match_wins(matcher: SkillMatcher) -> None:
    assert names(matcher, "Apache Spark jobs") == ["Apache Spark"]
    assert names(matcher, "ASP.NET MVC apps") == ["ASP.NET"]
    assert names(matcher, "Moved from .NET Core to Java") == [".NET", "Java"]


def test_everyday_verbs_are_not_tools(matcher: SkillMatcher) -> None:
    text = "I react to incidents. Excel at planning. Solid experience in SQL."
    assert names(matcher, text) == ["SQL"]
    assert names(matcher, "React and Redux; Swift for iOS; Excel models") == [
        "React",
        "Swift",
        "Microsoft Excel",
    ]


def test_product_names_that_are_also_words_need_their_case_and_context(
    matcher: SkillMatcher,
) -> None:
    text = (
        "Polish the onboarding flow. Cut some slack for an epic launch on a long workday.\n"
        "Epic releases every quarter."
    )
    assert names(matcher, text) == []
    assert names(matcher, "Charting in Epic; rota in Workday; fluent Polish; Slack and Jira") == [
        "Epic",
        "Workday HCM",
        "Polish",
        "Slack",
    ]


def test_brands_told_from_words_only_by_their_capitals_need_them(matcher: SkillMatcher) -> None:
    text = "Adam Byrne, line cook. Serve Safe 2015. Latex-free gloves; safe food handling."
    assert names(matcher, text) == []
    assert names(matcher, "SAFe 5 practitioner; ADaM datasets; papers in LaTeX") == [
        "SAFe",
        "ADaM",
        "LaTeX",
    ]


def test_short_acronyms_need_their_case(matcher: SkillMatcher) -> None:
    assert names(matcher, "50 ml of water") == []
    assert names(matcher, "Applied ML and JS") == ["Machine Learning", "JavaScript"]


def test_hyphenated_names_also_match_with_a_space_or_run_together(matcher: SkillMatcher) -> None:
    assert names(matcher, "scikit learn, scikitlearn, Scikit-Learn") == ["scikit-learn"] * 3


def test_multiword_names_tolerate_tabs_and_non_breaking_spaces(matcher: SkillMatcher) -> None:
    assert names(matcher, "Deep\tLearning and Machine\u00a0Learning") == [
        "Deep Learning",
        "Machine Learning",
    ]


def test_hits_carry_offsets_and_the_line(matcher: SkillMatcher) -> None:
    text = "Jane Doe\nSkills: Python, k8s\n  Led ML research  \n"
    hits = matcher.find(text)
    assert hits == [
        SkillHit(6, "Kubernetes", "k8s", 25, 28, 2, "Skills: Python, k8s"),
        SkillHit(13, "Machine Learning", "ML", 35, 37, 3, "Led ML research"),
    ]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.surface


def test_offsets_stay_aligned_when_lowercasing_changes_length(matcher: SkillMatcher) -> None:
    text = "İstanbul office, Kubernetes"
    [hit] = matcher.find(text)
    assert text[hit.start : hit.end] == "Kubernetes"


def test_a_lowercase_alias_of_an_ambiguous_word_matches_its_capitalised_form() -> None:
    m = SkillMatcher([(1, "Golang", ["go"])])
    assert [h.surface for h in m.find("Go services; go home")] == ["Go"]


def test_a_canonical_name_beats_another_skills_alias() -> None:
    m = SkillMatcher([(1, "Amazon Web Services", ["Lambda"]), (2, "Lambda", [])])
    assert [h.name for h in m.find("Lambda functions")] == ["Lambda"]


def test_exact_case_is_needed_for_short_names_and_everyday_words() -> None:
    assert needs_exact_case("R")
    assert needs_exact_case("Go")
    assert needs_exact_case("swift")
    assert not needs_exact_case("C++")
    assert not needs_exact_case("Kubernetes")


def test_an_empty_matcher_and_empty_text_find_nothing(matcher: SkillMatcher) -> None:
    assert SkillMatcher([]).find("Python") == []
    assert matcher.find("") == []


def test_it_scales_to_a_large_taxonomy_and_a_long_resume() -> None:
    entries = [(i, f"Skill{i} Tool", [f"st{i}"]) for i in range(5000)]
    entries.append((9999, "Kubernetes", ["k8s"]))
    m = SkillMatcher(entries)
    text = ("Operated k8s and Skill42 Tool plus st4999 daily.\n" * 400).strip()
    hits = m.find(text)
    assert len(hits) == 1200
    assert {h.name for h in hits} == {"Kubernetes", "Skill42 Tool", "Skill4999 Tool"}
    assert hits[-1].line_no == 400


# --- Spoken languages ---------------------------------------------------------------------------

LANGUAGES = [
    (1, "English", ["English language", "fluent English", "native English", "business English"]),
    (2, "Spanish", ["Spanish language", "bilingual Spanish"]),
    (3, "French", ["French language", "français"]),
    (4, "Japanese", ["Japanese language", "日本語", "JLPT"]),
    (5, "Mandarin Chinese", ["Mandarin", "Chinese"]),
    (6, "Latin", ["Latin language"]),
    (7, "Polish", ["Polish language"]),
    (8, "Hebrew", ["Hebrew language"]),
    (9, "American Sign Language", ["ASL", "sign language"]),
    (10, "Java", []),
]
CATEGORIES = {skill_id: "Spoken Languages" for skill_id, _, _ in LANGUAGES}
CATEGORIES[10] = "Programming Languages"


@pytest.fixture(scope="module")
def languages() -> SkillMatcher:
    return SkillMatcher(LANGUAGES, categories=CATEGORIES)


@pytest.mark.parametrize(
    "text",
    [
        "Implemented Japanese payroll systems for the Tokyo office",
        "Managed French clients",
        "JAPANESE PAYROLL SYSTEMS",
        "Grew sales across Latin America and the Caribbean",
        "Sourced parts from Chinese suppliers",
        "Liaised with the Japanese Government",
        "Sous chef in a French restaurant",
        "Opened a Japanese-owned subsidiary",
        "Expanded into Polish retail",
        "Studied at Hebrew University",
    ],
)
def test_a_nationality_adjective_is_not_the_language(languages: SkillMatcher, text: str) -> None:
    assert names(languages, text) == []
    assert names(SkillMatcher(LANGUAGES), text), "without categories the name is found"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Fluent in Japanese", ["Japanese"]),
        ("Japanese (native)", ["Japanese"]),
        ("Japanese: conversational", ["Japanese"]),
        ("Languages: English, Japanese", ["English", "Japanese"]),
        ("Japanese and English", ["Japanese", "English"]),
        ("Spanish speaker", ["Spanish"]),
        ("Spanish-speaking", ["Spanish"]),
        ("bilingual English/Spanish customer service", ["English", "Spanish"]),
        ("Japanese language", ["Japanese"]),
        ("business-level Japanese", ["Japanese"]),
        ("Japanese business level", ["Japanese"]),
        ("JLPT N2", ["Japanese"]),
        ("Mandarin Chinese and Cantonese", ["Mandarin Chinese"]),
        ("Chinese Mandarin", ["Mandarin Chinese", "Mandarin Chinese"]),
        ("English teacher", ["English"]),
        ("English Literature", ["English"]),
        ("English as a Second Language tutor", ["English"]),
        ("Speak Spanish with patients", ["Spanish"]),
        ("Translated contracts from English into Spanish", ["English", "Spanish"]),
        ("Spanish B2, English 101, English II", ["Spanish", "English", "English"]),
        ("Latin\nPayroll and benefits", ["Latin"]),
        ("Fluent in Spanish Dependable and reliable", ["Spanish"]),
        ("Hebrew Created and edited 200 contracts", ["Hebrew"]),
        ("Bachelor of Arts : English University of Washington", ["English"]),
        ("Improved students' ASL receptive skills", ["American Sign Language"]),
    ],
)
def test_a_language_named_as_one_is_found(
    languages: SkillMatcher, text: str, found: list[str]
) -> None:
    assert names(languages, text) == found


def test_the_adjective_check_leaves_other_categories_alone(languages: SkillMatcher) -> None:
    assert names(languages, "Hired Java developers") == ["Java"]


def test_without_categories_every_language_name_is_found() -> None:
    assert names(SkillMatcher(LANGUAGES), "Managed French clients") == ["French"]


def test_a_two_letter_acronym_of_other_trades_needs_a_skill_of_its_kind_nearby() -> None:
    """Round twenty-five: "TS//SCI" is a clearance, "TI Nspire CX" a calculator, "BL 1, BC, BQ"
    a bank's report codes; among skills of their own kind they are TypeScript, Customer
    Experience and BigQuery."""
    matcher = SkillMatcher(
        [
            (1, "TypeScript", ["TS"]),
            (2, "JavaScript", ["JS"]),
            (3, "Customer Experience", ["CX"]),
            (4, "Customer Journey Mapping", []),
            (5, "Google BigQuery", ["BQ"]),
            (6, "Cold Calling", []),
        ],
        categories={
            1: "Programming Languages",
            2: "Programming Languages",
            3: "Sales & Marketing",
            4: "Sales & Marketing",
            5: "Data & Machine Learning",
            6: "Sales & Marketing",
        },
    )
    assert names(matcher, "Intelligence Analyst TS//SCI") == []
    assert names(matcher, "Bought TI Nspire CX graphing calculators") == []
    assert names(matcher, "Regulatory reports: BL 1, BC, BQ") == []
    assert names(matcher, "Full Stack Developer (Golang / JS / TS)") == ["JavaScript", "TypeScript"]
    assert names(matcher, "CX strategy and Customer Journey Mapping") == [
        "Customer Experience",
        "Customer Journey Mapping",
    ]
    # A skill of another kind is no company: a sales skill does not make "TS" TypeScript.
    assert names(matcher, "Cold Calling for the TS team") == ["Cold Calling"]


def test_cypress_is_the_test_framework_only_among_technical_skills() -> None:
    """Round twenty-seven: eight of the nine "Cypress" on the real corpus are a college, a high
    school, a company or a sandstone."""
    matcher = SkillMatcher(
        [(1, "Cypress", ["Cypress.io"]), (2, "React", []), (3, "Accounting", [])],
        categories={1: "Frameworks & Libraries", 2: "Frameworks & Libraries", 3: "Finance"},
    )
    assert names(matcher, "Accounting Certificate, 1995 Cypress Community College") == [
        "Accounting"
    ]
    assert names(matcher, "Stack: React, Redux, Material-UI, Cypress.") == ["React", "Cypress"]


def test_rancher_is_the_container_platform_only_among_technical_skills() -> None:
    """Round thirty-nine: rjdb's farm managers are "Farmer, rancher, or other agricultural
    manager", which is no Rancher Kubernetes."""
    matcher = SkillMatcher(
        [(1, "Rancher", ["Rancher Kubernetes"]), (2, "Kubernetes", []), (3, "Farm Management", [])],
        categories={1: "Cloud & DevOps", 2: "Cloud & DevOps", 3: "Agriculture"},
    )
    assert names(matcher, "5 years as a Farmer, rancher, or other agricultural manager") == []
    assert names(matcher, "Ran Kubernetes clusters with Rancher") == ["Kubernetes", "Rancher"]


def test_networking_counts_as_the_technical_skill_only_beside_a_technical_one() -> None:
    matcher = SkillMatcher(
        [
            (1, "Computer Networking", ["networking", "network administration"]),
            (2, "Linux", []),
            (3, "Cold Calling", []),
        ],
        categories={1: "Cloud & DevOps", 2: "Cloud & DevOps", 3: "Sales & Marketing"},
    )
    # A salesperson's networking, with a sales skill beside it, is no computer networking.
    assert names(matcher, "Cold Calling and networking at trade shows") == ["Cold Calling"]
    assert names(matcher, "Networking and Partnership Development") == []
    # Among technical skills, a line or two away, it is.
    assert names(matcher, "Skills\n- Networking\n- Backups\n- Linux") == [
        "Computer Networking",
        "Linux",
    ]
    assert names(matcher, "Network administration and networking support") == [
        "Computer Networking",
        "Computer Networking",
    ]
    # Built without categories (an offline tool's matcher), every mention stands.
    plain = SkillMatcher([(1, "Computer Networking", ["networking"])])
    assert names(plain, "networking at trade shows") == ["Computer Networking"]


def test_word_outlook_and_access_are_the_apps_only_beside_another_of_the_suite() -> None:
    """Round forty-five: "MS Office (Word, Excel, Outlook)" names three apps, where "a word of
    thanks", "the Economic Outlook" and "Access Control" name none."""
    matcher = SkillMatcher(
        [
            (1, "Microsoft Word", ["MS Word", "Word"]),
            (2, "Microsoft Excel", ["Excel", "MS Excel"]),
            (3, "Microsoft Outlook", ["MS Outlook", "Outlook"]),
            (4, "Microsoft Access", ["MS Access", "Access"]),
            (5, "Microsoft Office", ["MS Office"]),
            (6, "Physical Security", ["access control systems"]),
        ]
    )
    assert names(matcher, "MS Office (Word, Excel, Outlook)") == [
        "Microsoft Office",
        "Microsoft Word",
        "Microsoft Excel",
        "Microsoft Outlook",
    ]
    assert names(matcher, "Proficient in Word/Excel") == ["Microsoft Word", "Microsoft Excel"]
    assert names(matcher, "Skills\n- Access\n- Word\n- Excel") == [
        "Microsoft Access",
        "Microsoft Word",
        "Microsoft Excel",
    ]
    # Alone, or beside each other only, they are everyday words.
    assert names(matcher, "Wrote the Economic Outlook newsletter") == []
    assert names(matcher, "Managed Access Control and Word of Mouth campaigns") == []
    assert names(matcher, "Word, Outlook") == []
    # Too far from the suite, or the typing trade.
    assert names(matcher, "Excel\n\n\n\nPress Access badge") == ["Microsoft Excel"]
    assert names(matcher, "Word processing, Excel") == ["Microsoft Excel"]


def test_illustrator_is_adobes_app_only_beside_another_adobe_app() -> None:
    """Round fifty-one: a designer's "Photoshop, Illustrator and InDesign" names three apps; a
    children's book illustrator names a trade."""
    matcher = SkillMatcher(
        [
            (1, "Adobe Photoshop", ["Photoshop"]),
            (2, "Adobe Illustrator", ["Illustrator CC", "Illustrator"]),
            (3, "Adobe InDesign", ["InDesign"]),
            (4, "Microsoft Word", ["MS Word", "Word"]),
        ]
    )
    assert names(matcher, "Adobe Photoshop, Illustrator and InDesign") == [
        "Adobe Photoshop",
        "Adobe Illustrator",
        "Adobe InDesign",
    ]
    assert names(matcher, "Skills\n- Sketch\n- illustrator\n- Photoshop") == [
        "Adobe Illustrator",
        "Adobe Photoshop",
    ]
    assert names(matcher, "Freelance illustrator of children's books") == []
    # Another suite's app vouches for none of Adobe's.
    assert names(matcher, "Illustrator; Word") == []
    assert names(matcher, "Illustrator CC") == ["Adobe Illustrator"]


def test_a_suite_claims_its_apps_and_two_apps_claim_the_suite() -> None:
    """Round forty-seven, `find_claimed` (a resume's reading): each suite mention stands for
    the apps the text does not name, on the suite's own span; one app alone claims nothing."""
    matcher = SkillMatcher(
        [
            (1, "Microsoft Office", ["MS Office"]),
            (2, "Microsoft Word", ["MS Word", "Word"]),
            (3, "Microsoft Excel", ["Excel"]),
            (4, "Microsoft PowerPoint", ["PowerPoint"]),
            (5, "Microsoft Outlook", ["Outlook"]),
            (6, "Microsoft Access", ["Access"]),
            (7, "Salesforce", []),
        ]
    )
    hits = matcher.find_claimed("Salesforce and MS Office (Excel)")
    assert [(h.name, h.surface) for h in hits] == [
        ("Salesforce", "Salesforce"),
        ("Microsoft Office", "MS Office"),
        ("Microsoft Word", "MS Office"),
        ("Microsoft PowerPoint", "MS Office"),
        ("Microsoft Outlook", "MS Office"),
        ("Microsoft Excel", "Excel"),
    ]
    assert [(h.name, h.surface) for h in matcher.find_claimed("Excel, PowerPoint")] == [
        ("Microsoft Excel", "Excel"),
        ("Microsoft Office", "Excel"),
        ("Microsoft PowerPoint", "PowerPoint"),
    ]
    # One app, or an app and Access (not in every edition), claims no suite; `find` claims nothing.
    assert [h.name for h in matcher.find_claimed("Advanced Excel")] == ["Microsoft Excel"]
    assert [h.name for h in matcher.find_claimed("MS Word, Access")] == [
        "Microsoft Word",
        "Microsoft Access",
    ]
    assert [h.name for h in matcher.find("MS Office")] == ["Microsoft Office"]


@pytest.mark.parametrize(
    ("line", "found"),
    [
        # Round fifty-three: the people who lead are no leadership shown.
        ("Report on pipeline and revenue to the leadership team", False),
        ("Provide administrative support to senior leadership", False),
        ("Regular interaction with Executive Leadership Team", False),
        ("Presented at monthly leadership meetings", False),
        # The skill itself.
        ("Strong leadership skills", True),
        ("Showed leadership in a crisis", True),
        ("Leadership, Teamwork, Communication", True),
        ("Selected for leadership roles in two chapters", True),
        ("Won an award for leadership and professionalism", True),
        ("Duties include but are not limited to leadership, quality and training", True),
        ("Generate reports for senior leadership", False),
    ],
)
def test_leadership_names_the_group_it_serves_or_the_skill(line: str, found: bool) -> None:
    matcher = SkillMatcher([(1, "Leadership", ["team leadership"])])
    assert (names(matcher, line) == ["Leadership"]) is found


def test_microsoft_365_beside_an_administrators_words_is_the_platform_not_the_suite() -> None:
    """Round fifty-five: an IT ad's "Administer Microsoft 365, Exchange Online and Active
    Directory" asked for the office suite, and an administrator's resume claimed Word and Excel."""
    matcher = SkillMatcher(
        [
            (1, "Microsoft Office", ["MS Office", "Office 365", "Microsoft 365", "O365"]),
            (2, "Microsoft Word", ["MS Word", "Word"]),
            (3, "Microsoft Excel", ["Excel"]),
            (4, "Microsoft 365 Administration", ["Exchange Online"]),
            (5, "Active Directory", []),
        ]
    )
    assert [h.name for h in matcher.find_claimed("Migrated 300 mailboxes to Office 365")] == [
        "Microsoft 365 Administration"
    ]
    assert names(matcher, "Administer Microsoft 365 and Active Directory") == [
        "Microsoft 365 Administration",
        "Active Directory",
    ]
    # The suite where no administrator's word is on the line.
    assert [h.name for h in matcher.find_claimed("Proficient in Office 365")] == [
        "Microsoft Office",
        "Microsoft Word",
        "Microsoft Excel",
    ]
