"""IAM and STS: identities, roles, policies and the policy engine that authorises callers."""
