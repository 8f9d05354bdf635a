"""`Transform: AWS::Serverless-2016-10-31` expanded by aws-sam-translator, AWS's own SAM
transform, offline: managed policy names resolve from the map the translator bundles (it would
otherwise list IAM's AWS-managed policies), and the pseudo parameters it reads are the
stack's."""

from __future__ import annotations

import copy
import functools
import logging
from typing import Any

from headwater.cloudformation.errors import ValidationError

SAM = "AWS::Serverless-2016-10-31"
# The translator logs each template it reads at INFO.
logging.getLogger("samtranslator").setLevel(logging.WARNING)


def transforms(template: dict[str, Any]) -> list[str]:
    declared = template.get("Transform")
    if declared is None:
        return []
    return [declared] if isinstance(declared, str) else [str(item) for item in declared]


class _Bundled:
    """The translator's managed policy loader: names to ARNs, without asking IAM."""

    def __init__(self, partition: str) -> None:
        self.partition = partition

    def load(self) -> dict[str, str]:
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
        return dict(get_bundled_managed_policy_map(self.partition) or {})


@functools.cache
def _session(region: str) -> Any:
    import boto3
    return boto3.session.Session(region_name=region, aws_access_key_id="headwater",
                                 aws_secret_access_key="headwater")


def expand(template: dict[str, Any], parameters: dict[str, Any], pseudo: dict[str, Any]
           ) -> dict[str, Any]:
    """The template with its transforms applied (only the SAM one is known)."""
    names = transforms(template)
    unknown = [name for name in names if name != SAM]
    if unknown:
        raise ValidationError(f"Template format error: Unsupported transform: {unknown[0]} "
                              "(Headwater runs AWS::Serverless-2016-10-31 only)")
    if not names:
        return template
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.utils.py27hash_fix import (
        to_py27_compatible_template,
        undo_mark_unicode_str_in_template,
    )
    values = {**{name: value for name, value in pseudo.items()
                 if name in ("AWS::Region", "AWS::AccountId", "AWS::Partition",
                             "AWS::StackName", "AWS::StackId", "AWS::URLSuffix")},
              **parameters}
    fragment = copy.deepcopy(template)
    policies = _Bundled(str(pseudo["AWS::Partition"])).load()
    try:
        # As samtranslator's transform(), with the stack's region in place of boto3's own
        # lookup (the translator reads the region from the session it is given).
        to_py27_compatible_template(fragment, values)
        translator = Translator(None, Parser(), boto_session=_session(str(pseudo["AWS::Region"])))
        expanded: dict[str, Any] = undo_mark_unicode_str_in_template(translator.translate(
            fragment, parameter_values=values, get_managed_policy_map=lambda: policies))
    except InvalidDocumentException as error:
        raise ValidationError(f"Transform {SAM} failed with: {error.message}") from None
    except Exception as error:  # the translator's own errors have no common base
        message = getattr(error, "message", None) or str(error)
        raise ValidationError(f"Transform {SAM} failed with: {message}") from None
    expanded.pop("Transform", None)
    return expanded
