"""The AWS SDK a Python Lambda runtime ships: AWS puts boto3 and botocore in /var/runtime, after
the function's own code on sys.path, so handlers can call AWS without bundling it. Headwater
links the server's own copies (pure Python) into one directory that workers append to sys.path,
so every python3.X interpreter finds them while a function's bundled boto3 still wins."""

from __future__ import annotations

import importlib
from pathlib import Path

# boto3 and everything it imports at run time, all pure Python.
SDK_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


def link_sdk(target: Path) -> Path:
    """Create (or refresh) `target` holding links to the SDK packages; returns it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SDK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        source = Path(module.__file__ or "")
        if source.name == "__init__.py":
            source = source.parent
        link = target / source.name
        if link.is_symlink() or link.exists():
            if link.resolve() == source.resolve():
                continue
            link.unlink()
        link.symlink_to(source, target_is_directory=source.is_dir())
    return target
