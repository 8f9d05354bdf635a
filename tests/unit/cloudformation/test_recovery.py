"""A server stopped mid-deployment leaves no stack IN_PROGRESS: the next start settles each in
the failed state CloudFormation would reach (cloudformation/stacks.py SETTLED), its resources'
unfinished operations failed, with the reason in the events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from headwater.cloudformation import store
from headwater.cloudformation.model import Resource, Stack
from headwater.cloudformation.stacks import INTERRUPTED, Stacks
from headwater.core.clock import Clock
from headwater.core.principal import Principal
from headwater.core.storage import Storage


class NoCalls:
    async def call(self, caller: Principal, service: str, operation: str,
                   request: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("recovery calls no service")

    def has(self, service: str, operation: str) -> bool:
        return False


@pytest.mark.parametrize(("status", "settled"), [
    ("CREATE_IN_PROGRESS", "CREATE_FAILED"),
    ("ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED"),
    ("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED"),
    ("UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED"),
    ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE"),
    ("DELETE_IN_PROGRESS", "DELETE_FAILED"),
])
def test_restart_settles_stacks_left_in_progress(tmp_path: Path, status: str,
                                                 settled: str) -> None:
    storage = Storage(tmp_path)
    stack = Stack("arn:stack/s/1", "s", "000000000000", "us-east-1", status, 1.0, "{}", {}, {},
                  {"account": "000000000000", "region": "us-east-1",
                   "arn": "arn:aws:iam::000000000000:root", "kind": "root",
                   "access_key": ""})
    with storage.transaction() as conn:
        store.put_stack(conn, stack)
        store.put_resource(conn, stack.stack_id, Resource("Queue", "AWS::SQS::Queue",
                                                          "CREATE_IN_PROGRESS", 1.0))
        store.put_resource(conn, stack.stack_id, Resource("Topic", "AWS::SNS::Topic",
                                                          "CREATE_COMPLETE", 1.0, "arn:t"))
    storage.close()
    storage = Storage(tmp_path)
    Stacks(storage, Clock(), NoCalls())
    found = store.stack_by_id(storage.conn, stack.stack_id)
    assert found is not None
    assert (found.status, found.reason) == (settled, INTERRUPTED)
    resources = store.resources(storage.conn, stack.stack_id)
    assert (resources["Queue"].status, resources["Queue"].reason) == ("CREATE_FAILED",
                                                                      INTERRUPTED)
    assert resources["Topic"].status == "CREATE_COMPLETE"
    newest = store.events(storage.conn, stack.stack_id)[0]
    assert (newest["ResourceStatus"], newest["ResourceStatusReason"]) == (settled, INTERRUPTED)
    storage.close()
