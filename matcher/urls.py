from django.urls import URLPattern, URLResolver, path

from matcher.views import intake

app_name = "matcher"
urlpatterns: list[URLPattern | URLResolver] = [
    # --- intake ---
    path("candidates/", intake.candidate_index, name="candidate_list"),
    path("candidates/upload/", intake.candidate_upload, name="candidate_upload"),
    path("candidates/batches/<int:pk>/", intake.batch_detail, name="batch_detail"),
    path("candidates/batches/<int:pk>/status/", intake.batch_status, name="batch_status"),
    path("candidates/<int:pk>/", intake.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/delete/", intake.candidate_remove, name="candidate_delete"),
    path("documents/<int:pk>/download/", intake.document_download, name="document_download"),
]
