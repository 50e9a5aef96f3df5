from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from roles.models import Role, Skill
from roles.services import role_publish
from tests.roles.factories import skill

pytestmark = pytest.mark.django_db

CODES = "15-2051.00,15-1252.00,15-1221.00"


def run(directory: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_onet", str(directory), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def onet_dir(shared_dir: Path) -> Path:
    return shared_dir / "datasets" / "onet-29.2"


def write_dataset(root: Path, **overrides: str) -> Path:
    """A tiny O*NET folder in the real files' layout; `overrides` replace whole files."""
    files = {
        "Read Me.txt": "O*NET 29.2 Database\nFebruary 2025 Release\n",
        "Occupation Data.txt": "O*NET-SOC Code\tTitle\tDescription\n"
        "15-1252.00\tSoftware Developers\tResearch, design, and develop software. Test it.\n"
        "15-1253.00\tSoftware Quality Assurance Analysts\tDevelop and execute software tests.\n",
        "Task Statements.txt": "O*NET-SOC Code\tTask ID\tTask\tTask Type\tIncumbents Responding"
        "\tDate\tDomain Source\n"
        "15-1252.00\t1\tPrepare reports.\tSupplemental\t50\t08/2023\tIncumbent\n"
        "15-1252.00\t2\tModify existing software to correct errors.\tCore\t90\t08/2023\tIncumbent\n"
        "15-1253.00\t3\tDesign test plans.\tCore\t90\t08/2023\tIncumbent\n",
        "Technology Skills.txt": "O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title"
        "\tHot Technology\tIn Demand\n"
        "15-1252.00\tPython\t43232405\tObject or component oriented development software\tY\tY\n"
        "15-1252.00\tQuickWidget Studio\t43232405\tDevelopment environment software\tN\tN\n"
        "15-1252.00\tKubernetes\t43232405\tOperating system software\tY\tN\n",
        "Alternate Titles.txt": "O*NET-SOC Code\tAlternate Title\tShort Title\tSource(s)\n"
        "15-1252.00\tApplication Developer\tn/a\t08\n"
        "15-1252.00\tSoftware Engineer\tSWE\t08\n",
        "Related Occupations.txt": "O*NET-SOC Code\tRelated O*NET-SOC Code\tRelatedness Tier"
        "\tIndex\n"
        "15-1252.00\t15-1253.00\tPrimary-Short\t1\n",
        "Job Zones.txt": "O*NET-SOC Code\tJob Zone\tDate\tDomain Source\n"
        "15-1252.00\t4\t08/2023\tAnalyst\n",
    }
    files.update(overrides)
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_it_imports_draft_roles_from_the_real_database(onet_dir: Path) -> None:
    out = run(onet_dir, "--codes", CODES)
    assert "Roles created: 3" in out
    role = Role.objects.get(onet_code="15-2051.00")
    assert role.title == "Data Scientists"
    assert role.status == Role.Status.DRAFT
    assert role.organisation is None
    assert role.family == "Technology"
    assert role.description.startswith("Develop and implement a set of techniques")
    assert role.summary.endswith(".")
    assert role.job_zone in range(1, 6)
    assert role.responsibilities.count() > 5
    assert len(role.alternate_titles) > 3
    skills = dict(role.role_skills.values_list("skill__name", "weight"))
    assert len(skills) > 5
    # Hot technologies weigh more than the rest.
    assert skills["Amazon Redshift"] >= 4
    assert all(1 <= w <= 5 for w in skills.values())
    assert "O*NET 29.2" in role.source_note
    assert "USDOL/ETA" in role.source_note
    assert "CC BY 4.0" in role.source_note
    # Related occupations that were imported too are linked.
    related = set(role.related_roles.values_list("onet_code", flat=True))
    assert related <= {"15-1252.00", "15-1221.00"}
    assert related


def test_a_second_run_changes_nothing(onet_dir: Path) -> None:
    run(onet_dir, "--codes", CODES)
    snapshot = list(Role.objects.values_list("slug", "description", "version", "updated_at"))
    skills = Skill.objects.count()
    out = run(onet_dir, "--codes", CODES)
    assert "Roles created: 0" in out
    assert "Roles updated: 0" in out
    assert "Roles unchanged: 3" in out
    assert "0 change(s)" in out
    assert list(Role.objects.values_list("slug", "description", "version", "updated_at")) == (
        snapshot
    )
    assert Skill.objects.count() == skills


def test_limit_imports_only_the_first_occupations(onet_dir: Path) -> None:
    out = run(onet_dir, "--limit", "2")
    assert "Roles created: 2" in out
    assert Role.objects.count() == 2


def test_tasks_become_responsibilities_core_first(tmp_path: Path) -> None:
    run(write_dataset(tmp_path / "onet"))
    role = Role.objects.get(onet_code="15-1252.00")
    assert list(role.responsibilities.values_list("text", flat=True)) == [
        "Modify existing software to correct errors.",
        "Prepare reports.",
    ]
    assert role.alternate_titles == ["Application Developer", "Software Engineer", "SWE"]
    assert role.job_zone == 4
    assert role.summary == "Research, design, and develop software."
    assert [r.onet_code for r in role.related_roles.all()] == ["15-1253.00"]


def test_new_technologies_join_the_taxonomy_and_known_ones_are_reused(tmp_path: Path) -> None:
    kube = skill("Kubernetes", "k8s")
    run(write_dataset(tmp_path / "onet"))
    role = Role.objects.get(onet_code="15-1252.00")
    weights = {rs.skill.name: rs.weight for rs in role.role_skills.select_related("skill")}
    assert weights == {"Python": 5, "Kubernetes": 4, "QuickWidget Studio": 2}
    assert Skill.objects.filter(name__iexact="kubernetes").get() == kube
    assert Skill.objects.get(name="QuickWidget Studio").category == (
        "Development environment software"
    )


def test_it_never_overwrites_what_a_curator_edited(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "onet")
    run(folder)
    role = Role.objects.get(onet_code="15-1252.00")
    role.description = "Our own words about software developers."
    role.title = "Software Developer"
    role.save()
    role.responsibilities.filter(order=0).update(text="Ship features every week.")
    # O*NET publishes new text for every field.
    write_dataset(
        folder,
        **{
            "Occupation Data.txt": "O*NET-SOC Code\tTitle\tDescription\n"
            "15-1252.00\tSoftware Developers\tA revised description. More.\n"
            "15-1253.00\tSoftware Quality Assurance Analysts\tDevelop and execute tests.\n",
            "Alternate Titles.txt": "O*NET-SOC Code\tAlternate Title\tShort Title\tSource(s)\n"
            "15-1252.00\tCoder\tn/a\t08\n",
        },
    )
    out = run(folder)
    role.refresh_from_db()
    assert role.description == "Our own words about software developers."
    assert role.title == "Software Developer"
    assert role.responsibilities.first().text == "Ship features every week."
    # Fields nobody touched follow O*NET.
    assert role.summary == "A revised description."
    assert role.alternate_titles == ["Coder"]
    assert "Curator-edited fields kept: 2" in out
    assert "15-1252.00 description" in out
    assert "Roles updated: 2" in out
    # And the curator's fields stay theirs on every later run.
    assert "0 change(s)" in run(folder)


def test_it_leaves_a_hand_written_role_with_the_same_code_alone(tmp_path: Path) -> None:
    role = Role.objects.create(
        title="Software Engineer",
        onet_code="15-1252.00",
        description="Written by a curator.",
        status=Role.Status.PUBLISHED,
    )
    run(write_dataset(tmp_path / "onet"))
    role.refresh_from_db()
    assert role.description == "Written by a curator."
    assert role.title == "Software Engineer"
    # Empty sections are filled in; the page stays live with a new version.
    assert role.responsibilities.count() == 2
    assert role.status == Role.Status.PUBLISHED
    assert role.version == 2


def test_an_imported_page_credits_onet_once_published(tmp_path: Path, client: Client) -> None:
    run(write_dataset(tmp_path / "onet"))
    role = Role.objects.get(onet_code="15-1252.00")
    assert client.get(role.get_absolute_url()).status_code == 404
    role_publish(role=role, actor=None)
    html = client.get(role.get_absolute_url()).content.decode()
    assert "Includes information from O*NET 29.2 by the U.S. Department of Labor" in html
    assert "CC BY 4.0" in html


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "Task Statements.txt",
            "O*NET-SOC Code\tTask ID\tTask\tTask Type\n15-1252.00\t1\tA task\tCore\n"
            "15-1252.00\t2\tA task missing its type\n",
            "Task Statements.txt, line 3: expected 4 tab-separated columns, found 3",
        ),
        (
            "Occupation Data.txt",
            "O*NET-SOC Code\tTitle\tDescription\n15-1252.00\tSoftware Developers\tOk.\n"
            "151252\tBroken\tBad code.\n",
            "Occupation Data.txt, line 3: “151252” is not an O*NET-SOC code",
        ),
        (
            "Technology Skills.txt",
            "O*NET-SOC Code\tExample\tCommodity Title\n15-1252.00\tPython\tDev\n",
            "Technology Skills.txt, line 1: the header lacks the column(s) Hot Technology",
        ),
        (
            "Technology Skills.txt",
            "O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"
            "15-1252.00\tPython\t1\tDev\tmaybe\tN\n",
            "Technology Skills.txt, line 2: Hot Technology and In Demand must be Y or N",
        ),
        (
            "Job Zones.txt",
            "O*NET-SOC Code\tJob Zone\n15-1252.00\t9\n",
            "Job Zones.txt, line 2: the Job Zone must be a number from 1 to 5",
        ),
    ],
)
def test_it_refuses_a_malformed_file_with_the_line_at_fault(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    folder = write_dataset(tmp_path / "onet", **{name: text})
    with pytest.raises(CommandError) as excinfo:
        run(folder)
    assert message in str(excinfo.value)
    assert Role.objects.count() == 0


def test_it_refuses_a_folder_without_occupation_data(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"Occupation Data\.txt"):
        run(tmp_path)
    with pytest.raises(CommandError, match="not a folder"):
        run(tmp_path / "nope")
    with pytest.raises(CommandError, match="Not O\\*NET-SOC codes: 15-12"):
        run(write_dataset(tmp_path / "onet"), "--codes", "15-12")
