"""Lambda's REST paths on the server's port: `/2015-03-31/`, `/2017-03-31/` (tags),
`/2017-10-31/`, `/2019-09-25/` (event invoke configs), `/2019-09-30/`. The composition root
(services.py) builds the one rest-json service behind them: the function operations and the
event source mapping operations."""

from __future__ import annotations

PREFIXES = ("/2015-03-31/", "/2017-03-31/", "/2017-10-31/", "/2019-09-25/", "/2019-09-30/")


def is_lambda_path(path: str) -> bool:
    return path.startswith(PREFIXES)
