// Lambda handler (Node.js): copy every change on the orders table into the replica table.
// The same logic as replicator.py, for the nodejs runtimes: `run.py --runtime nodejs20.x`.
//
// Each order carries a `version` number that grows with every update. Writes to the replica are
// conditional on that version, so applying a record twice (a retried batch) or out of date is a
// no-op: the replica converges whatever the retries.
//
// The AWS SDK for JavaScript v3 comes with the runtime (Headwater installs it into its cache on
// first use); AWS_ENDPOINT_URL and the credentials point it back at Headwater, as they would
// point at AWS in a real function.

import {
  ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand,
} from "@aws-sdk/client-dynamodb";

const REPLICA = process.env.REPLICA_TABLE;
const FAIL_RATE = Number(process.env.FAIL_RATE || "0");
const DELAY = Number(process.env.DELAY || "0"); // seconds per batch
const dynamodb = new DynamoDBClient({});

export const handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, DELAY * 1000));
  const records = event.Records;
  for (const [number, record] of records.entries()) {
    await apply(record);
    if (number === Math.floor(records.length / 2) && Math.random() < FAIL_RATE) {
      // A crash half-way through a batch: the whole batch is retried, and the records already
      // applied are skipped by the version conditions.
      throw new Error("simulated crash after a partial batch");
    }
  }
  return { applied: records.length };
};

async function apply(record) {
  const change = record.dynamodb;
  try {
    if (record.eventName === "REMOVE") {
      await dynamodb.send(new DeleteItemCommand({
        TableName: REPLICA, Key: change.Keys,
        ConditionExpression: "attribute_not_exists(version) OR version <= :v",
        ExpressionAttributeValues: { ":v": change.OldImage.version } }));
    } else {
      await dynamodb.send(new PutItemCommand({
        TableName: REPLICA, Item: change.NewImage,
        ConditionExpression: "attribute_not_exists(version) OR version < :v",
        ExpressionAttributeValues: { ":v": change.NewImage.version } }));
    }
  } catch (error) {
    // The replica already holds this version or a newer one.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
