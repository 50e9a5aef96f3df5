import pytest
from django.contrib.sites.models import Site
from django.core.management import call_command


@pytest.mark.django_db
def test_bootstrap_can_run_twice_and_reports_each_step(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("bootstrap")
    call_command("bootstrap")
    out = capsys.readouterr().out
    assert out.count("bootstrap complete") == 2
    assert Site.objects.get().name == "RoleMatch"
