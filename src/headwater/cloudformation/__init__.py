"""CloudFormation: stacks from CloudFormation and SAM templates (issue 16), deployed in the
background by calling the other services' own operations in-process."""
