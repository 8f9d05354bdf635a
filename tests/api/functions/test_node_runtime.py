"""Node.js functions (nodejs18.x and newer) through the shipped JavaScript bootstrap: CommonJS and
ES module handlers, async and callback styles, the context object, AWS's error shapes and log
format, timeouts, the AWS SDK for JavaScript v3 from Headwater's cache, and a stream trigger with
a partial batch response. Each runtime the machine's `node` can serve is tested; the others are
skipped with the reason."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import orjson
import pytest
from botocore.config import Config
from functions_support import ROLE, Factory, call, new_name, package, wait_until
from server_support import CREDENTIALS, client, serving

from headwater.functions.node_runtimes import NODE_RUNTIMES, machine_node, node_for
from headwater.functions.node_sdk import PINS, NodeSdk, install
from headwater.functions.runtime_sdk import cache_root

RUNTIMES = [pytest.param(runtime, marks=pytest.mark.skipif(
    node_for(runtime) is None,
    reason=f"{runtime}: no node of that major version or newer on this machine"))
    for runtime in NODE_RUNTIMES]
# The runtime most tests use: the newest one the machine serves.
SERVED = [runtime for runtime in NODE_RUNTIMES if node_for(runtime) is not None]
pytestmark = pytest.mark.skipif(not SERVED, reason="no `node` on PATH")
RUNTIME = SERVED[0] if SERVED else "nodejs20.x"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t([0-9a-f-]+|undefined)\t"
                      r"(INFO|WARN|ERROR|DEBUG|TRACE|FATAL)\t(.*)$", re.S)

ASYNC_CJS = """
exports.handler = async (event, context) => {
  console.log("hello", event.n);
  return { n: event.n, id: context.awsRequestId, name: context.functionName,
           version: context.functionVersion, arn: context.invokedFunctionArn,
           memory: context.memoryLimitInMB, group: context.logGroupName,
           stream: context.logStreamName, waits: context.callbackWaitsForEmptyEventLoop,
           remaining: context.getRemainingTimeInMillis(), node: process.version };
};
"""


@pytest.fixture(scope="module")
def lam(endpoint: str) -> Any:
    # A first cold start may wait for the SDK install; a long read timeout keeps boto3 from
    # retrying the invocation meanwhile.
    return boto3.client("lambda", endpoint_url=endpoint, **CREDENTIALS,
                        config=Config(read_timeout=600, retries={"max_attempts": 1}))


@pytest.fixture
def make_function(lam: Any) -> Iterator[Factory]:
    factory = Factory(lam)
    yield factory
    factory.cleanup()


@pytest.fixture(scope="module")
def sdk_ready() -> None:
    """Fill the SDK cache before the tests that use it (what a server's first Node.js cold start
    does), so their invocations do not wait on npm."""
    for runtime in SERVED:
        sdk = NodeSdk(cache_root())
        installed = install(sdk.directory(runtime), PINS[runtime])
        if installed.root is None:
            pytest.skip(f"the AWS SDK for JavaScript v3 cannot be installed: {installed.problem}")


def node_zip(files: dict[str, str]) -> bytes:
    return package(files)


def create(make_function: Factory, files: dict[str, str], handler: str = "index.handler",
           runtime: str = RUNTIME, **kwargs: Any) -> str:
    return make_function(handler=handler, runtime=runtime, zip_bytes=node_zip(files), **kwargs)


def log_messages(response: dict[str, Any]) -> list[str]:
    return base64.b64decode(response["LogResult"]).decode().split("\n")


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_async_commonjs_handler_and_its_context(lam: Any, make_function: Factory,
                                                runtime: str) -> None:
    name = create(make_function, {"index.js": ASYNC_CJS}, runtime=runtime, MemorySize=256)
    result, response = call(lam, name, {"n": 7}, LogType="Tail")
    assert "FunctionError" not in response
    request_id = response["ResponseMetadata"]["RequestId"]
    assert result["n"] == 7 and result["id"] == request_id
    assert result["name"] == name and result["version"] == "$LATEST"
    assert result["arn"].endswith(f":function:{name}")
    assert result["memory"] == "256" and result["group"] == f"/aws/lambda/{name}"
    assert "[$LATEST]" in result["stream"] and result["waits"] is True
    assert 0 < result["remaining"] <= 3000
    node = node_for(runtime)
    assert node is not None and result["node"] == f"v{node.version}"
    lines = [line for line in log_messages(response) if LOG_LINE.match(line)]
    assert LOG_LINE.match(lines[0]).groups() == (request_id, "INFO", "hello 7")  # type: ignore[union-attr]


def test_runtime_version_says_which_node_runs_it(lam: Any, make_function: Factory) -> None:
    name = create(make_function, {"index.js": ASYNC_CJS})
    arn = lam.get_function(FunctionName=name)["Configuration"]["RuntimeVersionConfig"][
        "RuntimeVersionArn"]
    node = machine_node()
    assert node is not None and f"node {node.version}" in arn


def test_es_module_handlers(lam: Any, make_function: Factory) -> None:
    mjs = create(make_function, {"app.mjs": "export const handler = async (e) => ({ esm: e.x });"},
                 handler="app.handler")
    assert call(lam, mjs, {"x": 1})[0] == {"esm": 1}
    typed = create(make_function, {
        "package.json": '{"type": "module"}',
        "src/app.js": "export async function run(e) { return { typed: e.x }; }"},
        handler="src/app.run")
    assert call(lam, typed, {"x": 2})[0] == {"typed": 2}
    nested = create(make_function, {
        "lib.cjs": "module.exports = { api: { go: async () => 'deep' } };"},
        handler="lib.api.go")
    assert call(lam, nested)[0] == "deep"


def test_callback_handlers(lam: Any, make_function: Factory) -> None:
    waits = create(make_function, {"index.js": """
        let ticks = 0;
        exports.handler = (event, context, callback) => {
          setTimeout(() => { ticks += 1; }, 50);   // finishes before the answer is sent
          callback(null, { ok: true, ticks });
        };
        exports.after = async () => ticks;
    """})
    assert call(lam, waits)[0] == {"ok": True, "ticks": 0}
    no_wait = create(make_function, {"index.js": """
        exports.handler = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = false;
          setTimeout(() => {}, 5000);
          callback(null, "early");
        };
    """}, Timeout=3)
    result, response = call(lam, no_wait)
    assert result == "early" and "FunctionError" not in response
    failing = create(make_function, {"index.js": """
        exports.handler = (event, context, callback) => callback(new TypeError("bad input"));
    """})
    result, response = call(lam, failing)
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "TypeError" and result["errorMessage"] == "bad input"
    assert result["trace"][0] == "TypeError: bad input"
    nothing = create(make_function, {"index.js": "exports.handler = (e, c) => { };"})
    assert call(lam, nothing)[0] is None


def test_thrown_error_shape_and_log(lam: Any, make_function: Factory) -> None:
    name = create(make_function, {"index.mjs": """
        class OrderError extends Error { constructor(m) { super(m); this.name = "OrderError"; } }
        export const handler = async () => { throw new OrderError("no stock"); };
    """})
    result, response = call(lam, name, LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "OrderError" and result["errorMessage"] == "no stock"
    assert result["trace"][0] == "OrderError: no stock"
    assert any(line.strip().startswith("at ") for line in result["trace"][1:])
    request_id = response["ResponseMetadata"]["RequestId"]
    errors = [LOG_LINE.match(line) for line in log_messages(response)]
    logged = [m.groups() for m in errors if m and m.group(2) == "ERROR"]
    assert logged and logged[0][0] == request_id
    title, _, body = logged[0][2].partition(" \t")
    assert title == "Invoke Error"
    assert orjson.loads(body)["errorType"] == "OrderError"


@pytest.mark.parametrize(("files", "handler", "error_type", "message"), [
    ({"index.js": "exports.other = 1;"}, "missing.handler", "Runtime.ImportModuleError",
     "Error: Cannot find module 'missing'\nRequire stack:\n- /var/runtime/index.mjs"),
    ({"index.js": "exports.other = 1;"}, "index.handler", "Runtime.HandlerNotFound",
     "index.handler is undefined or not exported"),
    ({"index.js": "exports.handler = 42;"}, "index.handler", "Runtime.HandlerNotFound",
     "index.handler is not a function"),
    ({"index.js": "exports.handler = async () => {"}, "index.handler",
     "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected end of input"),
    ({"index.js": "exports.handler = 1;"}, "index", "Runtime.MalformedHandlerName",
     "Bad handler index"),
    ({"index.js": "require('left-pad-not-here'); exports.handler = 1;"}, "index.handler",
     "Runtime.ImportModuleError", None),
    ({"index.js": "throw new RangeError('init broke');"}, "index.handler", "RangeError",
     "init broke"),
])
def test_init_errors(lam: Any, make_function: Factory, files: dict[str, str], handler: str,
                     error_type: str, message: str | None) -> None:
    name = create(make_function, files, handler=handler)
    result, response = call(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == error_type
    if message is not None:
        assert result["errorMessage"] == message
    else:
        assert "left-pad-not-here" in result["errorMessage"]


def test_unhandled_rejection_is_reported(lam: Any, make_function: Factory) -> None:
    name = create(make_function, {"index.js": """
        exports.handler = (e, c, cb) => { Promise.reject(new Error("lost")); };
    """})
    result, response = call(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "Runtime.UnhandledPromiseRejection"
    assert result["errorMessage"] == "Error: lost"


def test_log_levels_and_init_lines(lam: Any, make_function: Factory) -> None:
    name = create(make_function, {"index.js": """
        console.log("loading");
        exports.handler = async () => {
          console.info("i"); console.warn("w"); console.error("e"); console.debug("d");
          console.log("two\\nlines");
          return 1;
        };
    """})
    _, response = call(lam, name, LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    parsed = [m.groups() for m in map(LOG_LINE.match, log_messages(response)) if m]
    assert ("undefined", "INFO", "loading") in parsed
    assert [(level, text) for rid, level, text in parsed if rid == request_id] == [
        ("INFO", "i"), ("WARN", "w"), ("ERROR", "e"), ("DEBUG", "d"), ("INFO", "two\rlines")]


def test_timeout(lam: Any, make_function: Factory) -> None:
    name = create(make_function, {"index.js": """
        exports.handler = () => new Promise((resolve) => setTimeout(resolve, 10000));
    """}, Timeout=1)
    result, response = call(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "Sandbox.Timedout"
    assert result["errorMessage"].endswith("Task timed out after 1.00 seconds")


@pytest.mark.usefixtures("sdk_ready")
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_sdk_v3_from_commonjs_and_esm(lam: Any, ddb: Any, make_function: Factory,
                                      make_table: Any, runtime: str) -> None:
    table = make_table()
    cjs = create(make_function, {"index.js": """
        const { DynamoDBClient, PutItemCommand } = require("@aws-sdk/client-dynamodb");
        const client = new DynamoDBClient({});
        exports.handler = async (event) => {
          await client.send(new PutItemCommand({ TableName: event.table,
            Item: { pk: { S: "from-cjs" } } }));
          return DynamoDBClient.name;
        };
    """}, runtime=runtime, Timeout=30)
    result, response = call(lam, cjs, {"table": table})
    assert "FunctionError" not in response, result
    esm = create(make_function, {"index.mjs": """
        import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
        import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
        const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
        export const handler = async (event) => {
          const { Item } = await doc.send(new GetCommand({ TableName: event.table,
                                                          Key: { pk: "from-cjs" } }));
          return Item;
        };
    """}, runtime=runtime, Timeout=30)
    result, response = call(lam, esm, {"table": table})
    assert "FunctionError" not in response, result
    assert result == {"pk": "from-cjs"}
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "from-cjs"}})["Item"]


@pytest.mark.usefixtures("sdk_ready")
def test_a_bundled_sdk_wins_over_the_runtimes(lam: Any, make_function: Factory) -> None:
    name = create(make_function, {
        "index.js": "exports.handler = async () => require('@aws-sdk/client-dynamodb').mine;",
        "node_modules/@aws-sdk/client-dynamodb/index.js": "exports.mine = 'bundled';",
        "node_modules/@aws-sdk/client-dynamodb/package.json": '{"main": "index.js"}'})
    assert call(lam, name)[0] == "bundled"


STREAM_HANDLER = """
const { DynamoDBClient, UpdateItemCommand } = require("@aws-sdk/client-dynamodb");
const client = new DynamoDBClient({});
exports.handler = async (event) => {
  const failures = [];
  for (const record of event.Records) {
    const key = record.dynamodb.Keys.pk.S;
    await client.send(new UpdateItemCommand({ TableName: process.env.SEEN,
      Key: { pk: { S: key } }, UpdateExpression: "ADD seen :one",
      ExpressionAttributeValues: { ":one": { N: "1" } } }));
    if (record.dynamodb.NewImage.poison) {
      failures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
  }
  return { batchItemFailures: failures };
};
"""


@pytest.mark.usefixtures("sdk_ready")
def test_stream_trigger_with_a_partial_batch_response(
        lam: Any, ddb: Any, sqs: Any, make_function: Factory, make_table: Any) -> None:
    source = make_table(StreamSpecification={"StreamEnabled": True,
                                             "StreamViewType": "NEW_IMAGE"})
    seen = make_table()
    name = create(make_function, {"index.js": STREAM_HANDLER}, Timeout=30,
                  Environment={"Variables": {"SEEN": seen}})
    queue = sqs.create_queue(QueueName=new_name("node-failures"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    stream = ddb.describe_table(TableName=source)["Table"]["LatestStreamArn"]
    mapping = lam.create_event_source_mapping(
        FunctionName=name, EventSourceArn=stream, StartingPosition="TRIM_HORIZON",
        BatchSize=10, MaximumRetryAttempts=1, FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": queue_arn}})["UUID"]
    try:
        for key in ("a", "b"):
            ddb.put_item(TableName=source, Item={"pk": {"S": key}})
        ddb.put_item(TableName=source, Item={"pk": {"S": "p"}, "poison": {"BOOL": True}})

        def counts() -> dict[str, int]:
            items = ddb.scan(TableName=seen, ConsistentRead=True)["Items"]
            return {item["pk"]["S"]: int(item["seen"]["N"]) for item in items}

        messages: list[dict[str, Any]] = []

        def failed() -> bool:
            got = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", [])
            messages.extend(orjson.loads(m["Body"]) for m in got)
            return bool(messages)

        assert wait_until(failed, timeout=60)
        assert wait_until(lambda: counts() == {"a": 1, "b": 1, "p": 2}, timeout=30), counts()
        info = messages[0]["DDBStreamBatchInfo"]
        assert info["batchSize"] == 1 and messages[0]["requestContext"]["condition"] == \
            "RetryAttemptsExhausted"
    finally:
        lam.delete_event_source_mapping(UUID=mapping)
        sqs.delete_queue(QueueUrl=queue)


def test_deprecated_node_runtime_is_refused(lam: Any) -> None:
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as info:
        lam.create_function(FunctionName=new_name(), Runtime="nodejs16.x", Role=ROLE,
                            Handler="index.handler",
                            Code={"ZipFile": node_zip({"index.js": ASYNC_CJS})})
    assert info.value.response["Error"]["Message"] == (
        "The runtime parameter of nodejs16.x is no longer supported for creating or updating "
        "AWS Lambda functions. We recommend you use a supported runtime while creating or "
        "updating functions.")


def test_a_machine_without_node_refuses_node_runtimes(tmp_path: Path) -> None:
    for server in serving("--in-memory", env={"HEADWATER_NODE": str(tmp_path / "no-node")}):
        lam = client("lambda", server.url)
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as info:
            lam.create_function(FunctionName=new_name(), Runtime="nodejs20.x", Role=ROLE,
                                Handler="index.handler",
                                Code={"ZipFile": node_zip({"index.js": ASYNC_CJS})})
        message = info.value.response["Error"]["Message"]
        assert message.startswith("The runtime nodejs20.x needs Node.js 20 or newer on this "
                                  "machine, and Headwater found no `node`")


def test_warm_invocations_reuse_the_environment(lam: Any, make_function: Factory) -> None:
    name = create(make_function, {"index.js": """
        let count = 0;
        exports.handler = async () => ++count;
    """})
    assert [call(lam, name)[0] for _ in range(3)] == [1, 2, 3]


WINDOW_HANDLER = """
const { DynamoDBClient, UpdateItemCommand } = require("@aws-sdk/client-dynamodb");
const client = new DynamoDBClient({});
const add = (pk, n) => client.send(new UpdateItemCommand({ TableName: process.env.OUT,
  Key: { pk: { S: pk } }, UpdateExpression: "ADD n :n",
  ExpressionAttributeValues: { ":n": { N: String(n) } } }));
exports.handler = async (event) => {
  const state = { count: 0, invokes: 0, ...(event.state || {}) };
  state.count += event.Records.length;
  state.invokes += 1;
  await add("delivered", event.Records.length);
  if (event.isFinalInvokeForWindow) await add("final", state.count);
  return { state };
};
"""


@pytest.fixture(scope="module")
def own_server() -> Iterator[Any]:
    """A server of these tests' own: they move its clock."""
    yield from serving("--in-memory")


@pytest.mark.usefixtures("sdk_ready")
def test_tumbling_window_state_is_carried_for_a_node_handler(own_server: Any) -> None:
    ddb = client("dynamodb", own_server.url)
    lam = boto3.client("lambda", endpoint_url=own_server.url, **CREDENTIALS,
                       config=Config(read_timeout=600, retries={"max_attempts": 1}))
    key = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
           "BillingMode": "PAY_PER_REQUEST"}
    ddb.create_table(TableName="clicks", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}, **key)
    ddb.create_table(TableName="totals", **key)
    lam.create_function(FunctionName="windows", Runtime=RUNTIME, Role=ROLE, Timeout=30,
                        Handler="index.handler", Environment={"Variables": {"OUT": "totals"}},
                        Code={"ZipFile": node_zip({"index.js": WINDOW_HANDLER})})
    stream = ddb.describe_table(TableName="clicks")["Table"]["LatestStreamArn"]
    lam.create_event_source_mapping(FunctionName="windows", EventSourceArn=stream, BatchSize=3,
                                    TumblingWindowInSeconds=60, StartingPosition="TRIM_HORIZON")

    def total(name: str) -> int:
        item = ddb.get_item(TableName="totals", Key={"pk": {"S": name}},
                            ConsistentRead=True).get("Item")
        return int(item["n"]["N"]) if item else 0

    for number in range(10):
        ddb.put_item(TableName="clicks", Item={"pk": {"S": f"c{number % 4}"},
                                               "n": {"N": str(number)}})
    assert wait_until(lambda: total("delivered") == 10, timeout=60), total("delivered")
    assert total("final") == 0  # no window has ended yet
    own_server.advance(61)
    assert wait_until(lambda: total("final") == 10, timeout=60), total("final")


@pytest.mark.skipif(machine_node() is None, reason="no `node` on PATH")
def test_nodejs24_refuses_callback_handlers(tmp_path: Path) -> None:
    # This machine's node stands in for node 24 (it only answers --version so): the runtime's
    # rule is the bootstrap's, by AWS_EXECUTION_ENV, whatever node runs it.
    node = machine_node()
    assert node is not None
    fake = tmp_path / "node"
    fake.write_text(f'#!/bin/sh\n[ "$1" = --version ] && echo v24.0.0 && exit 0\n'
                    f'exec {node.path} "$@"\n')
    fake.chmod(0o755)
    # (Worker isolation off: the stand-in lives under /tmp, which an isolated worker cannot see.)
    for server in serving("--in-memory", "--worker-isolation", "off",
                          env={"HEADWATER_NODE": str(fake)}):
        lam = client("lambda", server.url)
        factory = Factory(lam)
        callback = create(factory, {"index.js": "exports.handler = (e, c, cb) => cb(null, 1);"},
                          runtime="nodejs24.x")
        result, response = call(lam, callback)
        assert response["FunctionError"] == "Unhandled"
        assert result["errorType"] == "Runtime.CallbackHandlerDeprecated"
        assert result["errorMessage"].startswith("index.handler takes a callback")
        modern = create(factory, {"index.js": "exports.handler = async (e, c) => 2;"},
                        runtime="nodejs24.x")
        assert call(lam, modern)[0] == 2
        factory.cleanup()
