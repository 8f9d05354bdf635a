"""Templates: parsing (YAML short tags, JSON), parameters, conditions, intrinsic functions,
dependencies and validation against the resource provider schemas cfn-lint ships."""
