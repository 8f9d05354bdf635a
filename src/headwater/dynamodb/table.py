"""A DynamoDB table's definition: key schema, throughput, stream and TTL settings.

The stored description is the static part of DescribeTable's `Table`; item count and size are
added when the table is described.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from headwater.dynamodb.indexes import Index, indexes_of


@dataclass(slots=True)
class Table:
    id: int
    account: str
    region: str
    name: str
    description: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)
    ttl: dict[str, Any] = field(default_factory=dict)
    hash_name: str = ""
    hash_type: str = ""
    range_name: str | None = None
    range_type: str | None = None
    indexes: list[Index] = field(default_factory=list)
    # UpdateTableReplicaAutoScaling's settings (accepted and described; nothing scales).
    autoscaling: dict[str, Any] = field(default_factory=dict)
    # (name, type, is the hash key) of each key attribute, derived once by `refresh`.
    key_parts: tuple[tuple[str, str, bool], ...] = ()
    # The UTF-8 bytes of the key attributes' names when no key is a number (None
    # otherwise): then a key's item_size is this plus its encoded parts' lengths.
    key_names_size: int | None = None
    # Whether the table's last PutItem that read the old row only for the stream record or
    # capacity found none (a load of new keys): then the next one tries a plain INSERT first,
    # one statement instead of a read and a write; an overwrite goes back to reading first.
    # Only a guess, owned by PutItem: either way the write and its record are the same.
    inserts_likely: bool = False

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Re-derive key and index fields after the description changed."""
        self.indexes = indexes_of(self.description)
        definitions = self.description["AttributeDefinitions"]
        types = {d["AttributeName"]: d["AttributeType"] for d in definitions}
        for element in self.description["KeySchema"]:
            if element["KeyType"] == "HASH":
                self.hash_name = element["AttributeName"]
                self.hash_type = types[self.hash_name]
            else:
                self.range_name = element["AttributeName"]
                self.range_type = types[self.range_name]
        self.key_parts = ((self.hash_name, self.hash_type, True),)
        if self.range_name is not None and self.range_type is not None:
            self.key_parts += ((self.range_name, self.range_type, False),)
        self.key_names_size = (None if any(kind == "N" for _, kind, _ in self.key_parts)
                               else sum(len(name.encode("utf-8"))
                                        for name, _, _ in self.key_parts))

    @property
    def arn(self) -> str:
        return str(self.description["TableArn"])

    @property
    def status(self) -> str:
        return str(self.description["TableStatus"])

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash_name,) if self.range_name is None else (self.hash_name, self.range_name)

    @property
    def stream_view_type(self) -> str | None:
        """The view type of the table's enabled stream, or None when it has none."""
        spec = self.description.get("StreamSpecification")
        if spec and spec.get("StreamEnabled"):
            return str(spec["StreamViewType"])
        return None

    @property
    def replicated(self) -> bool:
        """Whether the table is a global table replica (it lists other replicas)."""
        return bool(self.description.get("Replicas"))

    @property
    def replica_regions(self) -> list[str]:
        """The regions of the table's other replicas, as DescribeTable lists them."""
        return [str(r["RegionName"]) for r in self.description.get("Replicas", [])]

    def index(self, name: str) -> Index | None:
        return next((index for index in self.indexes if index.name == name), None)

    def key_of(self, item: dict[str, Any]) -> dict[str, Any]:
        if self.range_name is None:
            return {self.hash_name: item[self.hash_name]}
        return {name: item[name] for name in self.key_names}
