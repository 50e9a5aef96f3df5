"""Parsing throughput per format, pypdfium2 beside pypdf, and the sandbox on hostile files.

`python -m bench parsing [--quick]`. Every document is generated here (reportlab, python-docx,
Pillow), so the figures are reproducible on any machine with the project installed.

Prints, per format: files per second and the median (p50) and 99th-percentile (p99) time per
file for `candidates.parsing.extract` in-process; then pypdfium2 (our layout-aware reader) beside
pypdf's `extract_text` on the very same PDFs; then each format through the warm reader (a
child forked per file, as the worker reads) beside in-process, file by file; then each hostile
file through `extract_sandboxed`, with its outcome and the peak resident memory of the child
that read it.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from candidates.parsing import Limits, extract  # noqa: E402
from candidates.parsing.ocr import tesseract_available  # noqa: E402
from candidates.parsing.pdf import extract_pdf, extract_pdf_pypdf  # noqa: E402
from candidates.parsing.sandbox import extract_sandboxed  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FIRST = ["Maria", "Daniel", "Joana", "Wei", "Amara", "Lukas", "Priya", "Omar", "Sofia", "Kenji"]
LAST = ["Keller", "Okafor", "Ferreira", "Chen", "Mensah", "Novak", "Iyer", "Haddad", "Rossi"]
SKILLS = [
    "Python", "SQL", "Apache Kafka", "PostgreSQL", "Docker", "Kubernetes", "Terraform", "React",
    "TypeScript", "Java", "Spring Boot", "AWS", "Airflow", "Pandas", "Go", "Redis", "GraphQL",
]  # fmt: skip
VERBS = ["Built", "Designed", "Maintained", "Migrated", "Automated", "Led", "Scaled", "Tested"]


def resume_lines(rng: random.Random, jobs: int = 4) -> list[str]:
    """A plausible one- to two-page resume in plain lines."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    lines = [name, "Senior Software Engineer", "Berlin, Germany", "Phone: +49 30 1234 5678", ""]
    lines.append("Experience")
    year = 2024
    for _ in range(jobs):
        start = year - rng.randint(1, 4)
        lines.append(f"Software Engineer, Company {rng.randint(1, 999)}, {start} - {year}")
        for _ in range(4):
            picked = ", ".join(rng.sample(SKILLS, 3))
            lines.append(
                f"{rng.choice(VERBS)} services with {picked} for teams across the organisation."
            )
        year = start
    lines += ["", "Education", "M.Sc. in Computer Science, University of Vienna, 2008 - 2010"]
    lines += ["", "Skills", ", ".join(rng.sample(SKILLS, 10))]
    return lines


def make_pdf(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica", 10)
    y = 800
    for line in lines:
        if y < 50:
            page.showPage()
            page.setFont("Helvetica", 10)
            y = 800
        page.drawString(50, y, line)
        y -= 14
    page.save()
    return buffer.getvalue()


def make_two_column_pdf(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(40, 805, lines[0])
    page.setFont("Helvetica", 8)
    sidebar = [*lines[1:5], "Skills", *SKILLS[:12]]
    for index, line in enumerate(sidebar):
        page.drawString(40, 770 - index * 12, line[:30])
    for index, line in enumerate(lines[5:]):
        page.drawString(200, 770 - index * 12, line[:95])
    page.save()
    return buffer.getvalue()


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = lines[0]
    for line in lines[:-3]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Skill", "Years"
    table.cell(1, 0).text, table.cell(1, 1).text = "Python", "6"
    for line in lines[-3:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_html(lines: list[str]) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in lines)
    return (
        "<html><head><title>CV</title><style>p{margin:0}</style>"
        "<script>window.analytics = {};</script></head>"
        f"<body><main>{body}</main></body></html>"
    ).encode()


def make_png(lines: list[str]) -> bytes:
    font = ImageFont.truetype(str(FONT), 34) if FONT.exists() else ImageFont.load_default(34)
    shown = lines[:30]
    image = Image.new("L", (2480, 140 + 54 * len(shown)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(shown):
        draw.text((120, 70 + index * 54), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


FORMATS: dict[str, tuple[str, Callable[[list[str]], bytes]]] = {
    "pdf (text)": ("cv.pdf", make_pdf),
    "pdf (two-column)": ("cv.pdf", make_two_column_pdf),
    "docx": ("cv.docx", make_docx),
    "txt (cp1252)": (
        "cv.txt",
        lambda lines: ("\n".join(lines) + "\nCafé naïve").encode("cp1252"),
    ),
    "html": ("cv.html", make_html),
    "png (OCR)": ("cv.png", make_png),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def run_formats(count: int, ocr_count: int, rng: random.Random) -> dict[str, list[bytes]]:
    print(f"\n{'format':<20}{'files':>7}{'files/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'KB avg':>9}")
    corpora: dict[str, list[bytes]] = {}
    for label, (filename, make) in FORMATS.items():
        n = ocr_count if "OCR" in label else count
        if "OCR" in label and not tesseract_available():
            print(f"{label:<20}  skipped: tesseract is not installed")
            continue
        corpus = [make(resume_lines(rng, jobs=rng.randint(3, 6))) for _ in range(n)]
        corpora[label] = corpus
        extract(corpus[0], filename)  # warm-up: imports and PDFium start-up are not per file
        times = [timed(lambda d=data, f=filename: extract(d, f)) for data in corpus]
        size = statistics.mean(len(d) for d in corpus) / 1024
        print(
            f"{label:<20}{n:>7}{n / sum(times):>10.1f}{percentile(times, 0.5) * 1000:>10.1f}"
            f"{percentile(times, 0.99) * 1000:>10.1f}{size:>9.0f}"
        )
    return corpora


def run_pdf_baseline(corpora: dict[str, list[bytes]]) -> None:
    print(f"\n{'same PDFs':<20}{'pypdfium2 ms':>14}{'pypdf ms':>10}{'pypdf/pdfium':>14}")
    limits = Limits()
    for label in ("pdf (text)", "pdf (two-column)"):
        corpus = corpora.get(label, [])
        if not corpus:
            continue
        ours = [timed(lambda d=d: extract_pdf(d, ocr=False, limits=limits)) for d in corpus]
        base = [timed(lambda d=d: extract_pdf_pypdf(d)) for d in corpus]
        p50_ours, p50_base = statistics.median(ours), statistics.median(base)
        print(
            f"{label:<20}{p50_ours * 1000:>14.1f}{p50_base * 1000:>10.1f}"
            f"{p50_base / p50_ours:>13.1f}x"
        )


def run_warm_reader(corpora: dict[str, list[bytes]]) -> None:
    """Each file through the warm reader (a child forked per file, as the worker reads) beside
    the same file in-process, taking turns file by file: what isolating a file costs."""
    print(f"\n{'warm reader':<20}{'in-process ms':>15}{'forked ms':>11}{'cost ms':>9}")
    for label, (filename, _) in FORMATS.items():
        corpus = corpora.get(label, [])
        if not corpus or "OCR" in label:
            continue
        extract_sandboxed(corpus[0], filename, timeout_s=30, memory_mb=1024, warm=True)
        inside, forked = [], []
        for data in corpus:
            inside.append(timed(lambda d=data, f=filename: extract(d, f)))
            forked.append(
                timed(
                    lambda d=data, f=filename: extract_sandboxed(
                        d, f, timeout_s=30, memory_mb=1024, warm=True
                    )
                )
            )
        p50_in, p50_fork = statistics.median(inside), statistics.median(forked)
        print(
            f"{label:<20}{p50_in * 1000:>15.1f}{p50_fork * 1000:>11.1f}"
            f"{(p50_fork - p50_in) * 1000:>9.1f}"
        )


def hostile_corpus() -> list[tuple[str, str, bytes]]:
    rng = random.Random(7)
    good_pdf = make_pdf(resume_lines(rng))
    bomb_xml = io.BytesIO()
    with zipfile.ZipFile(bomb_xml, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"<w:document>" + b" " * 300_000_000)
    big_png = io.BytesIO()
    Image.new("1", (20_000, 20_000), 1).save(big_png, format="PNG")
    zip_named_pdf = io.BytesIO()
    with zipfile.ZipFile(zip_named_pdf, "w") as archive:
        archive.writestr("cv.txt", "resume " * 100)
    deep_html = ("<div>" * 50_000 + "resume " * 40 + "</div>" * 50_000).encode()

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(good_pdf)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="x")  # noqa: S106 - a throw-away fixture
    locked = io.BytesIO()
    writer.write(locked)
    return [
        ("good resume (control)", "cv.pdf", good_pdf),
        ("exe named .pdf", "cv.pdf", b"MZ\x90\x00" + bytes(4096)),
        ("zip named .pdf", "cv.pdf", zip_named_pdf.getvalue()),
        ("truncated PDF", "cv.pdf", good_pdf[: len(good_pdf) // 3]),
        ("garbage PDF", "cv.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 200),
        ("encrypted PDF", "cv.pdf", locked.getvalue()),
        ("DOCX bomb (300 MB XML)", "cv.docx", bomb_xml.getvalue()),
        ("400 MP PNG", "poster.png", big_png.getvalue()),
        ("50k nested <div>", "cv.html", deep_html),
        ("empty file", "cv.txt", b""),
    ]


_PROBE = """
import json, resource, sys, time
from candidates.parsing import Limits, ParseError
from candidates.parsing.sandbox import extract_sandboxed
data = sys.stdin.buffer.read()
started = time.perf_counter()
try:
    doc = extract_sandboxed(data, sys.argv[1], timeout_s=30, memory_mb=int(sys.argv[2]),
                            limits=Limits(max_image_pixels=10**9))
    outcome = f"ok ({doc.word_count} words)"
except ParseError as exc:
    outcome = exc.code
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"outcome": outcome, "seconds": elapsed, "peak_kb": peak}))
"""


def run_hostile(memory_mb: int) -> None:
    print(f"\nhostile corpus through extract_sandboxed (memory cap {memory_mb} MB, timeout 30 s)")
    print(f"{'file':<26}{'outcome':<22}{'wall s':>8}{'child peak RSS MB':>19}")
    peaks = []
    for label, filename, data in hostile_corpus():
        # A fresh probe per file so RUSAGE_CHILDREN holds exactly that file's child.
        result = subprocess.run(
            [sys.executable, "-c", _PROBE, filename, str(memory_mb)],
            input=data,
            capture_output=True,
            cwd=ROOT,
            check=True,
        )
        row = json.loads(result.stdout)
        peaks.append(row["peak_kb"])
        print(
            f"{label:<26}{row['outcome']:<22}{row['seconds']:>8.2f}{row['peak_kb'] / 1024:>19.0f}"
        )
    print(f"worker peak over the hostile corpus: {max(peaks) / 1024:.0f} MB (cap {memory_mb} MB)")


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    rng = random.Random(42)
    count, ocr_count = (5, 1) if quick else (40, 3)
    print(f"python {sys.version.split()[0]}; {count} files per format, {ocr_count} for OCR")
    corpora = run_formats(count, ocr_count, rng)
    run_pdf_baseline(corpora)
    run_warm_reader(corpora)
    run_hostile(memory_mb=512)


if __name__ == "__main__":
    main(sys.argv[1:])
