from django.urls import URLPattern, URLResolver, path

from matcher.views import exports, matches, results

app_name = "matcher"
urlpatterns: list[URLPattern | URLResolver] = [
    # --- workspace ---
    path("matches/", matches.match_index, name="match_list"),
    path("matches/new/", matches.match_new, name="match_new"),
    path(
        "matches/new/job-description/",
        matches.match_from_job_description,
        name="match_from_job_description",
    ),
    path("matches/new/roles/", matches.match_role_search, name="match_role_search"),
    path("matches/blind-default/", matches.workspace_blind_default, name="blind_default"),
    path("matches/<int:pk>/", matches.match_detail, name="match_detail"),
    path("matches/<int:pk>/status/", matches.match_status, name="match_status"),
    path("matches/<int:pk>/results/", results.match_results, name="match_results"),
    path("matches/<int:pk>/resume/", matches.match_resume_view, name="match_resume"),
    path("matches/<int:pk>/blind/", matches.match_blind, name="match_blind"),
    path("matches/<int:pk>/reweight/", results.match_reweight, name="match_reweight"),
    path("matches/<int:pk>/export.csv", exports.match_export_csv, name="match_export_csv"),
    path("matches/<int:pk>/report.pdf", exports.match_export_pdf, name="match_export_pdf"),
    path(
        "matches/<int:pk>/candidates/<int:candidate_id>/",
        results.match_candidate,
        name="match_candidate",
    ),
    path(
        "matches/<int:pk>/candidates/<int:candidate_id>/decision/",
        results.match_decide,
        name="match_decide",
    ),
    path(
        "matches/<int:pk>/candidates/<int:candidate_id>/unmask/",
        results.match_reveal,
        name="match_reveal",
    ),
    path("candidates/<int:pk>/roles/", results.candidate_roles, name="candidate_roles"),
]
