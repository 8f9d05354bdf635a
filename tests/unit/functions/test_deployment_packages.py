"""functions/deployment_packages.py: zip checks with AWS's messages and one-time unpacking."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from headwater.functions import deployment_packages as packages
from headwater.functions.errors import InvalidParameterValueException, RequestTooLargeException


def make_zip(entries: dict[str, bytes], modes: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (modes or {}).get(name, 0o644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def test_check_reports_sha_and_size() -> None:
    data = make_zip({"app.py": b"x = 1\n"})
    package = packages.check_zip(data)
    assert package.size == len(data)
    assert len(package.sha256) == 44 and len(package.key) == 64


def test_not_a_zip() -> None:
    with pytest.raises(InvalidParameterValueException, match="Could not unzip uploaded file"):
        packages.check_zip(b"garbage")


@pytest.mark.parametrize("name", ["../x.py", "/etc/x.py", "a/../../x.py"])
def test_entries_escaping_the_root(name: str) -> None:
    with pytest.raises(InvalidParameterValueException, match="outside the target directory"):
        packages.check_zip(make_zip({name: b"x"}))


def test_links_are_rejected() -> None:
    with pytest.raises(InvalidParameterValueException, match="symbolic link"):
        packages.check_zip(make_zip({"l": b"/etc/passwd"}, {"l": 0o120777}))


def test_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_zip({"big.bin": b"\0" * 5000})
    monkeypatch.setattr(packages, "MAX_UNZIPPED", 4000)
    with pytest.raises(InvalidParameterValueException,
                       match="^Unzipped size must be smaller than 4000 bytes$"):
        packages.check_zip(data)
    monkeypatch.setattr(packages, "MAX_ZIPPED", 10)
    with pytest.raises(RequestTooLargeException,
                       match="^Zipped size must be smaller than 10 bytes$"):
        packages.check_zip(data)


def test_unpack_once_keeps_modes(tmp_path: Path) -> None:
    data = make_zip({"bootstrap": b"#!/bin/sh\n", "pkg/mod.py": b"y = 2\n"},
                    {"bootstrap": 0o755})
    package = packages.check_zip(data)
    target = packages.unpack(tmp_path, package.key, data)
    assert (target / "pkg" / "mod.py").read_bytes() == b"y = 2\n"
    assert (target / "bootstrap").stat().st_mode & 0o111
    (target / "marker").write_text("kept")
    assert packages.unpack(tmp_path, package.key, data) == target
    assert (target / "marker").exists()
    assert [p.name for p in tmp_path.iterdir()] == [package.key]
