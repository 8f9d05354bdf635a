"""IAM's operations by name (query protocol, `Action=<Name>`, signing name "iam"; a global
service: every region sees the same entities, scoped by account)."""

from __future__ import annotations

from headwater.iam.operations.access_keys import (
    create_access_key,
    delete_access_key,
    list_access_keys,
    update_access_key,
)
from headwater.iam.operations.attachments import (
    attach_role_policy,
    attach_user_policy,
    detach_role_policy,
    detach_user_policy,
    list_attached_role_policies,
    list_attached_user_policies,
)
from headwater.iam.operations.inline_policies import (
    delete_role_policy,
    delete_user_policy,
    get_role_policy,
    get_user_policy,
    list_role_policies,
    list_user_policies,
    put_role_policy,
    put_user_policy,
)
from headwater.iam.operations.policies import (
    create_policy,
    delete_policy,
    get_policy,
    list_policies,
)
from headwater.iam.operations.policy_versions import (
    create_policy_version,
    delete_policy_version,
    get_policy_version,
    list_policy_versions,
    set_default_policy_version,
)
from headwater.iam.operations.roles import (
    create_role,
    delete_role,
    get_role,
    list_roles,
    update_assume_role_policy,
    update_role,
)
from headwater.iam.operations.tags import (
    list_role_tags,
    list_user_tags,
    tag_role,
    tag_user,
    untag_role,
    untag_user,
)
from headwater.iam.operations.users import create_user, delete_user, get_user, list_users

OPERATIONS = {
    "AttachRolePolicy": attach_role_policy,
    "AttachUserPolicy": attach_user_policy,
    "CreateAccessKey": create_access_key,
    "CreatePolicy": create_policy,
    "CreatePolicyVersion": create_policy_version,
    "CreateRole": create_role,
    "CreateUser": create_user,
    "DeleteAccessKey": delete_access_key,
    "DeletePolicy": delete_policy,
    "DeletePolicyVersion": delete_policy_version,
    "DeleteRole": delete_role,
    "DeleteRolePolicy": delete_role_policy,
    "DeleteUser": delete_user,
    "DeleteUserPolicy": delete_user_policy,
    "DetachRolePolicy": detach_role_policy,
    "DetachUserPolicy": detach_user_policy,
    "GetPolicy": get_policy,
    "GetPolicyVersion": get_policy_version,
    "GetRole": get_role,
    "GetRolePolicy": get_role_policy,
    "GetUser": get_user,
    "GetUserPolicy": get_user_policy,
    "ListAccessKeys": list_access_keys,
    "ListAttachedRolePolicies": list_attached_role_policies,
    "ListAttachedUserPolicies": list_attached_user_policies,
    "ListPolicies": list_policies,
    "ListPolicyVersions": list_policy_versions,
    "ListRolePolicies": list_role_policies,
    "ListRoleTags": list_role_tags,
    "ListRoles": list_roles,
    "ListUserPolicies": list_user_policies,
    "ListUserTags": list_user_tags,
    "ListUsers": list_users,
    "PutRolePolicy": put_role_policy,
    "PutUserPolicy": put_user_policy,
    "SetDefaultPolicyVersion": set_default_policy_version,
    "TagRole": tag_role,
    "TagUser": tag_user,
    "UntagRole": untag_role,
    "UntagUser": untag_user,
    "UpdateAccessKey": update_access_key,
    "UpdateAssumeRolePolicy": update_assume_role_policy,
    "UpdateRole": update_role,
}
