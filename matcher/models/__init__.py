"""Candidates and their documents (intake), matches and their results (engine)."""

from matcher.models.matches import *  # noqa: F403
from matcher.models.workspace import *  # noqa: F403
