"""`python -m candidates.parsing.child PATH FILENAME`: the sandboxed side of sandbox.py.

Reads the document from PATH, caps its own memory, parses, and writes one JSON object on
stdout: {"ok": true, "document": {...}} or {"ok": false, "code": ..., "message": ...}.
A crash or a kill leaves stdout empty, which the parent reports as such.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys

from candidates.parsing import Limits, ParseError, detect_kind, extract

# The libraries each kind needs, imported before the memory cap: their own start-up is not the
# document's fault, and importing only these keeps a child's start quick. Our own reader of the
# kind and the standard modules it loads on first use (`_strptime` for a file's saved date,
# PDFium's UTF-16 codec) are here too: the warm reader imports them all once, where each forked
# child used to import them again for every file.
_PRELOAD: dict[str, tuple[str, ...]] = {
    "pdf": ("pypdfium2", "candidates.parsing.pdf", "encodings.utf_16_le", "_strptime"),
    "docx": ("docx", "lxml.etree", "candidates.parsing.word", "_strptime"),
    "image": ("PIL.Image", "pytesseract", "candidates.parsing.ocr"),
    "rtf": ("striprtf.striprtf", "charset_normalizer", "candidates.parsing.text"),
    "html": ("bs4", "lxml.etree", "charset_normalizer", "candidates.parsing.text"),
    "text": ("charset_normalizer", "candidates.parsing.text"),
}


def _limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if cpu_seconds > 0:
        # A backstop: the parent's wall-clock timeout normally fires first.
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(argv: list[str]) -> int:
    path, filename = argv[0], argv[1]
    options = json.loads(argv[2]) if len(argv) > 2 else {}
    with open(path, "rb") as handle:
        data = handle.read()
    # Imports first, limits second: the libraries' own start-up is not the document's fault.

    try:
        kind = detect_kind(data, filename)
    except ParseError:
        kind = ""  # extract raises it again below, with the same message
    for module in _PRELOAD.get(kind, ()):
        importlib.import_module(module)

    _limit_resources(int(options.get("memory_mb", 0)), int(options.get("cpu_seconds", 0)))
    limits = Limits.from_dict(options.get("limits", {}))
    try:
        document = extract(data, filename, ocr=bool(options.get("ocr", True)), limits=limits)
        payload = {"ok": True, "document": document.to_dict()}
    except ParseError as exc:
        payload = {"ok": False, "code": exc.code, "message": exc.message}
    except MemoryError:
        payload = {"ok": False, "code": "too_complex", "message": ""}
    sys.stdout.write(json.dumps(payload))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sys.exit(run(sys.argv[1:]))
