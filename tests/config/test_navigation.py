"""The main navigation marks the section a page belongs to, and only that one."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from config.context_processors import nav_section

PAGES = [
    ("roles:list", "Roles"),
    ("billing:pricing", "Pricing"),
    ("dashboard", "Dashboard"),
    ("matcher:match_list", "Matches"),
    ("matcher:match_new", "Matches"),
    ("candidates:candidate_list", "Candidates"),
    ("candidates:candidate_upload", "Candidates"),
    ("members", "Settings"),
    ("api_tokens", "Settings"),
    ("account_email", "Settings"),
    ("account_change_password", "Settings"),
    ("privacy", "Settings"),
    ("billing:overview", None),
]


def current_entries(html: str) -> list[str]:
    nav = html.split('id="nav-links"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'aria-current="page">([^<]+)</a>', nav)


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "entry"), PAGES)
def test_each_page_marks_its_own_section_and_no_other(
    client: Client, alice, alice_org, page: str, entry: str | None
) -> None:
    client.force_login(alice)
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert current_entries(response.content.decode()) == ([entry] if entry else [])


def test_pages_served_by_another_app_belong_where_the_recruiter_reads_them() -> None:
    # A candidate's record, even the part the matcher serves, is under Candidates.
    assert nav_section("candidates", "candidate_detail") == "candidates"
    assert nav_section("matcher", "candidate_roles") == "candidates"
    assert nav_section("matcher", "match_candidate") == "matches"
    assert nav_section("roles", "detail") == "roles"
    assert nav_section(None, "privacy_export") == "settings"
    assert nav_section("admin", "index") == ""
