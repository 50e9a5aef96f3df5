"""Everything under /api/v1/ (names `api:<name>`). The views live in each app's apis.py."""

from django.urls import URLPattern, URLResolver, path

from accounts import apis as accounts
from api.index import ApiIndexApi
from billing import apis as billing
from candidates import apis as candidates
from matcher.apis import matches, results
from roles import apis as roles

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", ApiIndexApi.as_view(), name="index"),
    path("auth/token/", accounts.AuthTokenCreateApi.as_view(), name="auth_token"),
    path("members/", accounts.MemberListApi.as_view(), name="member_list"),
    # roles
    path("roles/", roles.RoleListApi.as_view(), name="role_list"),
    path("roles/<slug:slug>/", roles.RoleDetailApi.as_view(), name="role_detail"),
    path("custom-roles/", roles.CustomRoleListCreateApi.as_view(), name="custom_role_list"),
    path("custom-roles/<int:pk>/", roles.CustomRoleDetailApi.as_view(), name="custom_role_detail"),
    # candidates and uploads
    path("candidates/", candidates.CandidateListCreateApi.as_view(), name="candidate_list"),
    path("candidates/<int:pk>/", candidates.CandidateDetailApi.as_view(), name="candidate_detail"),
    path("candidates/<int:pk>/file/", candidates.CandidateFileApi.as_view(), name="candidate_file"),
    path("uploads/", candidates.UploadBatchListApi.as_view(), name="upload_list"),
    path("uploads/<int:pk>/", candidates.UploadBatchDetailApi.as_view(), name="upload_detail"),
    # matches
    path("matches/", matches.MatchListCreateApi.as_view(), name="match_list"),
    path("matches/<int:pk>/", matches.MatchDetailApi.as_view(), name="match_detail"),
    path("matches/<int:pk>/resume/", matches.MatchResumeApi.as_view(), name="match_resume"),
    path("matches/<int:pk>/results/", results.MatchResultListApi.as_view(), name="match_results"),
    path("matches/<int:pk>/reweight/", results.MatchReweightApi.as_view(), name="match_reweight"),
    path(
        "matches/<int:pk>/decisions/",
        results.DecisionListCreateApi.as_view(),
        name="match_decisions",
    ),
    # credits
    path("credits/", billing.CreditBalanceApi.as_view(), name="credit_balance"),
    path("credits/ledger/", billing.LedgerEntryListApi.as_view(), name="credit_ledger"),
    path("credits/packs/", billing.CreditPackListApi.as_view(), name="credit_packs"),
    path("credits/checkout/", billing.CheckoutSessionCreateApi.as_view(), name="credit_checkout"),
]
