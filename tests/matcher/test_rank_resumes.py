"""`manage.py rank_resumes`: the product's parsing, embedding and scoring over a folder."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from candidates.models import Candidate
from matcher.models import Match
from tests.candidates.factories import resume_docx, resume_pdf

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

NURSE = """Maria Gonzalez
Registered Nurse, ICU
Critical care registered nurse with 7 years in an adult intensive care unit.
Registered Nurse, St Anne's Medical Center, 2017 - present
Care for ventilated patients, titrate vasopressors, manage arterial and central lines.
Certifications: BLS, ACLS, CCRN. Bachelor of Science in Nursing.
"""

CHEF = """Luca Romano
Sous Chef
Sous chef with nine years in restaurant kitchens; runs service when the head chef is off.
Sous Chef, The Larder, 2020 - present: butchery, sauces, ordering, HACCP records.
Chef de Partie, Bistro Lumiere, 2016 - 2020. Level 3 food safety.
"""

ICU_JOB = """Registered Nurse - Intensive Care Unit
Requirements
- Current Registered Nurse license - required
- BLS and ACLS certification required
- At least 2 years of acute care nursing; ICU experience preferred
"""

BACKEND_JOB = """Backend Engineer
Requirements
- 4+ years of Python
- Django and PostgreSQL
- Must know Docker and Kubernetes
"""


@pytest.fixture
def folders(tmp_path):
    resumes = tmp_path / "resumes"
    resumes.mkdir()
    (resumes / "nurse.txt").write_text(NURSE)
    (resumes / "chef.txt").write_text(CHEF)
    (resumes / "engineer.pdf").write_bytes(resume_pdf(name="Ada Lovelace"))
    (resumes / "engineer2.docx").write_bytes(resume_docx(name="Grace Hopper"))
    (resumes / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "icu-nurse.txt").write_text(ICU_JOB)
    (jobs / "backend.txt").write_text(BACKEND_JOB)
    return resumes, jobs


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rank_resumes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_every_readable_resume_ranked_best_first_as_json(folders):
    resumes, jobs = folders
    out, err = run(
        "--resumes", str(resumes), "--job", str(jobs / "icu-nurse.txt"),
        "--job", str(jobs / "backend.txt"), "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert [j["job"] for j in data["jobs"]] == ["icu-nurse", "backend"]
    readable = {"nurse.txt", "chef.txt", "engineer.pdf", "engineer2.docx"}
    for job in data["jobs"]:
        assert set(job) == {"job", "ranking"}
        assert {r["file"] for r in job["ranking"]} == readable
        scores = [r["score"] for r in job["ranking"]]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 100 for s in scores)
        assert all(set(r) == {"file", "score"} for r in job["ranking"])
    icu, backend = data["jobs"]
    assert icu["ranking"][0]["file"] == "nurse.txt"
    assert {backend["ranking"][0]["file"], backend["ranking"][1]["file"]} == {
        "engineer.pdf",
        "engineer2.docx",
    }
    assert "broken.pdf" in err
    assert "broken.pdf" not in out


def test_without_json_it_prints_a_table_with_the_matched_skills(folders):
    resumes, jobs = folders
    out, _ = run("--resumes", str(resumes), "--job", str(jobs / "backend.txt"))
    assert out.startswith("backend  (Backend Engineer)")
    assert "score" in out
    assert "matched skills" in out
    assert "Python" in out
    assert "engineer.pdf" in out


def test_it_stores_nothing_and_refuses_missing_paths(folders, tmp_path):
    resumes, jobs = folders
    run("--resumes", str(resumes), "--job", str(jobs / "backend.txt"), "--json")
    assert not Candidate.objects.exists()
    assert not Match.objects.exists()
    with pytest.raises(CommandError, match="not a folder"):
        run("--resumes", str(tmp_path / "nope"), "--job", str(jobs / "backend.txt"))
    with pytest.raises(CommandError, match="does not exist"):
        run("--resumes", str(resumes), "--job", str(tmp_path / "missing.txt"))
