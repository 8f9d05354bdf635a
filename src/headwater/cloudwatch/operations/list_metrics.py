"""ListMetrics: the metrics Headwater has datapoints for, filtered by namespace, name and
dimensions (a dimension without Value matches any value); 500 per page."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import InvalidNextToken

PAGE = 500


def list_metrics(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    wanted = [(d["Name"], d.get("Value")) for d in request.get("Dimensions") or []]
    found = ctx.runtime.cloudwatch.find(ctx.account, ctx.region, request.get("Namespace"),
                                        request.get("MetricName"), wanted)
    start = 0
    if request.get("NextToken"):
        try:
            start = int(request["NextToken"])
        except ValueError:
            raise InvalidNextToken("The service couldn't process the NextToken.") from None
    page = found[start:start + PAGE]
    result: dict[str, Any] = {"Metrics": [
        {"Namespace": s.namespace, "MetricName": s.name,
         "Dimensions": [{"Name": k, "Value": v} for k, v in s.dimensions]}
        for s in page]}
    if start + PAGE < len(found):
        result["NextToken"] = str(start + PAGE)
    return result
