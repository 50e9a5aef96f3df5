"""The curl walk-through in docs/api.md, run as written against a live server.

The script is read from the document between its markers and executed by bash with real curl
and jq, so the documentation cannot drift from the API. Celery runs eagerly inside the server,
so uploads are read and the match is scored by the real intake and engine code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from billing.selectors import balance_cents, price_per_candidate_cents
from matcher.models import Match, MatchResult
from tests.api.conftest import fund
from tests.candidates.factories import encrypted_pdf, resume_docx, resume_pdf, zip_of
from tests.conftest import PASSWORD, need
from tests.roles.factories import make_role

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def curl_flow_script() -> str:
    text = DOC.read_text()
    block = re.search(
        r"<!-- curl-flow:start -->\s*```bash\n(.*?)```\s*<!-- curl-flow:end -->", text, re.S
    )
    assert block, "docs/api.md lost its curl-flow block"
    return block.group(1)


def test_the_documented_script_is_a_complete_flow() -> None:
    script = curl_flow_script()
    for step in ("/auth/token/", "/candidates/", "/uploads/", "/matches/", "/results/"):
        assert step in script


def test_the_curl_flow_in_the_docs_works_against_a_live_server(
    live_server, alice, alice_org, celery_eager, tmp_path, settings
) -> None:
    need(shutil.which("curl") is not None, "curl is not installed")
    need(shutil.which("jq") is not None, "jq is not installed")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    fund(alice_org, 1000)
    make_role(
        "Backend Engineer",
        skills=[("Python", 5, True), ("PostgreSQL", 3, False), ("Kubernetes", 3, False)],
    )
    work = tmp_path / "work"
    work.mkdir()
    (work / "ada.pdf").write_bytes(resume_pdf(name="Ada Lovelace", email="ada@example.com"))
    (work / "resumes.zip").write_bytes(
        zip_of(
            [
                ("grace.docx", resume_docx(name="Grace Hopper", email="grace@example.com")),
                ("locked.pdf", encrypted_pdf()),
            ]
        )
    )
    done = subprocess.run(
        ["bash", "-c", curl_flow_script()],
        cwd=work,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "BASE": live_server.url,
            "EMAIL": "alice@example.com",
            "PASSWORD": PASSWORD,
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "locked.pdf: failed" in out
    assert "Ada Lovelace" in out
    assert "Grace Hopper" in out
    match = Match.objects.get(organisation=alice_org)
    assert match.status == Match.Status.DONE
    assert MatchResult.objects.filter(match=match).count() == 2
    assert balance_cents(org=alice_org) == 1000 - 2 * price_per_candidate_cents()
    ranking = [line.split("\t") for line in out.splitlines() if "\t" in line]
    assert sorted(row[2] for row in ranking) == ["Ada Lovelace", "Grace Hopper"]
    assert float(ranking[0][0]) >= float(ranking[-1][0])
