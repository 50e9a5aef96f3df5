from django.urls import path

from accounts import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organisation/start/", views.organisation_start, name="organisation_start"),
    path("organisation/team/", views.members, name="members"),
    path("organisation/rename/", views.organisation_rename, name="organisation_rename"),
    path("organisation/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "organisation/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organisation/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "organisation/members/<int:pk>/make-owner/",
        views.ownership_transfer,
        name="ownership_transfer",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("settings/privacy/", views.privacy, name="privacy"),
    path("settings/privacy/export/", views.privacy_export, name="privacy_export"),
    path(
        "settings/privacy/delete-account/",
        views.privacy_account_delete,
        name="privacy_account_delete",
    ),
    path(
        "settings/privacy/delete-organisation/",
        views.privacy_organisation_delete,
        name="privacy_organisation_delete",
    ),
]
