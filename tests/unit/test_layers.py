"""Every top-level module and package of headwater has a place in the layers contract that
`make lint` checks (pyproject.toml [tool.importlinter]), so a new package cannot slip past
DESIGN.md's layering unconstrained."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import headwater

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_every_top_level_module_is_in_the_layers_contract() -> None:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    listed = {name.strip().removeprefix("headwater.")
              for layer in layers for name in layer.replace(":", "|").split("|")}
    present = {module.name for module in pkgutil.iter_modules(headwater.__path__)}
    assert present - listed == set()
    assert listed - present == set()
