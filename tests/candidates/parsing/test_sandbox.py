"""Parsing in a child process: the worker survives whatever the document does."""

from __future__ import annotations

import importlib
import io
import multiprocessing
import os
import signal
import subprocess
import sys

import pytest
from PIL import Image

from candidates.parsing import Limits, ParseError, child, extract, sandbox
from candidates.parsing.sandbox import _result, extract_sandboxed

from . import documents as docs

# Every behaviour holds both ways: a new interpreter per file, or a child forked per file from
# the warm reader.
both = pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])


@both
def test_it_returns_the_same_text_as_parsing_in_process(warm):
    data = docs.docx_resume()
    sandboxed = extract_sandboxed(data, "okafor.docx", timeout_s=60, memory_mb=1024, warm=warm)
    assert sandboxed == extract(data, "okafor.docx")


@both
def test_it_passes_the_childs_parse_error_through_with_its_code_and_message(warm):
    with pytest.raises(ParseError) as caught:
        extract_sandboxed(
            docs.pdf_encrypted(), "locked.pdf", timeout_s=60, memory_mb=1024, warm=warm
        )
    assert caught.value.code == "encrypted"
    assert "password" in caught.value.message


@both
def test_it_passes_limits_to_the_child(warm):
    with pytest.raises(ParseError) as caught:
        extract_sandboxed(
            docs.RESUME_TEXT.encode() * 20,
            "cv.txt",
            timeout_s=60,
            memory_mb=1024,
            limits=Limits(max_file_bytes=5_000),
            warm=warm,
        )
    assert caught.value.code == "too_large"


def test_the_warm_reader_forks_a_fresh_child_per_file_and_survives_a_killed_one(tesseract):
    server = sandbox._WarmReader.get()
    first = extract_sandboxed(docs.docx_resume(), "a.docx", timeout_s=60, memory_mb=1024, warm=True)
    with pytest.raises(ParseError) as caught:
        extract_sandboxed(_slow_scan(), "slow-scan.pdf", timeout_s=1, memory_mb=1024, warm=True)
    assert caught.value.code == "timeout"
    again = extract_sandboxed(docs.docx_resume(), "a.docx", timeout_s=60, memory_mb=1024, warm=True)
    assert again == first
    assert sandbox._WarmReader.get() is server  # the server outlived the killed child


def test_a_dead_warm_reader_is_replaced_and_the_file_still_read():
    extract_sandboxed(docs.docx_resume(), "a.docx", timeout_s=60, memory_mb=1024, warm=True)
    dead = sandbox._WarmReader.get()
    os.killpg(dead.pid, signal.SIGKILL)
    dead.wait()
    document = extract_sandboxed(
        docs.docx_resume(), "a.docx", timeout_s=60, memory_mb=1024, warm=True
    )
    assert "Certified Kubernetes Administrator" in document.text
    assert sandbox._WarmReader.get() is not dead


def _slow_scan() -> bytes:
    # Ten scanned pages take tesseract many seconds.
    pages = [docs.rendered_page() for _ in range(10)]
    buffer = io.BytesIO()
    pages[0].convert("RGB").save(
        buffer,
        format="PDF",
        resolution=300,
        save_all=True,
        append_images=[p.convert("RGB") for p in pages[1:]],
    )
    return buffer.getvalue()


@both
def test_it_stops_a_parse_that_runs_past_the_time_limit(tesseract, warm):
    # Ten scanned pages take tesseract many seconds; the limit is far below that.
    with pytest.raises(ParseError) as caught:
        extract_sandboxed(_slow_scan(), "slow-scan.pdf", timeout_s=1, memory_mb=1024, warm=warm)
    assert caught.value.code == "timeout"
    assert "took longer" in caught.value.message


@both
def test_it_reports_a_document_that_needs_more_memory_than_allowed(tesseract, warm):
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
            warm=warm,
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


def _parse_in_daemon(queue, warm):
    try:
        document = extract_sandboxed(
            docs.docx_resume(), "okafor.docx", timeout_s=60, memory_mb=1024, warm=warm
        )
        queue.put(("ok", document.text))
    except Exception as exc:  # the test asserts on whatever came back
        queue.put(("error", repr(exc)))


@both
def test_it_works_from_a_daemonic_process_like_a_celery_prefork_child(warm):
    # Daemonic processes may not start multiprocessing children; a subprocess is fine.
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_parse_in_daemon, args=(queue, warm), daemon=True)
    worker.start()
    status, payload = queue.get(timeout=120)
    worker.join(timeout=30)
    assert status == "ok", payload
    assert "Certified Kubernetes Administrator" in payload


@pytest.mark.parametrize("kind", sorted(child._PRELOAD))
def test_every_module_a_child_preloads_exists(kind):
    # The cold child imports these before its memory cap and fails the file on an ImportError;
    # the warm reader skips one quietly, so a misspelt name would only cost speed there.
    for module in child._PRELOAD[kind]:
        assert importlib.import_module(module).__name__ == module


def test_the_warm_reader_loads_each_kinds_reader_before_it_forks():
    # A forked child then finds its reader loaded instead of importing it for every file.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from candidates.parsing import forkserver; forkserver._preload(); "
            "print(' '.join(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=sandbox.PROJECT_ROOT,
    ).stdout.split()
    for reader in ("candidates.parsing.pdf", "candidates.parsing.word", "candidates.parsing.text"):
        assert reader in loaded
