"""Factories for intake rows, and real resumes (PDF, DOCX, scanned PNG, ZIP) built on the fly."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from datetime import datetime

import docx
import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from candidates.models import Candidate, Document, UploadBatch
from roles.models import Skill, SkillAlias

# --- Rows ------------------------------------------------------------------------------------


class UploadBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UploadBatch

    organisation = factory.SelfAttribute("created_by.membership.organisation")
    created_by = None
    file_count = 1


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    name = factory.Sequence(lambda n: f"Candidate {n}")
    email = factory.Sequence(lambda n: f"candidate{n}@example.net")
    headline = "Software Engineer"
    skills = factory.LazyFunction(lambda: ["Python", "Django"])
    text = factory.LazyAttribute(lambda o: f"{o.name}\n{o.headline}\nPython and Django.")
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"candidate-{n}".encode()).hexdigest())
    search_text = factory.LazyAttribute(
        lambda o: " | ".join([o.name, o.headline, *o.skills]).lower()
    )


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    original_name = factory.Sequence(lambda n: f"resume-{n}.pdf")
    size = 1000
    status = Document.Status.PARSED


# --- Resume text ------------------------------------------------------------------------------

SKILL_NAMES = ("Python", "Django", "PostgreSQL", "Kubernetes", "Docker", "Terraform")


def resume_lines(
    name: str = "Ada Lovelace",
    email: str = "ada@example.com",
    title: str = "Senior Backend Engineer",
    extra: str = "",
) -> list[str]:
    return [
        name,
        f"{title} | {email} | +44 20 7946 0958 | London, United Kingdom",
        "https://www.linkedin.com/in/ada-lovelace-example | https://github.com/ada-example",
        "Summary",
        "Backend engineer who builds reliable data products for recruiting and finance teams.",
        "Experience",
        f"{title}, Analytical Engines Ltd, 2019 - present",
        "Built Python and Django services on PostgreSQL, deployed with Docker on Kubernetes.",
        "Backend Developer, Difference Works, 03/2015 to 11/2018",
        "Automated infrastructure with Terraform and wrote reporting in Python.",
        "Education",
        "BSc in Mathematics, University of London, 2014",
        "Languages: English, French",
        *([extra] if extra else []),
    ]


def resume_text(**kwargs: str) -> str:
    return "\n".join(resume_lines(**kwargs)) + "\n"


def resume_pdf(**kwargs: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)  # same text, same bytes
    y = 800
    for line in resume_lines(**kwargs):
        pdf.drawString(50, y, line)
        y -= 18
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(
        buffer,
        pagesize=A4,
        encrypt=StandardEncryption("open-sesame", canPrint=0, canCopy=0),
    )
    y = 800
    for line in resume_lines(name="Hidden Person"):
        pdf.drawString(50, y, line)
        y -= 18
    pdf.save()
    return buffer.getvalue()


def resume_docx(*, saved: datetime | None = None, **kwargs: str) -> bytes:
    """`saved`: the day the file says it was last saved (python-docx's template says 2013)."""
    document = docx.Document()
    if saved is not None:
        document.core_properties.created = saved
        document.core_properties.modified = saved
    lines = resume_lines(**kwargs)
    document.add_paragraph(lines[0], style="Title")
    for line in lines[1:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def resume_png(**kwargs: str) -> bytes:
    """A 'scan': the resume rendered as a picture, with no text layer, for OCR."""
    lines = resume_lines(**kwargs)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
    except OSError:
        font = ImageFont.load_default(size=30)
    image = Image.new("L", (2200, 80 + 52 * len(lines)), color=255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((60, 40 + 52 * i), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def zip_of(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(megabytes: int = 300) -> bytes:
    """A single member of zeros that inflates to `megabytes`: tiny packed, huge unpacked."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("resume.txt", "w", force_zip64=True) as member,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(megabytes):
            member.write(chunk)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- Fixtures shared by the intake tests (imported by name into each module) ----------------


@pytest.fixture
def media_root(settings, tmp_path):
    """Stored files go to a folder of the test's own, so a test can see exactly what is kept."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def taxonomy(db):

    skills = {name: Skill.objects.create(name=name, category="Technology") for name in SKILL_NAMES}
    SkillAlias.objects.create(skill=skills["Kubernetes"], alias="k8s")
    SkillAlias.objects.create(skill=skills["PostgreSQL"], alias="Postgres")
    return skills
