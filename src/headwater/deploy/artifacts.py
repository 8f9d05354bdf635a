"""Local code in a template, packed and uploaded as `aws cloudformation package` does: each
function whose code is a local path (AWS::Serverless::Function CodeUri, Globals.Function.CodeUri,
AWS::Lambda::Function Code) gets a zip of that directory (or file; a .zip is taken as it is),
uploaded to an S3 bucket of the account's, and the template points at the object instead.

Zips are built deterministically (sorted names, fixed times, modes kept, no __pycache__), and an
object is named by its content's SHA-256, so deploying unchanged code uploads nothing and changes
nothing in the stack."""

from __future__ import annotations

import copy
import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SKIPPED_DIRECTORIES = frozenset({"__pycache__", ".git", ".aws-sam"})


class PackagingError(Exception):
    """A code path the template names cannot be packed (missing, unreadable)."""


@dataclass
class Packaged:
    template: dict[str, Any]
    uploads: list[str] = field(default_factory=list)  # "s3://bucket/key" per zip, in order


Upload = Callable[[bytes, str], tuple[str, str]]  # (zip bytes, sha256) -> (bucket, key)


def is_local(value: Any) -> bool:
    return isinstance(value, str) and not value.startswith("s3://") and "://" not in value


def zip_path(path: Path) -> bytes:
    """`path` as a deployment package: a directory's files (relative names), one file alone,
    or a .zip as it is."""
    if not path.exists():
        raise PackagingError(f"{path} does not exist")
    if path.is_file() and path.suffix == ".zip":
        return path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if path.is_file():
            _add(archive, path, path.name)
        else:
            for file in _files(path):
                _add(archive, file, file.relative_to(path).as_posix())
    return buffer.getvalue()


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        found.extend(Path(directory) / name for name in sorted(files)
                     if not name.endswith(".pyc"))
    return found


def _add(archive: zipfile.ZipFile, file: Path, name: str) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.external_attr = (file.stat().st_mode & 0o777 | 0o100000) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, file.read_bytes())


def package(template: dict[str, Any], base: Path, upload: Upload) -> Packaged:
    """A copy of `template` whose local code paths (relative to `base`, the template's
    directory) are uploaded objects."""
    result = Packaged(copy.deepcopy(template))
    done: dict[Path, tuple[str, str]] = {}

    def stored(value: str) -> tuple[str, str]:
        path = (base / value).resolve()
        if path not in done:
            data = zip_path(path)
            done[path] = upload(data, hashlib.sha256(data).hexdigest())
            result.uploads.append(f"s3://{done[path][0]}/{done[path][1]}")
        return done[path]

    function_globals = (result.template.get("Globals") or {}).get("Function") or {}
    if is_local(function_globals.get("CodeUri")):
        bucket, key = stored(function_globals["CodeUri"])
        function_globals["CodeUri"] = f"s3://{bucket}/{key}"
    for resource in (result.template.get("Resources") or {}).values():
        if not isinstance(resource, dict):
            continue
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            continue
        kind = resource.get("Type")
        if kind == "AWS::Serverless::Function" and is_local(properties.get("CodeUri")):
            bucket, key = stored(properties["CodeUri"])
            properties["CodeUri"] = f"s3://{bucket}/{key}"
        elif kind == "AWS::Lambda::Function" and is_local(properties.get("Code")):
            bucket, key = stored(properties["Code"])
            properties["Code"] = {"S3Bucket": bucket, "S3Key": key}
    return result
