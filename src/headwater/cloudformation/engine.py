"""Stack operations as they run in the background: create, update (in place or by
replacement, as the provider schema's createOnlyProperties decide), delete, and the rollbacks
that undo a failed create or update. Resources run in dependency order, those independent of
each other in parallel (asyncio tasks); each status change is saved with its event before the
next step, so a restart finds what was done (stacks.recover)."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from headwater.cloudformation import failures
from headwater.cloudformation.errors import DeploymentFailure, ValidationError
from headwater.cloudformation.exports import exports, importers
from headwater.cloudformation.model import Resource, Stack
from headwater.cloudformation.resources.base import Api, Outcome
from headwater.cloudformation.resources.registry import NAME_PROPERTIES, TYPES
from headwater.cloudformation.stacks import Stacks
from headwater.cloudformation.template import graph, schemas
from headwater.cloudformation.template.intrinsics import Scope, as_text, resolve
from headwater.cloudformation.template.prepare import Prepared
from headwater.core.principal import ASSUMED_ROLE, Principal

NEW_RESOURCE = "Requested update requires the creation of a new physical resource; hence " \
               "creating one."
INITIATED = "User Initiated"
Step = Callable[[str], Coroutine[Any, Any, bool]]


def caller_of(stack: Stack) -> Principal:
    """Who acts on the services: the stack's service role (RoleARN) as a session, else the
    caller that created or last updated the stack."""
    caller = Principal(**stack.caller)
    if stack.role_arn:
        role = stack.role_arn.rpartition("/")[2]
        return Principal(stack.account, stack.region,
                         f"arn:aws:sts::{stack.account}:assumed-role/{role}/AWSCloudFormation",
                         ASSUMED_ROLE)
    return caller


async def schedule(needs: dict[str, set[str]], step: Step) -> bool:
    """Run `step` for every name once all it needs succeeded, independent ones at once; after
    a failure no new step starts. True when every step succeeded."""
    done: set[str] = set()
    started: set[str] = set()
    running: dict[asyncio.Task[bool], str] = {}
    failed = False
    while True:
        if not failed:
            for name, deps in needs.items():
                if name not in started and deps <= done:
                    started.add(name)
                    running[asyncio.create_task(step(name))] = name
        if not running:
            return not failed and done == set(needs)
        finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for task in finished:
            name = running.pop(task)
            if task.result():
                done.add(name)
            else:
                failed = True


def needs_of(resources: dict[str, Resource]) -> dict[str, set[str]]:
    """The dependencies among deployed resources, from the definitions they were made from."""
    out = {}
    for logical, resource in resources.items():
        body = {k: v for k, v in resource.definition.items() if k != "DependsOn"}
        refs, atts = graph.references(body, {})
        depends = resource.definition.get("DependsOn") or []
        names = refs | atts | set([depends] if isinstance(depends, str) else depends)
        out[logical] = {name for name in names if name in resources and name != logical}
    return out


def reverse(needs: dict[str, set[str]]) -> dict[str, set[str]]:
    """Deletion order: a resource goes once everything that needs it is gone."""
    return {name: deps for name, deps in graph.dependents(needs).items() if name in needs}


@dataclass
class Run:
    stacks: Stacks
    stack: Stack
    current: dict[str, Resource]  # the stack's resources as they are now
    prepared: Prepared | None = None
    before: dict[str, Resource] = field(default_factory=dict)  # as they were (updates)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    replaced: dict[str, Resource] = field(default_factory=dict)  # old copies to delete
    failed: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)

    def api(self, logical_id: str) -> Api:
        return Api(self.stacks.calls, caller_of(self.stack), self.stack.account,
                   self.stack.region, self.stack.name, logical_id)

    def scope(self) -> Scope:
        assert self.prepared is not None
        base = self.prepared.scope
        return Scope(base.pseudo, base.parameters, base.mappings, base.conditions,
                     self._ref, self._attribute, self._import)

    def _ref(self, logical: str) -> Any:
        resource = self.current.get(logical)
        if resource is None or resource.physical_id is None:
            raise ValidationError(f"Template format error: Unresolved resource dependencies "
                                  f"[{logical}] in the Resources block of the template")
        return resource.physical_id

    def _attribute(self, logical: str, name: str) -> Any:
        resource = self.current.get(logical)
        if resource is None or resource.physical_id is None:
            raise ValidationError(f"Template error: instance of Fn::GetAtt references "
                                  f"undefined resource {logical}")
        if name not in resource.attributes:
            raise ValidationError(f"Template error: resource {logical} does not support "
                                  f"attribute type {name} in Fn::GetAtt")
        return resource.attributes[name]

    def _import(self, name: str) -> Any:
        found = exports(self.stacks.storage.conn, self.stack.account, self.stack.region)
        if name not in found or found[name].stack_id == self.stack.stack_id:
            raise DeploymentFailure(f"No export named {name} found. Rollback requested by user.")
        self.imports.add(name)
        return found[name].value

    # One resource

    def _record(self, resource: Resource, status: str, reason: str = "",
                properties: dict[str, Any] | None = None) -> None:
        resource.status, resource.reason = status, reason
        resource.updated = self.stacks.clock.now()
        self.stacks.save_resource(self.stack, resource)
        self.stacks.event(self.stack, resource.logical_id, resource.type, status, reason,
                          resource.physical_id or "", properties)

    async def deploy(self, logical: str) -> bool:
        """Create, update or replace one resource of the new template; False on failure."""
        assert self.prepared is not None
        definition = self.prepared.resources[logical]
        kind = definition["Type"]
        raw = definition.get("Properties") or {}
        old = self.current.get(logical)
        if old is not None and old.type != kind:
            old = None
        try:
            properties = self._properties(logical, kind, raw)
        except Exception as error:
            target = old or Resource(logical, kind, "", 0)
            status = "UPDATE_FAILED" if old is not None else "CREATE_FAILED"
            if old is None:
                self.current[logical] = target
            self._record(target, status, failures.reason(error), raw)
            self.failed.append(logical)
            return False
        if old is None:
            return await self._create(logical, kind, definition, properties)
        if old.properties == properties and old.definition == definition \
                and old.status.endswith("COMPLETE"):
            return True
        handler = TYPES.get(kind)
        changed = {key for key in set(old.properties) | set(properties)
                   if old.properties.get(key) != properties.get(key)}
        replace_on = schemas.create_only(kind) | (handler.replace_on if handler else set())
        if changed & replace_on:
            return await self._replace(logical, old, definition, properties)
        return await self._update(logical, old, definition, properties)

    def planned(self, logical: str, kind: str, raw: dict[str, Any]) -> dict[str, Any]:
        """The properties `raw` resolves to against the resources as they are now."""
        return self._properties(logical, kind, raw)

    def _properties(self, logical: str, kind: str, raw: dict[str, Any]) -> dict[str, Any]:
        if kind not in TYPES:
            raise DeploymentFailure(f"Headwater does not support resource type {kind} "
                                    f"(resource {logical}).")
        properties = resolve(raw, self.scope())
        found = schemas.problems(kind, properties)
        if found:
            raise DeploymentFailure(f"Properties validation failed for resource {logical} with "
                                    "message:\n" + "\n".join(found))
        return schemas.coerce(kind, properties)

    async def _create(self, logical: str, kind: str, definition: dict[str, Any],
                      properties: dict[str, Any], reason: str = "") -> bool:
        resource = Resource(logical, kind, "", 0, None, "", properties, {}, definition,
                            definition.get("Metadata"))
        self.current[logical] = resource
        self._record(resource, "CREATE_IN_PROGRESS", reason, definition.get("Properties"))
        try:
            outcome = await TYPES[kind].create(self.api(logical), properties)
        except Exception as error:
            self._record(resource, "CREATE_FAILED", failures.reason(error),
                         definition.get("Properties"))
            self.failed.append(logical)
            return False
        self.created.append(logical)
        self._apply(resource, outcome)
        self._record(resource, "CREATE_COMPLETE", outcome.note, definition.get("Properties"))
        return True

    async def _update(self, logical: str, old: Resource, definition: dict[str, Any],
                      properties: dict[str, Any]) -> bool:
        resource = copy.deepcopy(old)
        resource.definition = definition
        self.current[logical] = resource
        self._record(resource, "UPDATE_IN_PROGRESS", "", definition.get("Properties"))
        try:
            assert old.physical_id is not None
            outcome = await TYPES[old.type].update(self.api(logical), old.physical_id,
                                                   old.properties, properties, old.attributes)
        except Exception as error:
            self._record(resource, "UPDATE_FAILED", failures.reason(error),
                         definition.get("Properties"))
            self.failed.append(logical)
            return False
        resource.properties = properties
        self.updated.append(logical)
        self._apply(resource, outcome)
        self._record(resource, "UPDATE_COMPLETE", outcome.note, definition.get("Properties"))
        return True

    async def _replace(self, logical: str, old: Resource, definition: dict[str, Any],
                       properties: dict[str, Any]) -> bool:
        name = NAME_PROPERTIES.get(old.type)
        if name and properties.get(name) and properties.get(name) == old.properties.get(name):
            reason = (f"CloudFormation cannot update a stack when a custom-named resource "
                      f"requires replacing. Rename {properties[name]} and update the stack "
                      "again.")
            self._record(old, "UPDATE_FAILED", reason, definition.get("Properties"))
            self.failed.append(logical)
            return False
        resource = Resource(logical, old.type, "", 0, None, "", properties, {}, definition,
                            definition.get("Metadata"))
        self.current[logical] = resource
        self._record(resource, "UPDATE_IN_PROGRESS", NEW_RESOURCE, definition.get("Properties"))
        try:
            outcome = await TYPES[old.type].create(self.api(logical), properties)
        except Exception as error:
            self._record(resource, "UPDATE_FAILED", failures.reason(error),
                         definition.get("Properties"))
            self.failed.append(logical)
            return False
        self.replaced[logical] = old
        self._apply(resource, outcome)
        self._record(resource, "UPDATE_COMPLETE", outcome.note, definition.get("Properties"))
        return True

    @staticmethod
    def _apply(resource: Resource, outcome: Outcome) -> None:
        resource.physical_id = outcome.physical_id
        resource.attributes = dict(outcome.attributes)

    async def remove(self, resource: Resource, retain: bool) -> bool:
        """Delete one resource (or leave it, DELETE_SKIPPED, when its policy retains it)."""
        logical = resource.logical_id
        if retain or resource.physical_id is None or resource.type not in TYPES:
            if resource.physical_id is not None and retain:
                self._record(resource, "DELETE_SKIPPED")
            self.stacks.forget_resource(self.stack, logical)
            return True
        self._record(resource, "DELETE_IN_PROGRESS")
        try:
            await TYPES[resource.type].delete(self.api(logical), resource.physical_id,
                                              resource.properties)
        except Exception as error:
            self._record(resource, "DELETE_FAILED", failures.reason(error))
            self.failed.append(logical)
            return False
        self._record(resource, "DELETE_COMPLETE")
        self.stacks.forget_resource(self.stack, logical)
        return True

    async def remove_all(self, resources: dict[str, Resource],
                         retained: Callable[[Resource], bool]) -> bool:
        order = reverse(needs_of(resources))

        async def step(logical: str) -> bool:
            return await self.remove(resources[logical], retained(resources[logical]))

        return await schedule(order, step)

    def outputs(self) -> list[dict[str, str]]:
        """The template's outputs resolved; a clash of export names fails the operation."""
        assert self.prepared is not None
        scope = self.scope()
        taken = exports(self.stacks.storage.conn, self.stack.account, self.stack.region)
        out = []
        for key, output in self.prepared.outputs.items():
            condition = output.get("Condition")
            if condition is not None and not scope.conditions.get(condition, False):
                continue
            value = resolve(output["Value"], scope)
            item = {"OutputKey": key, "OutputValue": as_text(value)}
            if output.get("Description"):
                item["Description"] = str(output["Description"])
            if isinstance(output.get("Export"), dict) and "Name" in output["Export"]:
                name = as_text(resolve(output["Export"]["Name"], scope))
                owner = taken.get(name)
                if owner is not None and owner.stack_id != self.stack.stack_id:
                    raise DeploymentFailure(f"Export with name {name} is already exported by "
                                            f"stack {owner.stack_name}. Rollback requested by "
                                            "user.")
                item["ExportName"] = name
            out.append(item)
        return out


def _deletion_retained(resource: Resource) -> bool:
    """DeletionPolicy Retain (and RetainExceptOnCreate, outside a create's rollback) keeps a
    resource; Snapshot deletes it (Headwater keeps no snapshots)."""
    return resource.definition.get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate")


def _rollback_retained(resource: Resource) -> bool:
    return resource.definition.get("DeletionPolicy") == "Retain"


def _replace_retained(resource: Resource) -> bool:
    return str(resource.definition.get("UpdateReplacePolicy", "Delete")) == "Retain"


def _failed(kind: str, names: list[str]) -> str:
    return f"The following resource(s) failed to {kind}: [{', '.join(sorted(names))}]. "


# The operations


# Each operation starts from a stack its request already moved to *_IN_PROGRESS (`begin`), so
# a DescribeStacks answered before the background task first runs sees it in progress.


def begin(stacks: Stacks, stack: Stack, status: str) -> None:
    stacks.stack_status(stack, status, INITIATED)


async def create(stacks: Stacks, stack: Stack, prepared: Prepared) -> None:
    run = Run(stacks, stack, {}, prepared)
    succeeded = await schedule(prepared.needs, run.deploy)
    reason = _failed("create", run.failed)
    if succeeded:
        try:
            stack.outputs = run.outputs()
        except (DeploymentFailure, ValidationError) as error:
            succeeded, reason = False, failures.reason(error)
    if succeeded:
        stack.imports = sorted(run.imports)
        stacks.stack_status(stack, "CREATE_COMPLETE")
        return
    if run.failed:
        reason += "Rollback requested by user."
    if stack.disable_rollback:
        stacks.stack_status(stack, "CREATE_FAILED", reason)
        return
    stacks.stack_status(stack, "ROLLBACK_IN_PROGRESS", reason)
    made = {k: v for k, v in run.current.items() if v.physical_id is not None}
    run.failed = []
    if await run.remove_all(made, _rollback_retained):
        for logical in list(run.current):
            stacks.forget_resource(stack, logical)
        stacks.stack_status(stack, "ROLLBACK_COMPLETE")
    else:
        stacks.stack_status(stack, "ROLLBACK_FAILED", _failed("delete", run.failed))


async def update(stacks: Stacks, stack: Stack, prepared: Prepared, previous: Stack) -> None:
    """`stack` holds the new template and parameters; `previous` the ones it had."""
    before = stacks.resources(stack.stack_id)
    run = Run(stacks, stack, dict(before), prepared, copy.deepcopy(before))
    succeeded = await schedule(prepared.needs, run.deploy)
    reason = _failed("update", run.failed)
    if succeeded:
        try:
            outputs = run.outputs()
            _check_exports_kept(stacks, stack, previous, outputs)
        except (DeploymentFailure, ValidationError) as error:
            succeeded, reason = False, failures.reason(error)
    if succeeded:
        stack.outputs = outputs
        stack.imports = sorted(run.imports)
        stacks.stack_status(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        removed = {k: v for k, v in before.items() if k not in prepared.resources}
        await run.remove_all(removed, _deletion_retained)
        for old in run.replaced.values():
            await run.remove(old, _replace_retained(old))
            run.stacks.save_resource(stack, run.current[old.logical_id])
        stacks.stack_status(stack, "UPDATE_COMPLETE")
        return
    await _roll_back_update(run, stack, previous, reason)


async def _roll_back_update(run: Run, stack: Stack, previous: Stack, reason: str) -> None:
    stacks = run.stacks
    stacks.stack_status(stack, "UPDATE_ROLLBACK_IN_PROGRESS", reason)
    restore_failed: list[str] = []
    for logical in run.updated:
        old, now = run.before[logical], run.current[logical]
        now.status = "UPDATE_IN_PROGRESS"
        run._record(now, "UPDATE_IN_PROGRESS")
        try:
            assert old.physical_id is not None
            await TYPES[old.type].update(run.api(logical), old.physical_id, now.properties,
                                         old.properties, now.attributes)
        except Exception as error:
            run._record(now, "UPDATE_FAILED", failures.reason(error))
            restore_failed.append(logical)
            continue
        run.current[logical] = copy.deepcopy(old)
        run._record(run.current[logical], "UPDATE_COMPLETE")
    for logical, old in run.before.items():
        if logical in run.failed and logical not in run.updated:
            run.current[logical] = copy.deepcopy(old)
            run._record(run.current[logical], "UPDATE_COMPLETE")
    # Keep the old stack definition; then delete what this update created.
    for name in ("template", "template_body", "parameters", "outputs", "imports",
                 "description"):
        setattr(stack, name, getattr(previous, name))
    if restore_failed:
        stacks.stack_status(stack, "UPDATE_ROLLBACK_FAILED", _failed("update", restore_failed))
        return
    stacks.stack_status(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    made = {logical: run.current[logical] for logical in run.created}
    made.update({logical: run.current[logical] for logical in run.replaced})
    run.failed = []
    await run.remove_all({k: v for k, v in made.items() if v.physical_id is not None},
                         lambda _: False)
    for logical in run.current:
        if logical not in run.before:
            stacks.forget_resource(stack, logical)
    for old in run.replaced.values():
        stacks.save_resource(stack, old)
    stacks.stack_status(stack, "UPDATE_ROLLBACK_COMPLETE")


def _check_exports_kept(stacks: Stacks, stack: Stack, previous: Stack,
                        outputs: list[dict[str, str]]) -> None:
    """An export other stacks import may be neither removed nor changed."""
    now = {o["ExportName"]: o["OutputValue"] for o in outputs if o.get("ExportName")}
    for output in previous.outputs:
        name = output.get("ExportName")
        if not name:
            continue
        users = importers(stacks.storage.conn, stack.account, stack.region, name)
        users = [user for user in users if user != stack.name]
        if users and (name not in now or now[name] != output["OutputValue"]):
            raise DeploymentFailure(f"Export {name} cannot be updated as it is in use by "
                                    f"{users[0]}")


async def delete(stacks: Stacks, stack: Stack) -> None:
    for output in stack.outputs:
        name = output.get("ExportName")
        if name:
            users = [user for user in importers(stacks.storage.conn, stack.account,
                                                stack.region, name) if user != stack.name]
            if users:
                stacks.stack_status(stack, "DELETE_FAILED", f"Export {name} cannot be deleted "
                                    f"as it is in use by {users[0]}")
                return
    resources = stacks.resources(stack.stack_id)
    run = Run(stacks, stack, dict(resources))
    if await run.remove_all(resources, _deletion_retained):
        stacks.stack_status(stack, "DELETE_COMPLETE")
    else:
        stacks.stack_status(stack, "DELETE_FAILED", _failed("delete", run.failed))
