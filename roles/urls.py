from django.urls import URLPattern, URLResolver

app_name = "roles"
urlpatterns: list[URLPattern | URLResolver] = []
