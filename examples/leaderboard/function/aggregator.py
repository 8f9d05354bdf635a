"""Lambda handler: count likes per player in tumbling windows and publish each window's
counts to the leaderboard table when the window closes.

The mapping's filter lets only INSERTs of kind "like" through, so every record here is a new
like. Lambda hands the window's running `state` ({player: likes}) to each invocation and
expects it back; the last invocation of a window (`isFinalInvokeForWindow`) writes the totals.
Each shard keeps its own window state, so the leaderboard ADDs the counts of all shards.

An interaction without a player is a poison record: the handler raises, Lambda bisects the
batch until that record is alone, and after its retries it goes to the failure queue while
the rest of the batch is counted.
"""

import os

import boto3

LEADERBOARD = os.environ["LEADERBOARD_TABLE"]
dynamodb = boto3.client("dynamodb")


def handler(event, context):
    state = dict(event.get("state") or {})
    for record in event["Records"]:
        image = record["dynamodb"]["NewImage"]
        player = image.get("player", {}).get("S")
        if not player:
            raise ValueError(f"interaction without a player: {record['dynamodb']['Keys']}")
        state[player] = state.get(player, 0) + 1
    if event["isFinalInvokeForWindow"]:
        for player, likes in state.items():
            dynamodb.update_item(
                TableName=LEADERBOARD,
                Key={"window": {"S": event["window"]["start"]}, "player": {"S": player}},
                UpdateExpression="ADD likes :n",
                ExpressionAttributeValues={":n": {"N": str(likes)}})
    return {"state": state}
