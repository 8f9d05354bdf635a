"""How `headwater stream` shows a stream record: one compact line (time, short shard id,
sequence number, eventName, keys, and what changed between the old and new images), or the
record as one JSON line in its GetRecords wire shape (aws-facts §1.6).

Pure functions over records as boto3 returns them (timestamps as datetimes, binary as bytes);
nothing here talks to a server."""

from __future__ import annotations

import base64
import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

# A rendered attribute value longer than this is cut, so one big attribute cannot swamp a line.
MAX_VALUE_CHARS = 40
ELLIPSIS = "..."

Image = Mapping[str, Mapping[str, Any]]


def short_shard_id(shard_id: str) -> str:
    """The random tail of `shardId-<20 digits>-<8 hex>` (the part that tells shards apart)."""
    return shard_id.rsplit("-", 1)[-1]


def render_value(value: Mapping[str, Any]) -> str:
    """A DynamoDB attribute value, readably and cut to MAX_VALUE_CHARS: strings quoted, numbers
    bare, binary as hex, sets as <<...>> (PartiQL's notation), lists [...], maps {...}."""
    text = _render(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS - len(ELLIPSIS)] + ELLIPSIS
    return text


def _render(value: Mapping[str, Any]) -> str:
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return json.dumps(inner, ensure_ascii=False)
    if kind == "N":
        return str(inner)
    if kind == "B":
        return _hex(inner)
    if kind == "BOOL":
        return "true" if inner else "false"
    if kind == "NULL":
        return "null"
    if kind == "SS":
        return "<<" + ", ".join(json.dumps(s, ensure_ascii=False) for s in inner) + ">>"
    if kind == "NS":
        return "<<" + ", ".join(inner) + ">>"
    if kind == "BS":
        return "<<" + ", ".join(_hex(b) for b in inner) + ">>"
    if kind == "L":
        return "[" + ", ".join(_render(v) for v in inner) + "]"
    if kind == "M":
        return "{" + ", ".join(f"{k}: {_render(v)}" for k, v in inner.items()) + "}"
    return f"{kind}:{inner!r}"


def _hex(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return "0x" + raw.hex()


def render_keys(keys: Image, key_names: Collection[str] = ()) -> str:
    """`pk="a" sk=1`: the key schema's attributes first (hash, range), then any others."""
    names = [n for n in key_names if n in keys] + [n for n in keys if n not in key_names]
    return " ".join(f"{name}={render_value(keys[name])}" for name in names)


def image_diff(event_name: str, old: Image | None, new: Image | None,
               key_names: Collection[str] = ()) -> str:
    """What a record changed, leaving out the key attributes: `name: 1 -> 2` (changed),
    `+name=v` (added), `-name=v` (removed), by attribute name.

    An INSERT has no old image and a REMOVE no new one, so those count as empty. A MODIFY that
    carries only one image (stream view NEW_IMAGE or OLD_IMAGE) cannot be diffed: it shows that
    image as `new: ...` or `old: ...`. KEYS_ONLY records show nothing."""
    if old is None and new is None:
        return ""
    if old is None and event_name == "INSERT":
        old = {}
    if new is None and event_name == "REMOVE":
        new = {}
    if old is None or new is None:
        side, image = ("new", new) if old is None else ("old", old)
        assert image is not None
        shown = [f"{n}={render_value(image[n])}" for n in sorted(image) if n not in key_names]
        return f"{side}: " + (", ".join(shown) if shown else "(keys only)")
    entries: list[str] = []
    for name in sorted(set(old) | set(new)):
        if name in key_names:
            continue
        if name not in old:
            entries.append(f"+{name}={render_value(new[name])}")
        elif name not in new:
            entries.append(f"-{name}={render_value(old[name])}")
        elif old[name] != new[name]:
            entries.append(f"{name}: {render_value(old[name])} -> {render_value(new[name])}")
    if not entries:  # an item holding only its key is inserted or removed with no attributes
        return "(no change)" if event_name == "MODIFY" else ""
    return ", ".join(entries)


def record_line(record: Mapping[str, Any], shard_id: str,
                key_names: Collection[str] = ()) -> str:
    """`2026-11-27T16:35:31 304c47e9 100000000000000000005 MODIFY pk="a" | n: 1 -> 2`.
    Time is ApproximateCreationDateTime in UTC (whole seconds, as AWS sends it); TTL deletions
    end with `[TTL]`."""
    change = record["dynamodb"]
    moment = _utc(change.get("ApproximateCreationDateTime"))
    line = (f"{moment} {short_shard_id(shard_id)} {change.get('SequenceNumber', '?')} "
            f"{record.get('eventName', '?'):<6} {render_keys(change.get('Keys', {}), key_names)}")
    diff = image_diff(record.get("eventName", ""), change.get("OldImage"),
                      change.get("NewImage"), key_names)
    if diff:
        line += f" | {diff}"
    if record.get("userIdentity", {}).get("PrincipalId") == "dynamodb.amazonaws.com":
        line += " [TTL]"
    return line


def _utc(moment: datetime | float | None) -> str:
    if moment is None:
        return "-" * 19
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def record_json(record: Mapping[str, Any]) -> str:
    """The record as one line of JSON in its wire shape: ApproximateCreationDateTime back to
    epoch seconds, binary values back to base64."""
    return json.dumps(_to_wire(record), ensure_ascii=False)


def _to_wire(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_to_wire(item) for item in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    return value
