"""`headwater deploy`: bring a CloudFormation or SAM template's stack up on a running Headwater
through its public APIs, as `sam deploy` / `aws cloudformation deploy` do on AWS: local code
directories packed into zips and uploaded to S3 (artifacts.py), a change set created and executed
(stacks.py), the stack's events streamed to the terminal until it settles (events.py)."""
