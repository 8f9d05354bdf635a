"""Packaging local code for `headwater deploy`: deterministic zips, which template members are
packaged, and parameter overrides."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from headwater.deploy.artifacts import PackagingError, package, zip_path
from headwater.deploy.command import parse_overrides


def test_zips_are_deterministic_and_keep_modes(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "pkg" / "run.sh").chmod(0o755)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"junk")
    first = zip_path(tmp_path)
    (tmp_path / "app.py").touch()  # a new mtime changes nothing
    assert zip_path(tmp_path) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["app.py", "pkg/run.sh"]
        assert archive.getinfo("pkg/run.sh").external_attr >> 16 & 0o777 == 0o755


def test_a_zip_is_uploaded_as_it_is_and_a_missing_path_fails(tmp_path: Path) -> None:
    (tmp_path / "code.zip").write_bytes(b"PK-as-is")
    assert zip_path(tmp_path / "code.zip") == b"PK-as-is"
    with pytest.raises(PackagingError, match="does not exist"):
        zip_path(tmp_path / "missing")


def test_package_rewrites_local_code_only(tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "a.py").write_text("")
    uploads: list[str] = []

    def upload(data: bytes, digest: str) -> tuple[str, str]:
        uploads.append(digest)
        return "bucket", f"stack/{digest}.zip"

    template = {
        "Globals": {"Function": {"CodeUri": "fn"}},
        "Resources": {
            "Sam": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "fn/"}},
            "Remote": {"Type": "AWS::Serverless::Function",
                       "Properties": {"CodeUri": "s3://elsewhere/code.zip"}},
            "Plain": {"Type": "AWS::Lambda::Function", "Properties": {"Code": "./fn"}},
            "Inline": {"Type": "AWS::Lambda::Function",
                       "Properties": {"Code": {"ZipFile": "def handler(e, c): pass"}}},
        }}
    packaged = package(template, tmp_path, upload)
    digest = uploads[0]
    assert len(uploads) == 1  # one directory, zipped and uploaded once
    resources = packaged.template["Resources"]
    assert packaged.template["Globals"]["Function"]["CodeUri"] == f"s3://bucket/stack/{digest}.zip"
    assert resources["Sam"]["Properties"]["CodeUri"] == f"s3://bucket/stack/{digest}.zip"
    assert resources["Remote"]["Properties"]["CodeUri"] == "s3://elsewhere/code.zip"
    assert resources["Plain"]["Properties"]["Code"] == {"S3Bucket": "bucket",
                                                       "S3Key": f"stack/{digest}.zip"}
    assert resources["Inline"]["Properties"]["Code"] == {"ZipFile": "def handler(e, c): pass"}
    assert template["Resources"]["Sam"]["Properties"]["CodeUri"] == "fn/"  # not changed


def test_parameter_overrides() -> None:
    assert parse_overrides(("A=1 B=x=y", "C=")) == {"A": "1", "B": "x=y", "C": ""}
    with pytest.raises(ValueError, match="K=V pairs"):
        parse_overrides(("A",))
