"""`where --live`: Azure's own view of each row, read through preflight's safe client (live_arm.LiveArm).

Per region: the models Azure offers there now (models list), the capacity a new deployment could take per
type (model capacities) and the quota usage against its limit (usages). A read that fails (denied, throttled,
down) makes the row `unknown`, never `fits`: a region Azure did not answer for is not known to have room.
"""

from __future__ import annotations

from azure.core.credentials import TokenCredential

from components.catalog import load_catalog

from ..engine.report_model import WhereLive, WhereReport, WhereRow
from .client import Limits
from .live_arm import LiveArm, LiveReadError


def _unknown(reason: str) -> WhereLive:
    return WhereLive(
        status="unknown", offered=None, available_capacity=None, usage_current=None, usage_limit=None, reason=reason
    )


def live_row(arm: LiveArm, report: WhereReport, row: WhereRow) -> WhereLive:
    """Azure's view of one row: offered now, capacity left for the type, usage plus the row against the limit."""
    fmt = load_catalog().models[report.model].format
    try:
        offered = arm.models(row.region).get((fmt, report.model, report.version))
        if offered is None or row.deployment_type not in offered.skus:
            return WhereLive(
                status="no",
                offered=False,
                available_capacity=None,
                usage_current=None,
                usage_limit=None,
                reason=f"Azure does not offer {report.model} {report.version} as {row.deployment_type} in "
                f"{row.region} now (models list)",
            )
        left = arm.available_capacity(row.region, fmt, report.model, report.version).get(row.deployment_type, 0.0)
        usage = arm.usages(row.region).get(row.quota.usage_name)
    except LiveReadError as exc:
        return _unknown(exc.message)
    current, limit = (int(usage[0]), int(usage[1])) if usage else (None, None)
    problems = []
    if left < row.capacity:
        problems.append(f"Azure has {int(left)} of {row.capacity} units left for {row.deployment_type} in {row.region}")
    if usage is None:
        problems.append(f"Azure reports no usage {row.quota.usage_name} in {row.region}, so the quota is unknown")
    elif current is not None and limit is not None and current + row.quota.requested > limit:
        problems.append(
            f"{row.quota.usage_name} in {row.region}: {current} used + {row.quota.requested} asked is over "
            f"Azure's limit {limit}"
        )
    status = "fits" if not problems else ("unknown" if usage is None and left >= row.capacity else "no")
    return WhereLive(
        status=status,  # type: ignore[arg-type]
        offered=True,
        available_capacity=int(left),
        usage_current=current,
        usage_limit=limit,
        reason="; ".join(problems) or f"{int(left)} units left; {current} of {limit} quota units used",
    )


def add_live(report: WhereReport, arm: LiveArm) -> WhereReport:
    """The report with the live view of each row that passes offline (one that fails cannot be deployed anyway,
    so Azure is not asked about it)."""
    rows = [row.model_copy(update={"live": live_row(arm, report, row)}) if row.passed else row for row in report.rows]
    return report.model_copy(update={"rows": rows})


def with_live(
    report: WhereReport, credential: TokenCredential, subscription: str, endpoint: str, limits: Limits
) -> WhereReport:
    """Read Azure for every row of the report (one client, one deadline)."""
    arm = LiveArm(credential, subscription, endpoint, limits=limits)
    try:
        return add_live(report, arm)
    finally:
        arm.close()
