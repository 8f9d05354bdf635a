"""SEARCH expressions ("CloudWatch search expression syntax") matched against the metrics
Headwater holds."""

from __future__ import annotations

import re

from headwater.cloudwatch.store import Series

_SCHEMA = re.compile(r"^\s*\{([^}]*)\}")
_TERM = re.compile(r"\s*(?:(\w+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s()]+)|(\"[^\"]*\"|[^\s()]+))")


def search_matches(expression: str, series: Series) -> bool:
    """Whether `series` matches a search expression: an optional schema
    `{Namespace,DimensionName,...}` (exactly those dimension names), then terms all of which
    must match: `Key=Value` / `Key="Value"` exactly (MetricName, Namespace or a dimension), or
    a bare word found in the metric name, namespace or a dimension name or value."""
    text = expression
    schema = _SCHEMA.match(text)
    if schema:
        names = [part.strip().strip('"') for part in schema.group(1).split(",")]
        if series.namespace != names[0]:
            return False
        if sorted(names[1:]) != sorted(k for k, _ in series.dimensions):
            return False
        text = text[schema.end():]
    fields = {"MetricName": series.name, "Namespace": series.namespace, **dict(series.dimensions)}
    for match in _TERM.finditer(text):
        key, value, word = match.groups()
        if key is not None:
            if fields.get(key) != value.strip("\"'"):
                return False
        elif word and word.upper() not in ("AND",):
            wanted = word.strip('"').lower()
            haystack = [series.name, series.namespace, *(p for kv in series.dimensions
                                                           for p in kv)]
            if not any(wanted in part.lower() for part in haystack):
                return False
    return True
