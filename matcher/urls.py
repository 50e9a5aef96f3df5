from django.urls import URLPattern, URLResolver, path

from matcher.views import exports, workspace

app_name = "matcher"
urlpatterns: list[URLPattern | URLResolver] = [
    # --- workspace ---
    path("matches/", workspace.match_index, name="match_list"),
    path("matches/new/", workspace.match_new, name="match_new"),
    path("matches/new/roles/", workspace.match_role_search, name="match_role_search"),
    path("matches/blind-default/", workspace.workspace_blind_default, name="blind_default"),
    path("matches/<int:pk>/", workspace.match_detail, name="match_detail"),
    path("matches/<int:pk>/status/", workspace.match_status, name="match_status"),
    path("matches/<int:pk>/results/", workspace.match_results, name="match_results"),
    path("matches/<int:pk>/resume/", workspace.match_resume_view, name="match_resume"),
    path("matches/<int:pk>/blind/", workspace.match_blind, name="match_blind"),
    path("matches/<int:pk>/reweight/", workspace.match_reweight, name="match_reweight"),
    path("matches/<int:pk>/export.csv", exports.match_export_csv, name="match_export_csv"),
    path("matches/<int:pk>/report.pdf", exports.match_export_pdf, name="match_export_pdf"),
    path(
        "matches/<int:pk>/candidates/<int:candidate_id>/",
        workspace.match_candidate,
        name="match_candidate",
    ),
    path(
        "matches/<int:pk>/candidates/<int:candidate_id>/decision/",
        workspace.match_decide,
        name="match_decide",
    ),
    path(
        "matches/<int:pk>/candidates/<int:candidate_id>/unmask/",
        workspace.match_reveal,
        name="match_reveal",
    ),
    path("candidates/<int:pk>/roles/", workspace.candidate_roles, name="candidate_roles"),
]
