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

    def decode_cursor(self, request: Request) -> Any:
        # A mangled cursor is a bad parameter (400), not a missing list (DRF answers 404).
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from None
