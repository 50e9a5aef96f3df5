from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from roles.models import Role, SalaryRange
from roles.release import release_stamp
from roles.services import role_publish, role_unpublish
from tests.roles.factories import industry, make_role, skill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():

    cache.clear()
    yield
    cache.clear()


def titles(response) -> list[str]:
    return [r.title for r in response.context["roles"]]


def test_the_catalog_lists_published_public_roles_only(client: Client, alice_org) -> None:
    make_role("Data Engineer")
    make_role("Draft Role", status=Role.Status.DRAFT)
    make_role("Alice Private Role", organisation=alice_org)
    response = client.get(reverse("roles:list"))
    assert response.status_code == 200
    assert titles(response) == ["Data Engineer"]
    assert b"Alice Private Role" not in response.content


def test_search_finds_titles_alternate_titles_and_skills(client: Client) -> None:
    make_role("Machine Learning Engineer", alternate_titles=["AI Engineer"])
    make_role(
        "Registered Nurse",
        family="Healthcare",
        alternate_titles=["Staff Nurse"],
        skills=[("Patient Care", 5, True), ("Electronic Health Records", 3, False)],
    )
    skill("Kubernetes", "k8s")
    assert titles(client.get("/roles/", {"q": "nurse"})) == ["Registered Nurse"]
    assert titles(client.get("/roles/", {"q": "ai engineer"})) == ["Machine Learning Engineer"]
    assert titles(client.get("/roles/", {"q": "staff"})) == ["Registered Nurse"]
    assert titles(client.get("/roles/", {"q": "health records"})) == ["Registered Nurse"]
    # An alias of a skill finds the roles that need it.
    assert titles(client.get("/roles/", {"q": "k8s"})) == ["Machine Learning Engineer"]
    assert titles(client.get("/roles/", {"q": "astronaut"})) == []
    assert b"No role matches that search" in client.get("/roles/", {"q": "astronaut"}).content


def test_search_puts_the_roles_its_words_name_before_those_found_by_skills(
    client: Client,
) -> None:
    for title in ("Data Scientist", "MLOps Engineer", "Machine Learning Engineer"):
        make_role(title, alternate_titles=[], skills=[("Machine Learning", 5, True)])
    make_role("Research Scientist", alternate_titles=["Machine Learning Researcher"])
    make_role("Learning Designer", alternate_titles=[], skills=[("Machine Learning", 1, False)])

    assert titles(client.get("/roles/", {"q": "machine learning"})) == [
        "Machine Learning Engineer",  # the phrase in the title
        "Research Scientist",  # in an alternate title
        "Data Scientist",  # in a skill only: by title from here
        "Learning Designer",
        "MLOps Engineer",
    ]
    assert titles(client.get("/roles/", {"q": "engineer learning"}))[0] == (
        "Machine Learning Engineer"  # every word in the title, in another order
    )
    assert titles(client.get("/roles/", {"q": "mlops engineer"}))[0] == "MLOps Engineer"


def test_the_industry_filter_narrows_the_list(client: Client) -> None:
    make_role("Data Engineer", industries=["Technology"])
    make_role("Loan Officer", industries=["Finance"])
    finance = industry("Finance")
    response = client.get("/roles/", {"industry": finance.slug})
    assert titles(response) == ["Loan Officer"]
    assert "Finance (1)" in response.content.decode()


def test_the_catalog_paginates(client: Client) -> None:
    for i in range(30):
        make_role(f"Role {i:02d}", skills=[("Python", 3, False)])
    first = client.get("/roles/")
    assert len(first.context["roles"]) == 24
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/roles/", {"page": 2})
    assert len(second.context["roles"]) == 6


def test_a_role_page_renders_every_section(client: Client) -> None:
    role = make_role(
        "Machine Learning Engineer",
        source_note="Includes information from O*NET 29.2 by the U.S. Department of Labor.",
    )
    related = make_role("Data Scientist")
    role.related_roles.add(related)
    html = client.get("/roles/machine-learning-engineer/").content.decode()
    for heading in [
        "About the Machine Learning Engineer role",
        "Key Responsibilities",
        "How to Evaluate a Machine Learning Engineer",
        "Interview Topics",
        "Salary &amp; Market Context",
        "A Day in the Life",
        "Key Skills for Machine Learning Engineer",
        "Industries Hiring Machine Learning Engineers",
        "Related Roles",
    ]:
        assert heading in html, heading
    assert "Deploy models behind APIs" in html
    assert "How would you cut p99 latency of a model endpoint?" in html
    assert "$120,000 \u2013 $150,000" in html
    assert "Must-have" in html
    assert "Nice-to-have" in html
    assert 'href="/roles/data-scientist/"' in html
    assert "Includes information from O*NET 29.2" in html
    assert "Start matching candidates for Machine Learning Engineer" in html


@pytest.mark.parametrize(
    ("title", "evaluate", "industries"),
    [
        (
            "Machine Learning Engineer",
            "How to Evaluate a Machine Learning Engineer",
            "Industries Hiring Machine Learning Engineers",
        ),
        ("Accountant", "How to Evaluate an Accountant", "Industries Hiring Accountants"),
        (
            "HR Business Partner",
            "How to Evaluate an HR Business Partner",
            "Industries Hiring HR Business Partners",
        ),
        (
            "Mobile Developer (iOS/Android)",
            "How to Evaluate a Mobile Developer (iOS/Android)",
            "Industries Hiring Mobile Developers (iOS/Android)",
        ),
    ],
)
def test_section_headings_read_as_english_whatever_the_title(
    client: Client, title: str, evaluate: str, industries: str
) -> None:
    role = make_role(title)
    html = client.get(role.get_absolute_url()).content.decode()
    headings = re.findall(r"<h2[^>]*>([^<]*)</h2>", html)
    assert evaluate in headings
    assert industries in headings


def test_a_role_page_has_seo_metadata(client: Client, settings) -> None:
    settings.SITE_URL = "https://rolematch.example"
    make_role("Machine Learning Engineer", onet_code="15-2051.00")
    html = client.get("/roles/machine-learning-engineer/").content.decode()
    assert "<title>Machine Learning Engineer: role profile" in html
    assert '<meta name="description" content="Machine Learning Engineers design' in html
    assert (
        '<link rel="canonical" href="https://rolematch.example/roles/machine-learning-engineer/">'
        in html
    )
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert raw
    data = json.loads(raw.group(1))
    assert data["@type"] == "Occupation"
    assert data["name"] == "Machine Learning Engineer"
    assert data["occupationalCategory"] == "15-2051.00"
    assert data["alternateName"] == ["MLE", "ML Platform Engineer"]
    assert data["estimatedSalary"][0]["minValue"] == 120000
    assert "Python" in data["skills"]


def test_json_ld_cannot_break_out_of_its_script_tag(client: Client) -> None:
    make_role("Engineer", summary="</script><script>alert(1)</script>")
    html = client.get("/roles/engineer/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_unpublished_and_custom_roles_are_not_found(client: Client, alice_org) -> None:
    make_role("Draft Role", status=Role.Status.DRAFT)
    make_role("Private Role", organisation=alice_org)
    assert client.get("/roles/draft-role/").status_code == 404
    assert client.get("/roles/private-role/").status_code == 404
    assert client.get("/roles/no-such-role/").status_code == 404


def test_the_cta_leads_visitors_to_signup_and_members_to_a_new_match(client: Client, alice) -> None:
    make_role("Data Engineer")
    html = client.get("/roles/data-engineer/").content.decode()
    signup = reverse("account_signup")
    assert f'href="{signup}?next=%2Fapp%2Fmatches%2Fnew%2F%3Frole%3Ddata-engineer"' in html
    client.force_login(alice)
    html = client.get("/roles/data-engineer/").content.decode()
    assert 'href="/app/matches/new/?role=data-engineer"' in html


def test_the_page_is_cached_and_a_publish_shows_the_new_content(client: Client) -> None:
    role = make_role("Data Engineer")
    assert "Old summary" not in client.get("/roles/data-engineer/").content.decode()
    # An edit that bypasses save() (and so the updated_at in the key) stays hidden by the cache...
    SalaryRange.objects.filter(role=role).update(level="Principal")
    assert "Principal" not in client.get("/roles/data-engineer/").content.decode()
    # ...until the role is published again.
    role_publish(role=role, actor=None)
    assert "Principal" in client.get("/roles/data-engineer/").content.decode()


@pytest.fixture
def release(settings):
    """Sets the deploy's name for a test, and forgets the stamp read under the old one."""

    def deploy(name: str) -> None:
        settings.RELEASE = name
        release_stamp.cache_clear()

    yield deploy
    release_stamp.cache_clear()


def test_a_deploy_never_serves_pages_cached_by_the_one_before(
    client: Client, alice, release
) -> None:
    release("v1")
    role = make_role("Data Engineer")
    client.force_login(alice)
    for reader in (Client(), client):
        assert "Principal" not in reader.get("/roles/data-engineer/").content.decode()
    # Unseen by the cache (no save), as a changed template or stylesheet is.
    SalaryRange.objects.filter(role=role).update(level="Principal")
    for reader in (Client(), client):
        assert "Principal" not in reader.get("/roles/data-engineer/").content.decode()

    release("v2")

    for reader in (Client(), client):
        assert "Principal" in reader.get("/roles/data-engineer/").content.decode()


def test_without_a_name_the_stamp_follows_the_templates(settings, tmp_path, release) -> None:
    release("")
    page = tmp_path / "page.html"
    page.write_text("<p>one</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    first = release_stamp()
    release_stamp.cache_clear()
    assert release_stamp() == first

    page.write_text("<p>two</p>")
    release_stamp.cache_clear()

    assert release_stamp() != first


def test_visitors_without_a_session_get_the_whole_page_from_the_cache_with_their_own_token(
    django_assert_num_queries,
) -> None:
    make_role("Data Engineer")
    first = Client(enforce_csrf_checks=True).get("/roles/data-engineer/").content.decode()
    visitor = Client(enforce_csrf_checks=True)

    with django_assert_num_queries(0):
        page = visitor.get("/roles/data-engineer/").content.decode()

    token = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert token is not None
    assert token.group(1) not in first
    assert re.sub(r'"X-CSRFToken": "[^"]+"', "", page) == re.sub(
        r'"X-CSRFToken": "[^"]+"', "", first
    )
    # The token in the shared copy is this visitor's own: a form posted with it passes CSRF.
    response = visitor.post(
        reverse("account_login"),
        {"login": "nobody@example.com", "password": "wrong"},
        HTTP_X_CSRFTOKEN=token.group(1),
    )
    assert response.status_code == 200


def test_a_signed_in_page_never_fills_the_shared_copy(client: Client, alice) -> None:
    make_role("Data Engineer")
    client.force_login(alice)
    assert "/app/matches/new/" in client.get("/roles/data-engineer/").content.decode()

    html = Client().get("/roles/data-engineer/").content.decode()

    assert reverse("account_signup") in html
    assert 'href="/app/matches/new/?role=data-engineer"' not in html


def test_unpublishing_takes_the_page_down(client: Client) -> None:
    role = make_role("Data Engineer")
    assert client.get("/roles/data-engineer/").status_code == 200
    role_unpublish(role=role, actor=None)
    assert client.get("/roles/data-engineer/").status_code == 404


def test_a_new_slug_takes_the_page_off_its_old_address(client: Client) -> None:
    role = make_role("Data Engineer")
    assert Client().get("/roles/data-engineer/").status_code == 200
    role.slug = "data-platform-engineer"
    role.save()
    assert Client().get("/roles/data-engineer/").status_code == 404
    assert Client().get("/roles/data-platform-engineer/").status_code == 200


def test_pages_stop_linking_a_related_role_once_it_is_unpublished(client: Client) -> None:
    page = make_role("Data Engineer")
    related = make_role("Analytics Engineer")
    page.related_roles.add(related)
    assert (
        'href="/roles/analytics-engineer/"'
        in Client().get("/roles/data-engineer/").content.decode()
    )

    role_unpublish(role=related, actor=None)

    assert Client().get("/roles/analytics-engineer/").status_code == 404
    html = Client().get("/roles/data-engineer/").content.decode()
    assert 'href="/roles/analytics-engineer/"' not in html


def test_pages_show_a_related_role_under_its_new_title(client: Client) -> None:
    page = make_role("Data Engineer")
    related = make_role("Analytics Engineer")
    page.related_roles.add(related)
    assert "Analytics Engineer" in Client().get("/roles/data-engineer/").content.decode()

    related.title = "Analytics Platform Engineer"
    related.save()
    role_publish(role=related, actor=None)

    assert "Analytics Platform Engineer" in Client().get("/roles/data-engineer/").content.decode()


def test_the_sitemap_lists_published_public_roles_only(client: Client, alice_org) -> None:
    make_role("Data Engineer")
    make_role("Draft Role", status=Role.Status.DRAFT)
    make_role("Private Role", organisation=alice_org)
    xml = client.get("/sitemap.xml").content.decode()
    assert "/roles/data-engineer/" in xml
    assert "/roles/</loc>" in xml
    assert "draft-role" not in xml
    assert "private-role" not in xml


def test_robots_txt_points_at_the_sitemap_and_keeps_private_areas_out(
    client: Client,
    settings,
) -> None:
    settings.SITE_URL = "https://rolematch.example"
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: https://rolematch.example/sitemap.xml" in body
    assert "Disallow: /admin/" in body
    assert "Disallow: /app/" in body


def test_the_navigation_links_to_the_catalog(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'href="/roles/"' in html
