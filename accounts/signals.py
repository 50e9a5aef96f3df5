"""Signals other apps answer, so accounts stays below them."""

from django.dispatch import Signal

# Sent before an account email is rendered, with `template_prefix`, `email` and `context`; each
# receiver returns a dict merged into the context (billing says whether the free trial applies).
account_email_context = Signal()
