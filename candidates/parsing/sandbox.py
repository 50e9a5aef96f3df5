"""Parse a document in a throw-away child process with a wall-clock limit and a memory cap.

Celery's prefork children are daemonic and may not start multiprocessing children, so the child
is a plain `python -m candidates.parsing.child` started with subprocess: that works from any
process, and a crash, a hang or a memory blow-up in PDFium, libxml2 or tesseract takes down only
the child. The child leads its own process group so a timeout also kills a tesseract it started.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .document import Limits, ParsedDocument
from .errors import MESSAGES, ParseError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env["OMP_THREAD_LIMIT"] = "1"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _too_slow(timeout_s: float) -> ParseError:
    return ParseError(
        "timeout",
        f"Reading this file took longer than {timeout_s:.0f} seconds and was stopped. "
        "Re-export it (for example as a text-based PDF) and upload it again.",
    )


class _WarmReader:
    """This process's fork server (`forkserver.py`), started on first use and again after it
    dies. Owned by the process that started it: a forked worker child starts its own."""

    process: subprocess.Popen[bytes] | None = None
    owner = 0

    @classmethod
    def get(cls) -> subprocess.Popen[bytes]:
        alive = cls.process is not None and cls.process.poll() is None
        if not alive or cls.owner != os.getpid():
            cls.process = subprocess.Popen(
                [sys.executable, "-m", "candidates.parsing.forkserver"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=tempfile.gettempdir(),
                env=_child_env(),
                start_new_session=True,
            )
            cls.owner = os.getpid()
        assert cls.process is not None
        return cls.process

    @classmethod
    def stop(cls) -> None:
        if cls.process is not None and cls.owner == os.getpid():
            _kill_group(cls.process)
        cls.process = None


class _ReaderGone(Exception):
    """The fork server died or stopped answering; the file is read the cold way instead."""


def _ask_warm_reader(
    path: Path, filename: str, options: dict[str, object], timeout_s: float
) -> tuple[int, bytes, bytes]:
    server = _WarmReader.get()
    assert server.stdin is not None
    assert server.stdout is not None
    request = {"path": str(path), "filename": filename, "options": options, "timeout_s": timeout_s}
    try:
        server.stdin.write(json.dumps(request).encode() + b"\n")
        server.stdin.flush()
    except OSError:
        _WarmReader.stop()
        raise _ReaderGone from None
    # The server enforces the file's own time limit; this one only catches a stuck server.
    ready, _, _ = select.select([server.stdout], [], [], timeout_s + 30)
    line = server.stdout.readline() if ready else b""
    if not line:
        _WarmReader.stop()
        raise _ReaderGone
    answer = json.loads(line)
    return (
        int(answer["returncode"]),
        str(answer["stdout"]).encode("utf-8"),
        str(answer["stderr"]).encode("utf-8"),
    )


def extract_sandboxed(
    data: bytes,
    filename: str,
    *,
    timeout_s: float,
    memory_mb: int,
    ocr: bool = True,
    limits: Limits | None = None,
    warm: bool = False,
) -> ParsedDocument:
    """`extract` in a child process. Raises ParseError("timeout" | "too_complex" | "crashed")
    besides the codes `extract` itself raises.

    `warm`: fork the child from this process's warm reader instead of starting a new
    interpreter (the same caps, a fresh process per file, a fraction of the start-up cost)."""
    options = {
        "ocr": ocr,
        "memory_mb": memory_mb,
        "cpu_seconds": int(timeout_s) + 5,
        "limits": (limits or Limits()).to_dict(),
    }
    with tempfile.TemporaryDirectory(prefix="rolematch-parse-") as tmp:
        path = Path(tmp) / "document"
        path.write_bytes(data)
        if warm:
            try:
                returncode, stdout, stderr = _ask_warm_reader(path, filename, options, timeout_s)
            except _ReaderGone:
                pass  # read it the cold way below
            else:
                if returncode == -signal.SIGKILL and not stdout:
                    raise _too_slow(timeout_s)  # the reader stopped it at the time limit
                return _result(returncode, stdout, stderr)
        # Our own interpreter and module; the document only ever travels as a file path.
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "candidates.parsing.child",
                str(path),
                filename,
                json.dumps(options),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp,
            env=_child_env(),
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise _too_slow(timeout_s) from None
        finally:
            if process.poll() is None:
                _kill_group(process)
    return _result(process.returncode, stdout, stderr)


def _result(returncode: int, stdout: bytes, stderr: bytes) -> ParsedDocument:
    payload = None
    if stdout:
        try:
            payload = json.loads(stdout)
        except ValueError:
            payload = None
    if isinstance(payload, dict) and returncode == 0:
        if payload.get("ok"):
            return ParsedDocument.from_dict(payload["document"])
        code = str(payload.get("code", "crashed"))
        raise ParseError(code, payload.get("message") or MESSAGES.get(code))
    tail = stderr[-2000:].decode("utf-8", "replace")
    memory_signs = ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory")
    if any(sign in tail for sign in memory_signs):
        raise ParseError("too_complex")
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise ParseError("timeout")
    raise ParseError("crashed")
