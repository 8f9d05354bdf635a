"""functions/deployment_packages.py: zip checks with AWS's messages and one-time unpacking."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _replace_at(data: bytes, signature: bytes, offset: int, value: bytes) -> bytes:
    """`data` with `value` written `offset` bytes into the record that starts with `signature`."""
    at = data.index(signature) + offset
    return data[:at] + value + data[at + len(value):]


LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
APP = make_zip({"app.py": b"def handler(event, context):\n    return event\n" * 20})


@pytest.mark.parametrize("damaged", [
    # A local header whose name differs from the central directory's.
    pytest.param(APP.replace(b"app.py", b"apq.py", 1), id="header-name-differs"),
    # Central directory entries that point at no local header, or name an unknown method.
    pytest.param(_replace_at(APP, CENTRAL, 42, b"\x10\x00\x00\x00"), id="bad-header-offset"),
    pytest.param(_replace_at(APP, CENTRAL, 10, b"\x63\x00"), id="unknown-compression"),
    pytest.param(_replace_at(APP, b"PK\x05\x06", 16, b"\x01\x00\x00\x00"),
                 id="directory-offset-wrong"),
    pytest.param(_replace_at(APP, CENTRAL, 16, b"\0\0\0\0"), id="bad-crc"),
    pytest.param(_replace_at(APP, CENTRAL, 8, b"\x01\x00"), id="encrypted-flag"),
    pytest.param(APP[:40] + APP[60:], id="truncated-data"),
])
def test_damaged_archives_are_refused_with_awss_message(damaged: bytes) -> None:
    with pytest.raises(InvalidParameterValueException) as caught:
        packages.check_zip(damaged)
    assert caught.value.message == packages.BAD_ZIP


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, len(APP) - 1), st.integers(0, 255)), max_size=4))
def test_any_corruption_is_refused_or_accepted_never_raised(changes: list[tuple[int, int]]
                                                            ) -> None:
    data = bytearray(APP)
    for at, byte in changes:
        data[at] = byte
    try:
        packages.check_zip(bytes(data))
    except InvalidParameterValueException as error:
        assert error.message.startswith(packages.BAD_ZIP) or "Unzipped size" in error.message
