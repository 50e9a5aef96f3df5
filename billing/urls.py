from django.urls import URLPattern, URLResolver, path

from billing import views, webhooks

app_name = "billing"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("pricing/", views.pricing, name="pricing"),
    path("buy/<int:pack_id>/", views.buy, name="buy"),
    path("checkout/success/", views.success, name="success"),
    path("checkout/cancel/", views.cancel, name="cancel"),
    path("history/", views.history, name="history"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
]
