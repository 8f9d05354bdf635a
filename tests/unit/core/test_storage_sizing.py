"""The page cache and memory mapping the storage asks SQLite for (--cache-size, --mmap-size)."""

from __future__ import annotations

from pathlib import Path

import pytest

from headwater.core import storage as storage_module
from headwater.core.storage import Storage, default_cache_mb


def _pragma(storage: Storage, name: str) -> int:
    return int(storage.conn.execute(f"PRAGMA {name}").fetchone()[0])


def test_explicit_sizes_are_applied(tmp_path: Path) -> None:
    storage = Storage(tmp_path, cache_mb=10, mmap_mb=5)
    try:
        assert _pragma(storage, "cache_size") == -10 * 1024  # KiB when negative
        assert _pragma(storage, "mmap_size") == 5 * 1024 * 1024
    finally:
        storage.close()


def test_defaults_map_the_file_and_size_the_cache_from_memory(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    try:
        assert _pragma(storage, "cache_size") == -default_cache_mb() * 1024
        assert _pragma(storage, "mmap_size") > 0  # capped by SQLite's build, never off
    finally:
        storage.close()


def test_mmap_zero_turns_the_mapping_off(tmp_path: Path) -> None:
    storage = Storage(tmp_path, mmap_mb=0)
    try:
        assert _pragma(storage, "mmap_size") == 0
    finally:
        storage.close()


@pytest.mark.parametrize(("memory", "expected"),
                         [(256, 64), (4096, 512), (64 * 1024, 1024), (None, 64)])
def test_default_cache_is_an_eighth_of_memory_within_bounds(
        monkeypatch: pytest.MonkeyPatch, memory: int | None, expected: int) -> None:
    monkeypatch.setattr(storage_module, "physical_memory_mb", lambda: memory)
    assert default_cache_mb() == expected
