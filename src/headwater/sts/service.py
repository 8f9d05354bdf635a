"""STS's operations by name (query protocol, signing name "sts")."""

from __future__ import annotations

from headwater.sts.operations.assume_role import assume_role
from headwater.sts.operations.get_caller_identity import get_caller_identity

OPERATIONS = {
    "AssumeRole": assume_role,
    "GetCallerIdentity": get_caller_identity,
}
