"""Random statements, batches and transactions over one item never get a 5xx: every bad input
is an AWS error (DESIGN.md principle 6)."""

from __future__ import annotations

import random
from typing import Any

from botocore.exceptions import ClientError

PATHS = ["a", "b", "pk", "sk", "l[0]", "m.x", "m.x[2]", "s", "n", '"q q"', "l[5].z"]
VALUES = ["1", "'x'", "true", "null", "<<'a'>>", "<<1,2>>", "[1,2]", "{'x': 1}", "?", "-3.5",
          "''", "1e200"]
PREDICATES = [
    "begins_with({p}, {v})", "contains({p}, {v})", "attribute_type({p}, {v})", "size({p}) > {v}",
    "{p} IS MISSING", "{p} IS NOT NULL", "{p} IN [{v}, {w}]", "{p} BETWEEN {v} AND {w}",
    "{p} = {v}", "{p} < {v}", "{p} <> {q}",
]
ASSIGNMENTS = [
    "{p} = {v}", "{p} = {p} + {v}", "{p} = list_append({p}, {v})",
    "{p} = if_not_exists({p}, {v})", "{p} = set_add({p}, {v})", "{p} = set_delete({p}, {v})",
    "{p} = {p} - {q}",
]
PARAMETERS = [{"S": "v"}, {"N": "1"}, {"SS": ["z"]}, {"L": []}, {"NULL": True}]
ITEM = {"pk": {"S": "k"}, "sk": {"N": "1"}, "a": {"S": "abc"}, "l": {"L": [{"N": "1"}]},
        "m": {"M": {"x": {"L": [{"N": "1"}]}}}, "s": {"SS": ["a"]}, "n": {"N": "3"}}


def fill(r: random.Random, template: str) -> str:
    return template.format(p=r.choice(PATHS), q=r.choice(PATHS), v=r.choice(VALUES),
                           w=r.choice(VALUES))


def condition(r: random.Random) -> str:
    return " AND ".join(fill(r, r.choice(PREDICATES)) for _ in range(r.randint(1, 3)))


def statement(r: random.Random, table: str) -> str:
    kind = r.random()
    key = "pk = 'k' AND sk = 1" if r.random() < 0.8 else "pk = 'k'"
    extra = f" AND {condition(r)}" if r.random() < 0.3 else ""
    if kind < 0.3:
        projection = r.choice(["*", "a, m.x", "l[0]"])
        return f'SELECT {projection} FROM "{table}" WHERE {condition(r)}' + (
            f" AND {key}" if r.random() < 0.5 else "")
    if kind < 0.5:
        members = ", ".join(f"'{name}': {r.choice(VALUES)}"
                            for name in r.sample(["a", "b", "l", "m", "s", "n"], 3))
        sort = r.choice(["1", "2", "?"])
        return f"INSERT INTO \"{table}\" VALUE {{'pk': 'k', 'sk': {sort}, {members}}}"
    if kind < 0.85:
        sets = ", ".join(fill(r, r.choice(ASSIGNMENTS)) for _ in range(r.randint(1, 2)))
        remove = f" REMOVE {r.choice(PATHS)}" if r.random() < 0.3 else ""
        return f'UPDATE "{table}" SET {sets}{remove} WHERE {key}{extra}'
    return f'DELETE FROM "{table}" WHERE {key}{extra}'


def parameters(r: random.Random, text: str) -> list[dict[str, Any]]:
    return [r.choice(PARAMETERS) for _ in range(text.count("?"))]


def attempt(call: Any, codes: dict[str, int], context: Any) -> None:
    try:
        call()
        codes["ok"] = codes.get("ok", 0) + 1
    except ClientError as error:
        code = error.response["Error"]["Code"]
        codes[code] = codes.get(code, 0) + 1
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] < 500, (context, error.response)


def test_random_statements_never_fail_with_a_server_error(ddb: Any, sorted_table: str) -> None:
    r = random.Random(7)
    ddb.put_item(TableName=sorted_table, Item=ITEM)
    codes: dict[str, int] = {}
    for _ in range(300):
        text = statement(r, sorted_table)
        given = parameters(r, text)
        kwargs = {"Parameters": given} if given else {}
        attempt(lambda: ddb.execute_statement(Statement=text, **kwargs), codes, (text, given))
    assert codes.get("ok") and codes.get("ValidationException")


def test_random_batches_and_transactions_never_fail_with_a_server_error(
        ddb: Any, sorted_table: str) -> None:
    r = random.Random(11)
    ddb.put_item(TableName=sorted_table, Item=ITEM)
    codes: dict[str, int] = {}
    for _ in range(100):
        entries = []
        for _ in range(r.randint(1, 3)):
            text = statement(r, sorted_table)
            entry: dict[str, Any] = {"Statement": text}
            if "?" in text:
                entry["Parameters"] = parameters(r, text)
            if r.random() < 0.3:
                entry["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            entries.append(entry)
        attempt(lambda: ddb.execute_transaction(TransactStatements=entries), codes, entries)
        attempt(lambda: ddb.batch_execute_statement(Statements=entries), codes, entries)
    assert codes.get("ok")
