"""Plumbing shared by every API endpoint: errors as problem details, idempotent creates,
cursor pagination and per-token throttling. Endpoints themselves live in each app's apis.py."""
