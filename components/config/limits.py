"""Azure's own documented limits, applied to a stack file before anything is built.

Azure refuses a stack past these limits, so the gate refuses it too, at the line of the first entry
beyond the limit; and because they are checked on the parsed file, before the program runs, no stack
file can make the gate register (and judge) resources without end.
"""

from __future__ import annotations

# Microsoft Learn, "Microsoft Foundry Models quotas and limits" (foundry-models/quotas-limits), read 2026-12-03:
# 32 deployments per Foundry resource, 250 projects per resource, 100 Foundry resources per region per subscription.
# The Azure OpenAI "quotas and limits" page (read 2026-12-03) states the same 32 standard deployments per resource.
MAX_DEPLOYMENTS_PER_ACCOUNT = 32
MAX_PROJECTS_PER_ACCOUNT = 250
MAX_ACCOUNTS_PER_REGION = 100
# Microsoft Learn, "Troubleshoot Azure RBAC limits" (role-based-access-control/troubleshoot-limits), read 2026-12-03:
# 4000 role assignments per subscription, counting subscription, resource group and resource scopes; fixed.
MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION = 4000

FOUNDRY_LIMITS = "Microsoft Foundry Models quotas and limits"
RBAC_LIMITS = "Azure RBAC limits"


def too_many(count: int, limit: int, what: str, where: str, source: str, fix: str) -> str:
    """The message for `count` entries where Azure allows `limit`."""
    return f"{count} {what} {where}, but Azure allows at most {limit} ({source}); {fix}"
