from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import organisation_required


@organisation_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/dashboard.html", {"organisation": request.organisation})  # type: ignore[attr-defined]
