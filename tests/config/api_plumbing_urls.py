"""A tiny API used only to exercise the shared API plumbing on a real model."""

from django.urls import include, path
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from api.idempotency import idempotent
from api.problems import Problem
from config.urls import handler404, handler500


class OrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)


class PlumbingApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"names": list(Organisation.objects.values_list("name", flat=True))})

    @idempotent
    def post(self, request: Request) -> Response:
        data = OrganisationIn(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["name"] == "broke":
            raise Problem(
                "insufficient-credit",
                "You need 25 more cents.",
                status_code=402,
                extra={"needed_cents": 25},
            )
        org = Organisation.objects.create(name=data.validated_data["name"])
        return Response({"id": org.pk, "name": org.name}, status=status.HTTP_201_CREATED)


__all__ = ["handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path("api/v1/plumbing/", PlumbingApi.as_view()),
    path("", include("config.urls")),
]
