from django.urls import URLPattern, URLResolver, path

from candidates import views

app_name = "candidates"
urlpatterns: list[URLPattern | URLResolver] = [
    path("candidates/", views.candidate_index, name="candidate_list"),
    path("candidates/upload/", views.candidate_upload, name="candidate_upload"),
    path("candidates/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("candidates/batches/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/delete/", views.candidate_remove, name="candidate_delete"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
