"""The regions a replica may be created in: the commercial AWS partition's, from botocore's
endpoint data (AWS answers an unknown or misspelt region with the list it supports; DDB-TABLE-223
in ack-api-quirks, recorded 2026-10-09)."""

from __future__ import annotations

from functools import cache

from botocore.loaders import create_loader

from headwater.dynamodb.errors import ValidationException


@cache
def supported_regions() -> tuple[str, ...]:
    data = create_loader().load_data("endpoints")
    for partition in data["partitions"]:
        if partition["partition"] == "aws":
            return tuple(sorted(partition["regions"]))
    return ()


def check_region(region: str) -> None:
    regions = supported_regions()
    if region not in regions:
        raise ValidationException(
            f"Region {region} is not supported. The latest version of global tables are only "
            f"supported in the following regions: [{', '.join(regions)}].")
