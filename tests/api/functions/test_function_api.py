"""CreateFunction, Get/GetConfiguration, List, UpdateCode/Configuration, Delete: shapes,
statuses and AWS's errors (aws-facts §5.1)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from functions_support import ROLE, RUNTIME, Factory, handler_zip, new_name, package


def error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = excinfo.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


def create(lam: Any, name: str, **kwargs: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"FunctionName": name, "Runtime": RUNTIME, "Role": ROLE,
                              "Handler": "app.handler",
                              "Code": {"ZipFile": handler_zip("def handler(e, c):\n    return 1\n")}}
    params.update(kwargs)
    return lam.create_function(**params)  # type: ignore[no-any-return]


def test_create_returns_201_pending_with_defaults(lambda_: Any, make_function: Factory) -> None:
    name = new_name()
    response = create(lambda_, name, Environment={"Variables": {"AB": "1"}}, Tags={"team": "x"})
    make_function.created.append(name)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert response["State"] == "Pending"
    assert response["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert (response["Timeout"], response["MemorySize"], response["Version"]) == (3, 128, "$LATEST")
    assert response["Architectures"] == ["x86_64"]
    assert response["EphemeralStorage"] == {"Size": 512}
    assert response["PackageType"] == "Zip"
    assert response["Environment"] == {"Variables": {"AB": "1"}}
    assert len(response["CodeSha256"]) == 44 and response["CodeSize"] > 0
    assert response["LastModified"].endswith("+0000")
    got = lambda_.get_function(FunctionName=name)
    assert got["Configuration"]["State"] == "Active"
    assert got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert got["Tags"] == {"team": "x"}
    lambda_.get_waiter("function_active_v2").wait(FunctionName=name)


def test_get_configuration_by_name_partial_arn_and_arn(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    arn = f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    for form in (name, f"000000000000:function:{name}", arn, f"{name}:$LATEST"):
        assert lambda_.get_function_configuration(FunctionName=form)["FunctionArn"] == arn


def test_runtime_description_names_the_interpreter(lambda_: Any, make_function: Factory) -> None:
    name = make_function(runtime="python3.14")
    config = lambda_.get_function_configuration(FunctionName=name)
    assert config["Runtime"] == "python3.14"
    assert "python3.14" in config["RuntimeVersionConfig"]["RuntimeVersionArn"]


def test_duplicate_name_is_409(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, name)
    assert error(excinfo) == (409, "ResourceConflictException", f"Function already exist: {name}")


def test_unknown_function_is_404(lambda_: Any) -> None:
    name = new_name()
    with pytest.raises(ClientError) as excinfo:
        lambda_.get_function(FunctionName=name)
    assert error(excinfo) == (404, "ResourceNotFoundException",
                              f"Function not found: arn:aws:lambda:us-east-1:000000000000:"
                              f"function:{name}")
    with pytest.raises(ClientError) as excinfo:
        lambda_.get_function_configuration(FunctionName=name, Qualifier="7")
    assert error(excinfo)[2].endswith(f"function:{name}:7")


def test_unknown_and_deprecated_runtimes(lambda_: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Runtime="python9")
    status, code, message = error(excinfo)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith("Value python9 at 'runtime' failed to satisfy constraint: Member "
                              "must satisfy enum value set: [python3.9, ")
    assert message.endswith("] or be a valid ARN")
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Runtime="python3.7")
    assert error(excinfo)[2].startswith("The runtime parameter of python3.7 is no longer supported")


def test_bad_role_timeout_and_reserved_environment(lambda_: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Role="not-a-role")
    status, code, message = error(excinfo)
    assert (status, code) == (400, "ValidationException")
    assert "at 'role' failed to satisfy constraint" in message
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Timeout=901)
    assert "less than or equal to 900" in error(excinfo)[2]
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Environment={"Variables": {"AWS_REGION": "x"}})
    status, code, message = error(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.endswith("Reserved keys used in this request: AWS_REGION")


def test_bad_zip_escape_and_link_are_rejected(lambda_: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Code={"ZipFile": b"not a zip"})
    assert error(excinfo) == (400, "InvalidParameterValueException", "Could not unzip uploaded "
                              "file. Please check your file, then try to upload again.")
    escaping = package({"../evil.py": "x = 1\n", "app.py": "def handler(e, c): pass\n"})
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Code={"ZipFile": escaping})
    assert "outside the target directory" in error(excinfo)[2]
    linked = package({"link": "/etc/passwd", "app.py": "x = 1\n"}, modes={"link": 0o120777})
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Code={"ZipFile": linked})
    assert "symbolic link" in error(excinfo)[2]


@pytest.mark.parametrize("damage", ["header-name", "crc"])
def test_damaged_zip_is_invalid_parameter_not_internal_error(lambda_: Any, damage: str) -> None:
    """Issue 11: a zip whose local header names an other file than its central directory, or
    whose data fails its CRC, passed the directory check and failed while unpacking (500)."""
    zipped = handler_zip("def handler(e, c):\n    return 1\n")
    if damage == "header-name":
        zipped = zipped.replace(b"app.py", b"apq.py", 1)
    else:
        at = zipped.index(b"PK\x01\x02") + 16
        zipped = zipped[:at] + b"\0\0\0\0" + zipped[at + 4:]
    with pytest.raises(ClientError) as excinfo:
        create(lambda_, new_name(), Code={"ZipFile": zipped})
    assert error(excinfo) == (400, "InvalidParameterValueException", "Could not unzip uploaded "
                              "file. Please check your file, then try to upload again.")


def test_list_functions_paginates(lambda_: Any, make_function: Factory) -> None:
    names = {make_function() for _ in range(3)}
    seen: set[str] = set()
    pages = 0
    for page in lambda_.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2}):
        pages += 1
        assert len(page["Functions"]) <= 2
        seen.update(f["FunctionName"] for f in page["Functions"])
    assert names <= seen and pages >= 2


def test_update_code_and_configuration(lambda_: Any, make_function: Factory) -> None:
    name = make_function("def handler(e, c):\n    return 'one'\n")
    assert lambda_.invoke(FunctionName=name)["Payload"].read() == b'"one"'
    before = lambda_.get_function_configuration(FunctionName=name)
    updated = lambda_.update_function_code(
        FunctionName=name, ZipFile=handler_zip("def handler(e, c):\n    return 'two'\n"))
    assert updated["LastUpdateStatus"] == "InProgress"
    assert updated["CodeSha256"] != before["CodeSha256"]
    assert updated["RevisionId"] != before["RevisionId"]
    lambda_.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert lambda_.invoke(FunctionName=name)["Payload"].read() == b'"two"'
    config = lambda_.update_function_configuration(
        FunctionName=name, Timeout=10, MemorySize=256, Description="d",
        Environment={"Variables": {"KEY": "v"}})
    assert (config["Timeout"], config["MemorySize"], config["Description"]) == (10, 256, "d")
    assert lambda_.get_function_configuration(FunctionName=name)["Environment"] == {
        "Variables": {"KEY": "v"}}
    with pytest.raises(ClientError) as excinfo:
        lambda_.update_function_configuration(FunctionName=name, Timeout=5, RevisionId="stale")
    assert error(excinfo)[:2] == (412, "PreconditionFailedException")


def test_delete_is_204_then_404(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    response = lambda_.delete_function(FunctionName=name)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        lambda_.delete_function(FunctionName=name)
    assert error(excinfo)[:2] == (404, "ResourceNotFoundException")


def test_error_wire_shape(endpoint: str) -> None:
    import orjson
    import urllib3

    http = urllib3.PoolManager()
    response = http.request("GET", f"{endpoint}/2015-03-31/functions/no-such-fn")
    assert response.status == 404
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert orjson.loads(response.data) == {
        "Type": "User", "Message": "Function not found: "
        "arn:aws:lambda:us-east-1:000000000000:function:no-such-fn"}
    response = http.request("GET", f"{endpoint}/2015-03-31/nothing-here")
    assert response.status == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"
