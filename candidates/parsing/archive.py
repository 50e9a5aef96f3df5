"""ZIP batches opened safely: every limit is checked from the central directory BEFORE a byte is
inflated, and one bad member is rejected alone while the rest of the batch goes on."""

from __future__ import annotations

import io
import itertools
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from .detect import sniff
from .document import Limits
from .errors import ParseError

# Names a ZIP made on a Mac or Windows carries that are never a resume.
_JUNK_PARTS = frozenset({"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"})
_ARCHIVE_EXTENSIONS = frozenset(
    {".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".cab", ".jar", ".iso"}
)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ZipMember:
    name: str
    data: bytes


@dataclass(frozen=True)
class ZipRejection:
    name: str
    code: str
    message: str
    size: int = 0  # the uncompressed size the archive declares for the member


def _mb(n: float) -> str:
    return f"{n / 1_048_576:.0f} MB"


def _unsafe_name(name: str) -> bool:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        return True
    return any(part == ".." for part in normalised.split("/"))


def _is_junk(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p in _JUNK_PARTS or p.startswith("._") for p in parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _check_overlap(infos: list[zipfile.ZipInfo], size: int) -> None:
    """Refuse entries that share compressed bytes: the trick of non-recursive ZIP bombs, where
    thousands of names point at one highly compressed block."""
    spans = sorted((i.header_offset, i.header_offset + i.compress_size) for i in infos)
    for (start, end), (next_start, _) in itertools.pairwise(spans):
        if next_start < end or next_start == start:
            raise ParseError("zip_bomb")
    if spans and spans[-1][1] > size:
        raise ParseError("corrupt", "This ZIP is damaged (it ends before its contents).")


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ParseError(
            "corrupt", "This ZIP file is damaged and cannot be opened. Create it again."
        ) from exc


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Inflate at most `cap` bytes: the declared size can lie, the counter cannot."""
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            out += chunk
            if len(out) > cap:
                raise ParseError("zip_bomb")
    return bytes(out)


def iter_zip_members(data: bytes, *, limits: Limits) -> Iterator[ZipMember | ZipRejection]:
    """The files of a ZIP batch, each either read (ZipMember) or refused with a reason.

    Raises ParseError for the archive as a whole: damaged, more members than allowed, or more
    uncompressed bytes in total than a batch may hold.
    """
    with _open(data) as archive:
        infos = archive.infolist()
        _check_overlap(infos, len(data))
        members = [i for i in infos if not i.is_dir() and not _is_junk(i.filename)]
        if len(members) > limits.max_files:
            raise ParseError(
                "too_large",
                f"This ZIP holds {len(members)} files; a batch may hold at most "
                f"{limits.max_files}. Split it into smaller ZIPs.",
            )
        declared = sum(i.file_size for i in members)
        if declared > limits.max_batch_bytes:
            raise ParseError(
                "too_large",
                f"This ZIP expands to {_mb(declared)}; a batch may hold at most "
                f"{_mb(limits.max_batch_bytes)}. Split it into smaller ZIPs.",
            )
        inflated = 0
        for info in members:
            rejection = _refusal(info, limits)
            if rejection is not None:
                yield replace(rejection, size=info.file_size)
                continue
            cap = min(info.file_size, limits.max_file_bytes)
            try:
                content = _read_capped(archive, info, cap)
            except ParseError as exc:
                yield ZipRejection(info.filename, exc.code, exc.message, info.file_size)
                continue
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
                yield ZipRejection(
                    info.filename,
                    "corrupt",
                    "This file is damaged inside the ZIP (its checksum does not match).",
                    info.file_size,
                )
                continue
            inflated += len(content)
            if inflated > limits.max_batch_bytes:
                raise ParseError("zip_bomb")
            if sniff(content) in ("zip", "archive"):
                yield ZipRejection(info.filename, "nested_archive", _nested_message(), len(content))
                continue
            yield ZipMember(info.filename, content)


def _nested_message() -> str:
    return "Archives inside a ZIP are not opened. Extract them and upload the files."


def _refusal(info: zipfile.ZipInfo, limits: Limits) -> ZipRejection | None:
    name = info.filename
    if _unsafe_name(name):
        return ZipRejection(
            name,
            "unsafe_name",
            "This entry has an unsafe name (absolute path or '..') and was skipped.",
        )
    if _is_symlink(info):
        return ZipRejection(name, "unsafe_name", "This entry is a symbolic link and was skipped.")
    if info.flag_bits & 0x1:
        return ZipRejection(
            name,
            "encrypted",
            "This file is password-protected inside the ZIP. Add it without a password.",
        )
    if PurePosixPath(name.lower()).suffix in _ARCHIVE_EXTENSIONS:
        return ZipRejection(name, "nested_archive", _nested_message())
    if info.file_size > limits.max_file_bytes:
        return ZipRejection(
            name,
            "too_large",
            f"This file is {info.file_size / 1_048_576:.1f} MB; the limit is "
            f"{_mb(limits.max_file_bytes)} a file.",
        )
    if info.compress_type not in (
        zipfile.ZIP_STORED,
        zipfile.ZIP_DEFLATED,
        zipfile.ZIP_BZIP2,
        zipfile.ZIP_LZMA,
    ):
        return ZipRejection(
            name, "unsupported", "This file uses a ZIP compression method we cannot open."
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1_048_576 and ratio > limits.max_compression_ratio:
        return ZipRejection(
            name,
            "zip_bomb",
            f"This file would expand {ratio:.0f} times its packed size, a pattern used by "
            "malicious archives, so it was not opened.",
        )
    return None
