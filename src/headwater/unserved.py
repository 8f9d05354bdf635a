"""The answer to a call for an AWS service Headwater does not provide (Kinesis, EC2, ...),
told by the SigV4 credential scope's service: a 400 in the caller's protocol naming the service,
so an SDK raises it at once (botocore retries 500, 502, 503 and 504, never this) with a message
that says what happened, rather than a 404, a 500 after retries or "not valid for this web
service"."""

from __future__ import annotations

from xml.sax.saxutils import escape

import orjson

from headwater.http.server import Headers, Response

# The SigV4 signing names of the services Headwater serves (DynamoDB Streams signs as
# "dynamodb", CloudWatch as "monitoring").
SIGNING_NAMES = frozenset({"dynamodb", "lambda", "sqs", "sns", "monitoring", "logs", "iam",
                           "sts", "cloudformation", "s3"})
SERVED = ("dynamodb, dynamodbstreams, lambda, sqs, sns, cloudwatch, logs, iam, sts, "
          "cloudformation, s3")
CODE = "UnrecognizedServiceException"
# The services whose REST calls take XML errors (rest-xml); every other REST API is rest-json.
REST_XML = frozenset({"s3", "s3-outposts", "s3-object-lambda", "route53", "cloudfront"})


def is_served(signing_name: str) -> bool:
    """False for a credential scope naming a service Headwater does not provide ("" passes:
    an unsigned request is routed as before)."""
    return not signing_name or signing_name in SIGNING_NAMES


def message(service: str) -> str:
    return f"Headwater does not provide the {service} API (served: {SERVED})"


def not_provided(service: str, request_id: str, *, json_protocol: bool, query_protocol: bool
                 ) -> Response:
    """A 400 in the shape the caller's SDK parses: JSON (`__type` and `message`) for an
    X-Amz-Target call and the REST JSON services, `<Response><Errors><Error>` for query and EC2
    calls (botocore reads both shapes from it), and S3's `<Error>` for the rest-xml ones."""
    text = message(service)
    headers: Headers = [(b"x-amzn-requestid", request_id.encode()),
                        (b"x-amzn-errortype", CODE.encode())]
    if json_protocol or (not query_protocol and service not in REST_XML):
        body = orjson.dumps({"__type": CODE, "message": text})
        return 400, [*headers, (b"content-type", b"application/x-amz-json-1.1")], body
    if query_protocol:
        xml = (f"<Response><Errors><Error><Code>{CODE}</Code><Message>{escape(text)}</Message>"
               f"</Error></Errors><RequestID>{request_id}</RequestID></Response>")
    else:
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{CODE}</Code>'
               f"<Message>{escape(text)}</Message><RequestId>{request_id}</RequestId></Error>")
    return 400, [*headers, (b"content-type", b"text/xml")], xml.encode()
