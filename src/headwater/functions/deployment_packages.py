"""Deployment packages: check a zip (size limits, paths escaping the root, links) with AWS's
messages (aws-facts §5.1), and unpack each code version once under the code root by sha256."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import shutil
import stat
import tempfile
import zipfile
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
    try:
        data = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else encoded
    except binascii.Error:
        raise InvalidParameterValueException(BAD_ZIP)
    if len(data) > MAX_ZIPPED:
        raise RequestTooLargeException(f"Zipped size must be smaller than {MAX_ZIPPED} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidParameterValueException(BAD_ZIP)
    total = 0
    for info in infos:
        _check_entry(info)
        total += info.file_size
    if total > MAX_UNZIPPED:
        raise InvalidParameterValueException(
            f"Unzipped size must be smaller than {MAX_UNZIPPED} bytes")
    digest = hashlib.sha256(data)
    return Package(data, base64.b64encode(digest.digest()).decode(), len(data), digest.hexdigest())


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
