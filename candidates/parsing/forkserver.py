"""`python -m candidates.parsing.forkserver`: a warm reader that forks a fresh child per file.

Starting Python and importing the parsers costs 0.2 to 0.4 s, several times what reading a
resume takes. This process pays that once: it imports every parser, then for each request
forks a child that reads exactly one file under the same caps as `child.py` (memory, CPU, no
core dumps, its own process group) and exits. The server itself never reads a document, so no
file can leave anything behind for the next one: each child starts from the same clean copy.

Protocol, one JSON line each way on stdin/stdout:
    -> {"path": ..., "filename": ..., "options": {...}, "timeout_s": ...}
    <- {"returncode": int, "stdout": str, "stderr": str}
with the same meaning as the child process's exit code and output in `sandbox.py`. A child
still running at `timeout_s` is killed with its whole group (a tesseract it started included),
and answers as killed (-SIGKILL).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import select
import signal
import sys
import time
import traceback

from candidates.parsing import child, text

STDERR_TAIL = 4000


# Windows-1252 with accents: text the charset detector has to work out.
_DETECTOR_SAMPLE = "Renée Müller, café manager in São Paulo since 2019.\n".encode("cp1252") * 4


def _preload() -> None:
    for modules in child._PRELOAD.values():
        for module in modules:
            with contextlib.suppress(ImportError):
                importlib.import_module(module)
    # The detector loads a code page's codec and fills its caches on first use; a child forked
    # before that did it again for every file, so a text file not in UTF-8 cost 35 ms forked
    # against 3 in-process. Our own bytes, never an upload's.
    with contextlib.suppress(Exception):
        text.decode(_DETECTOR_SAMPLE)


def _in_child(request: dict[str, object], out_w: int, err_w: int) -> None:
    """Runs in the forked child: never returns."""
    code = 1
    try:
        os.setpgid(0, 0)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.chdir(os.path.dirname(str(request["path"])) or ".")
        code = child.run(
            [str(request["path"]), str(request["filename"]), json.dumps(request["options"])]
        )
        sys.stdout.flush()
    except BaseException:
        with contextlib.suppress(Exception):
            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
    finally:
        os._exit(code)


def _collect(pid: int, out_r: int, err_r: int, timeout_s: float) -> tuple[int, bytes, bytes]:
    chunks: dict[int, list[bytes]] = {out_r: [], err_r: []}
    open_fds = [out_r, err_r]
    deadline = time.monotonic() + timeout_s
    killed = False
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            killed = True
            break
        ready, _, _ = select.select(open_fds, [], [], left)
        for fd in ready:
            data = os.read(fd, 65536)
            if data:
                chunks[fd].append(data)
            else:
                open_fds.remove(fd)
    _, status = os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # a tesseract left behind by a child that exited
    os.close(out_r)
    os.close(err_r)
    if killed:
        return -signal.SIGKILL, b"", b""
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return code, b"".join(chunks[out_r]), b"".join(chunks[err_r])[-STDERR_TAIL:]


def serve() -> int:
    _preload()
    # Every object imported so far moves to the collector's permanent generation: a child's
    # collections then leave the server's pages alone, where walking them copied each page the
    # child had inherited (16-33% of a forked child's time on real PDFs, two measured runs).
    gc.freeze()
    requests = sys.stdin.buffer
    answers = sys.stdout
    for line in requests:
        if not line.strip():
            continue
        request = json.loads(line)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        answers.flush()
        pid = os.fork()
        if pid == 0:
            os.close(out_r)
            os.close(err_r)
            _in_child(request, out_w, err_w)
        os.close(out_w)
        os.close(err_w)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # also here, so that a kill right away reaches the group
        code, out, err = _collect(pid, out_r, err_r, float(request.get("timeout_s", 60)))
        answers.write(
            json.dumps(
                {
                    "returncode": code,
                    "stdout": out.decode("utf-8", "replace"),
                    "stderr": err.decode("utf-8", "replace"),
                }
            )
            + "\n"
        )
        answers.flush()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sys.exit(serve())
