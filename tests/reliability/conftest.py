"""The fault suite reuses the API tests' clients and their clean cache and media folder."""

from tests.api.conftest import _clean_cache, _media, alice_api, charlie_api

__all__ = ["_clean_cache", "_media", "alice_api", "charlie_api"]
