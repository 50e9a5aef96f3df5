"""Parsing in a child process: the worker survives whatever the document does."""

from __future__ import annotations

import io
import multiprocessing
import signal

import pytest
from PIL import Image

from candidates.parsing import Limits, ParseError, extract
from candidates.parsing.sandbox import _result, extract_sandboxed

from . import documents as docs


def test_it_returns_the_same_text_as_parsing_in_process():
    data = docs.docx_resume()
    sandboxed = extract_sandboxed(data, "okafor.docx", timeout_s=60, memory_mb=1024)
    assert sandboxed == extract(data, "okafor.docx")


def test_it_passes_the_childs_parse_error_through_with_its_code_and_message():
    with pytest.raises(ParseError) as caught:
        extract_sandboxed(docs.pdf_encrypted(), "locked.pdf", timeout_s=60, memory_mb=1024)
    assert caught.value.code == "encrypted"
    assert "password" in caught.value.message


def test_it_passes_limits_to_the_child():
    with pytest.raises(ParseError) as caught:
        extract_sandboxed(
            docs.RESUME_TEXT.encode() * 20,
            "cv.txt",
            timeout_s=60,
            memory_mb=1024,
            limits=Limits(max_file_bytes=5_000),
        )
    assert caught.value.code == "too_large"


def test_it_stops_a_parse_that_runs_past_the_time_limit(tesseract):
    # Ten scanned pages take tesseract many seconds; the limit is far below that.
    pages = [docs.rendered_page() for _ in range(10)]
    buffer = io.BytesIO()
    pages[0].convert("RGB").save(
        buffer,
        format="PDF",
        resolution=300,
        save_all=True,
        append_images=[p.convert("RGB") for p in pages[1:]],
    )
    with pytest.raises(ParseError) as caught:
        extract_sandboxed(buffer.getvalue(), "slow-scan.pdf", timeout_s=1, memory_mb=1024)
    assert caught.value.code == "timeout"
    assert "took longer" in caught.value.message


def test_it_reports_a_document_that_needs_more_memory_than_allowed(tesseract):
    # 20,000 x 20,000 white pixels: a tiny PNG that inflates to 400 MB of greyscale.
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000), 1).save(buffer, format="PNG")
    with pytest.raises(ParseError) as caught:
        extract_sandboxed(
            buffer.getvalue(),
            "poster.png",
            timeout_s=120,
            memory_mb=350,
            limits=Limits(max_image_pixels=10**9),
        )
    assert caught.value.code in {"too_complex", "crashed"}


@pytest.mark.parametrize(
    ("returncode", "stderr", "code"),
    [
        (-signal.SIGSEGV, b"", "crashed"),
        (-signal.SIGABRT, b"terminate called after throwing 'std::bad_alloc'", "too_complex"),
        (1, b"Traceback ...\nMemoryError", "too_complex"),
        (-signal.SIGKILL, b"", "timeout"),
    ],
)
def test_a_child_that_dies_becomes_a_parse_error_a_recruiter_can_read(returncode, stderr, code):
    with pytest.raises(ParseError) as caught:
        _result(returncode, b"", stderr)
    assert caught.value.code == code
    assert caught.value.message


def _parse_in_daemon(queue):  # type: ignore[no-untyped-def]
    try:
        document = extract_sandboxed(
            docs.docx_resume(), "okafor.docx", timeout_s=60, memory_mb=1024
        )
        queue.put(("ok", document.text))
    except Exception as exc:  # the test asserts on whatever came back
        queue.put(("error", repr(exc)))


def test_it_works_from_a_daemonic_process_like_a_celery_prefork_child():
    # Daemonic processes may not start multiprocessing children; a subprocess is fine.
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_parse_in_daemon, args=(queue,), daemon=True)
    worker.start()
    status, payload = queue.get(timeout=120)
    worker.join(timeout=30)
    assert status == "ok", payload
    assert "Certified Kubernetes Administrator" in payload
