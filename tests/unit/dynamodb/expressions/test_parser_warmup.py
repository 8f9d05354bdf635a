"""dynamodb/expressions/parser.py warm(): every language's parser is built ahead of the first
request (the server does it on a thread at start)."""

from __future__ import annotations

from headwater.dynamodb.expressions import parser


def test_warm_builds_every_language_s_parser() -> None:
    parser._lark.cache_clear()
    parser.warm()
    assert parser._lark.cache_info().currsize == len(parser._KEYWORDS) == 3
    assert parser.parse("ConditionExpression", "attribute_exists(a) AND b = :b") is not None
