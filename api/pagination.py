from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.request import Request


class CursorPagination(BaseCursorPagination):
    """Stable pages over lists that grow while a client walks them (new uploads, new entries)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"
    invalid_cursor_message = "This cursor is not valid: use the `next` or `previous` link as is."
    page_number_message = (
        "Lists are paged by cursor, not by number: follow the `next` link until it is null."
    )

    @property
    def invalid_page_size_message(self) -> str:
        return (
            f"Send a whole number from 1 to {self.max_page_size}, or leave `page_size` out "
            f"for pages of {self.page_size}."
        )

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        # Ignored like other unknown parameters, `page=2` would answer the first page again, and
        # a client counting pages until a 404 would never stop.
        if request.query_params.get("page", ""):
            raise ValidationError({"page": [self.page_number_message]})
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        # DRF quietly answers a default page for a size it cannot use, and a smaller page than
        # asked for past the maximum: a client would take either for the whole list.
        raw = request.query_params.get(self.page_size_query_param, "")
        # Empty is absent, as for every filter: the form or URL template left it blank.
        if raw == "":
            return self.page_size
        try:
            size = int(raw) if raw.isascii() and raw.isdigit() else 0
        except ValueError:  # more digits than Python converts to an int
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [self.invalid_page_size_message]})
        return size

    def decode_cursor(self, request: Request) -> Any:
        # A mangled cursor is a bad parameter (400), not a missing list (DRF answers 404).
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from None

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page, 1 to {self.max_page_size} (default {self.page_size}); "
                    "anything else is a 400 `validation-error`."
                )
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters
