from django.urls import URLPattern, URLResolver

app_name = "matcher"
urlpatterns: list[URLPattern | URLResolver] = []
