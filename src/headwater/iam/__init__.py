"""IAM and the policies that authorise a request's caller (DESIGN.md, principle 10)."""
