"""The load bench's short form, as CI runs it: gunicorn in production mode and a real worker on
PostgreSQL and Redis, four clients on each page, then resumes uploaded and embedded while a
client reads. It checks answers, not speed: timings belong to `python -m bench load`."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from bench.load import Options, report_print, run
from candidates.models import Document
from tests.workers import test_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.deploy, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_every_page_and_upload_under_load_answers_200_and_every_resume_is_embedded(
    postgres: None, redis_url: str
) -> None:
    call_command("bootstrap", verbosity=0)
    options = Options(quick=True, seconds=2.0, resumes=30)

    report = run(options, database_url=test_database_url(), redis_url=redis_url)

    report_print(report, options)  # shown when the test fails
    for name, stats in report.pages.items():
        assert stats.requests > 0, name
        assert set(stats.statuses) == {200}, (name, stats.statuses)
        assert not stats.errors, (name, stats.errors)
    soak = report.soak
    assert soak.reads.requests > 0
    assert set(soak.reads.statuses) == {200}, soak.reads.statuses
    assert not soak.reads.errors, soak.reads.errors
    assert set(soak.upload_statuses) == {201}, soak.upload_statuses
    assert soak.documents == {Document.Status.EMBEDDED: 30}, soak.documents
    assert soak.samples, "no memory sample was taken"
    assert report.log_errors == 0
    assert report.all_ok
