"""An upload's database work: a fixed number of queries a batch, not a few for every file.

Counted, never timed: `python -m bench intake_upload` prints the milliseconds.
"""

from __future__ import annotations

import hashlib
import math

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates import services
from candidates.models import Document
from candidates.services import batch_create, chunk_sizes
from outbox.models import Message
from tests.candidates.factories import (
    CandidateFactory,
    media_root,  # noqa: F401
    resume_text,
    upload,
    zip_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

S = Document.Status


def _known(tag: str) -> bytes:
    return f"a resume already read, {tag}".encode()


def _files(n: int, tag: str) -> list[SimpleUploadedFile]:
    """n uploads of every kind intake tells apart: new files, a twin of one of them, a ZIP of
    two, the bytes of a candidate the organisation already has, and an empty file."""
    texts = [resume_text(name=f"Person {tag} Number{i}").encode() for i in range(n - 4)]
    members = [(f"{tag}/{side}.txt", f"member {side} of {tag}".encode()) for side in "ab"]
    return [
        *(upload(f"{tag}-{i}.txt", data) for i, data in enumerate(texts)),
        upload(f"{tag}-again.txt", texts[0]),
        upload(f"{tag}.zip", zip_of(members)),
        upload(f"{tag}-known.txt", _known(tag)),
        upload(f"{tag}-empty.txt", b""),
    ]


def _queries(alice, org, files, capture) -> int:
    # The upload itself; its chunks are sent after the commit, in three queries however many they
    # are (tests/outbox), which are not counted here.
    with capture(execute=False), CaptureQueriesContext(connection) as queries:
        batch_create(org=org, user=alice, files=files)
    return len(queries)


def test_five_files_and_twenty_five_cost_the_same_queries(
    alice, alice_org, django_capture_on_commit_callbacks
) -> None:
    for tag in ("few", "many"):
        CandidateFactory(organisation=alice_org, sha256=hashlib.sha256(_known(tag)).hexdigest())

    few = _queries(alice, alice_org, _files(5, "few"), django_capture_on_commit_callbacks)
    many = _queries(alice, alice_org, _files(25, "many"), django_capture_on_commit_callbacks)

    assert few == many <= 10
    # Every file is accounted for as before: read, a twin, a member, a duplicate, a refusal.
    documents = {
        d.original_name: d for d in Document.objects.filter(original_name__startswith="many")
    }
    assert len(documents) == 26
    assert [d.status for d in documents.values()].count(S.UPLOADED) == 21 + 2
    assert (documents["many-again.txt"].status, documents["many-again.txt"].candidate) == (
        S.DUPLICATE,
        None,
    )
    assert not documents["many-again.txt"].file
    known = documents["many-known.txt"]
    assert (known.status, known.candidate.sha256) == (
        S.DUPLICATE,
        hashlib.sha256(_known("many")).hexdigest(),
    )
    assert documents["many-empty.txt"].error_code == "empty"
    assert documents["many.zip \u203a many/b.txt"].status == S.UPLOADED
    assert all(default_storage.exists(d.file.name) for d in documents.values() if d.file)


def test_a_full_batch_adds_only_the_inserts_the_database_splits_a_statement_into(
    alice, alice_org, settings, django_capture_on_commit_callbacks
) -> None:
    few = _queries(alice, alice_org, _files(5, "few"), django_capture_on_commit_callbacks)
    # One upload short of the limit: the ZIP's second member is the last file it takes.
    full = _files(settings.UPLOAD_MAX_BATCH_FILES - 1, "full")

    queries = _queries(alice, alice_org, full, django_capture_on_commit_callbacks)

    # SQLite caps a statement's parameters, so Django sends a long INSERT in several parts.
    fields = [f for f in Document._meta.concrete_fields if not f.primary_key]
    rows = settings.UPLOAD_MAX_BATCH_FILES
    inserts = math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))
    assert queries <= few + inserts - 1


def test_an_upload_queued_in_many_chunks_costs_the_queries_of_one_chunk(
    alice, alice_org, settings, django_capture_on_commit_callbacks
) -> None:
    settings.INTAKE_CHUNK_FILES = 1000
    one = _queries(alice, alice_org, _files(25, "one"), django_capture_on_commit_callbacks)
    settings.INTAKE_CHUNK_FILES = 2
    many = _queries(alice, alice_org, _files(25, "many"), django_capture_on_commit_callbacks)

    assert one == many
    # Read: every new text, the two ZIP members and the file no candidate holds yet.
    read = 25 - 4 + 3
    chunks = [
        args[0]
        for args in Message.objects.filter(task="matcher.documents_ingest")
        .order_by("pk")
        .values_list("args", flat=True)
    ]
    assert [len(c) for c in chunks] == [read, *chunk_sizes(read, largest=2)]
    uploaded = Document.objects.filter(original_name__startswith="many", status=S.UPLOADED)
    assert [pk for chunk in chunks[1:] for pk in chunk] == list(
        uploaded.order_by("pk").values_list("pk", flat=True)
    )


def test_an_upload_written_in_several_slices_keeps_its_order_and_its_duplicates(
    alice, alice_org, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(services, "SLICE_FILES", 3)
    texts = [resume_text(name=f"Person Number{i}").encode() for i in range(4)]
    names = ["0.txt", "1.txt", "empty.txt", "2.txt", "0-again.txt", "3.txt", "1-again.txt"]
    data = [texts[0], texts[1], b"", texts[2], texts[0], texts[3], texts[1]]

    with django_capture_on_commit_callbacks(execute=False):
        batch = batch_create(
            org=alice_org,
            user=alice,
            files=[upload(n, d) for n, d in zip(names, data, strict=True)],
        )

    documents = list(batch.documents.order_by("pk"))
    assert [d.original_name for d in documents] == names
    assert [d.status for d in documents] == [
        S.UPLOADED,
        S.UPLOADED,
        S.FAILED,
        S.UPLOADED,
        S.DUPLICATE,
        S.UPLOADED,
        S.DUPLICATE,
    ]
    assert len({d.file.name for d in documents if d.file}) == 4


def test_a_twin_of_a_file_still_waiting_in_another_upload_is_a_duplicate_in_its_own_tenant_only(
    alice, alice_org, charlie, charlie_org, django_capture_on_commit_callbacks
) -> None:
    data = resume_text().encode()
    with django_capture_on_commit_callbacks(execute=False):
        batch_create(org=alice_org, user=alice, files=[upload("ada.txt", data)])
        again = batch_create(org=alice_org, user=alice, files=[upload("ada-again.txt", data)])
        elsewhere = batch_create(org=charlie_org, user=charlie, files=[upload("ada.txt", data)])

    twin = again.documents.get()
    assert (twin.status, twin.candidate, twin.file.name) == (S.DUPLICATE, None, "")
    assert elsewhere.documents.get().status == S.UPLOADED
