import pytest
from django.test import Client
from django.urls import reverse

from accounts.checks import dashboard_panels_check, rate_limits_check


@pytest.fixture
def panel_dir(tmp_path, settings):
    """A template folder for panels that a higher app would ship."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return tmp_path


@pytest.mark.django_db
def test_a_new_user_sees_the_next_step_linking_to_roles_and_uploads(alice) -> None:
    client = Client()
    client.force_login(alice)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert b"Your next step" in response.content
    assert b'href="/roles/"' in response.content
    assert b'href="/app/' in response.content
    assert b"Alice Recruiting" in response.content


@pytest.mark.django_db
def test_it_renders_the_configured_panels_in_order_with_the_organisation(
    alice,
    alice_org,
    panel_dir,
    settings,
) -> None:
    (panel_dir / "first.html").write_text("<p>FIRST {{ organisation.name }}</p>")
    (panel_dir / "last.html").write_text("<p>LAST {{ membership.role }}</p>")
    settings.DASHBOARD_PANELS = ["first.html", "accounts/panels/next_step.html", "last.html"]
    client = Client()
    client.force_login(alice)

    html = client.get(reverse("dashboard")).content.decode()

    assert "FIRST Alice Recruiting" in html
    assert "LAST owner" in html
    assert html.index("FIRST") < html.index("Your next step") < html.index("LAST")


@pytest.mark.django_db
def test_the_dashboard_asks_visitors_to_sign_in(client: Client) -> None:
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_missing_panel_template_stops_the_start(settings) -> None:
    settings.DASHBOARD_PANELS = ["accounts/panels/next_step.html", "nowhere/panel.html"]

    errors = dashboard_panels_check()

    assert [e.id for e in errors] == ["accounts.E002"]
    assert "nowhere/panel.html" in errors[0].msg


def test_a_malformed_rate_limit_stops_the_start(settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_email": "three per hour"}

    assert [e.id for e in rate_limits_check()] == ["accounts.E001"]
