"""The policy list of the pack: the same objects CrossGuard serves and the offline gate evaluates."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Policy

from .agents import agent_byo_resources, agent_network_injection, agent_storage_isolation
from .content_safety import content_filter_mode, content_filter_severity, content_filter_shields
from .cost import cost_budget, deployment_cost_ceiling
from .defender import defender_for_ai
from .egress import egress_restricted, preview_api
from .enterprise import account_reachable, cmk_required, diagnostics_enabled, private_endpoint_required
from .lifecycle import model_lifecycle
from .models import approved_models, content_filter, model_version_pinned
from .monitoring import alerts_configured
from .quota import deployments_per_account, quota_capacity
from .residency import allowed_regions, residency_deployment_type
from .security import local_auth_disabled, managed_identity, public_network_access, required_tags

PACK_NAME = "foundry-iac"
# The pack's own level: CrossGuard runs a policy that states no level of its own at this one, and so does the gate.
PACK_ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY

POLICIES: list[Policy] = [
    allowed_regions,
    residency_deployment_type,
    approved_models,
    model_lifecycle,
    model_version_pinned,
    content_filter,
    content_filter_severity,
    content_filter_shields,
    content_filter_mode,
    cost_budget,
    deployment_cost_ceiling,
    quota_capacity,
    deployments_per_account,
    local_auth_disabled,
    public_network_access,
    account_reachable,
    managed_identity,
    required_tags,
    private_endpoint_required,
    diagnostics_enabled,
    cmk_required,
    alerts_configured,
    agent_byo_resources,
    agent_network_injection,
    agent_storage_isolation,
    defender_for_ai,
    egress_restricted,
    preview_api,
]

POLICY_IDS = [p.name for p in POLICIES]
