"""Deployment packages: check a zip (size limits, paths escaping the root, links) with AWS's
messages (aws-facts §5.1), and unpack each code version once under the code root by sha256."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import lzma
import os
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from headwater.functions.errors import InvalidParameterValueException, RequestTooLargeException

MAX_ZIPPED = 52_428_800
MAX_UNZIPPED = 262_144_000
BAD_ZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."


@dataclass(frozen=True, slots=True)
class Package:
    zip_bytes: bytes
    sha256: str  # base64, as CodeSha256 shows it
    size: int
    key: str  # hex sha256: the unpack directory name


def check_zip(encoded: str | bytes) -> Package:
    """The package, once every entry has been read back: a zip whose central directory,
    local headers (names that differ from the directory's), compressed data or CRCs are bad is
    refused here with AWS's message, so nothing later (unpack, DryRun) meets it."""
    try:
        data = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else encoded
    except binascii.Error:
        raise InvalidParameterValueException(BAD_ZIP)
    if len(data) > MAX_ZIPPED:
        raise RequestTooLargeException(f"Zipped size must be smaller than {MAX_ZIPPED} bytes")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _read_entries(archive)
    except UNREADABLE:
        raise InvalidParameterValueException(BAD_ZIP) from None
    digest = hashlib.sha256(data)
    return Package(data, base64.b64encode(digest.digest()).decode(), len(data), digest.hexdigest())


# What zipfile raises for a damaged archive: BadZipFile (directory, header names, CRC),
# zlib/bz2/lzma errors, EOFError (truncated data), NotImplementedError (compression method),
# RuntimeError (encrypted entries), struct.error and ValueError (malformed fields), and
# UnicodeDecodeError (names) among the ValueErrors.
UNREADABLE = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError,
              RuntimeError, struct.error, ValueError, OSError)


def _read_entries(archive: zipfile.ZipFile) -> None:
    total = 0
    for info in archive.infolist():
        _check_entry(info)
        if info.is_dir():
            continue
        with archive.open(info) as source:
            while chunk := source.read(1 << 20):
                total += len(chunk)
                if total > MAX_UNZIPPED:
                    raise InvalidParameterValueException(
                        f"Unzipped size must be smaller than {MAX_UNZIPPED} bytes")


def _check_entry(info: zipfile.ZipInfo) -> None:
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or info.filename.startswith(("/", "\\")):
        raise InvalidParameterValueException(
            f"{BAD_ZIP} Entry {info.filename} is outside the target directory.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise InvalidParameterValueException(
            f"{BAD_ZIP} Entry {info.filename} is a symbolic link.")


def unpack(root: Path, package_key: str, zip_bytes: bytes) -> Path:
    """The directory holding this code version, unpacked on first use (atomic rename)."""
    target = root / package_key
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=root))
    try:
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
            written = 0
            for info in archive.infolist():
                _check_entry(info)
                destination = staging / info.filename
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(destination, "wb") as sink:
                    while chunk := source.read(1 << 20):
                        written += len(chunk)
                        if written > MAX_UNZIPPED:
                            raise InvalidParameterValueException(
                                f"Unzipped size must be smaller than {MAX_UNZIPPED} bytes")
                        sink.write(chunk)
                mode = (info.external_attr >> 16) & 0o777
                os.chmod(destination, mode | 0o444 if mode else 0o644)
        try:
            staging.rename(target)
        except OSError:  # another unpack won the race
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
