"""Shared fixtures: the project root, small real stack files, and offline program runs."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from foundry_iac.engine.runner import ProgramRun, run_program
from foundry_iac.engine.stacks import StackRef, resolve_stack

ROOT = Path(__file__).resolve().parents[1]

MINIMAL_STACK = """\
config:
  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555
  azure-native:location: swedencentral
  foundry-iac:environment: production
  foundry-iac:residency: EU
  foundry-iac:accounts:
    - name: fdy-test
      projects:
        - name: team-a
          members:
            - principalId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
              role: Azure AI User
      deployments:
        - model: gpt-4o
          version: "2024-11-20"
          type: DataZoneStandard
          capacity: 10
        - model: gpt-5.1
          version: "2025-11-13"
          type: DataZoneStandard
          capacity: 5
"""


@pytest.fixture
def root() -> Path:
    """The foundry-iac project directory."""
    return ROOT


@pytest.fixture
def write_stack(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a stack file Pulumi.<name>.yaml into a temporary folder and return its path."""

    def write(text: str, name: str = "test") -> Path:
        path = tmp_path / f"Pulumi.{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_stack() -> Callable[[str | Path], ProgramRun]:
    """Run the real Pulumi program offline for a stack name or stack file."""

    def run(stack: str | Path) -> ProgramRun:
        ref = resolve_stack(str(stack), ROOT)
        return run_program(ref, ROOT)

    return run


def example_ref(name: str) -> StackRef:
    """The StackRef of an example stack in stacks/."""
    return resolve_stack(name, ROOT)


BASE_POLICY_CONFIG = {
    "all": "mandatory",
    "allowed-regions": {"allowedRegions": ["swedencentral"]},
    "residency-deployment-type": {"boundary": "EU"},
    "approved-models": {
        "approvedModels": {
            "gpt-4o": ["2024-11-20"],
            "gpt-5.1": ["2025-11-13"],
            "grok-4-1-fast-reasoning": ["1"],
            "DeepSeek-V3.2": ["1"],
        }
    },
    "model-version-pinned": {},
    "content-filter": {},
    "cost-budget": {"maxBudgetUsd": 100000, "basis": "expected"},
    "deployment-cost-ceiling": {"maxMonthlyUsd": 100000},
    # the limits of the pools the shared stacks use (with no limit known, quota-capacity reports it)
    "quota-capacity": {
        "limits": {
            "swedencentral": {
                "OpenAI.DataZoneStandard.gpt-4o": 1000,
                "OpenAI.DataZoneStandard.gpt-5.1": 1000,
                "OpenAI.GlobalStandard.gpt-5.1": 1000,
                "OpenAI.GlobalStandard.gpt-4o": 1000,
                "OpenAI.DataZoneStandard.gpt-5.4": 1000,
            },
            "francecentral": {"OpenAI.DataZoneStandard.gpt-4o": 1000, "OpenAI.DataZoneStandard.gpt-5.1": 1000},
        }
    },
    "deployments-per-account": {},
    "local-auth-disabled": {},
    "public-network-access": {},
    "managed-identity": {},
    "required-tags": {"tags": ["owner"]},
    "private-endpoint-required": "disabled",
    "diagnostics-enabled": "disabled",
    "cmk-required": "disabled",
    "alerts-configured": "disabled",
    "agent-byo-resources": {},
    "agent-network-injection": "disabled",
    "agent-storage-isolation": {},
    "defender-for-ai": "disabled",  # tests/policies/test_defender.py checks it
    "egress-restricted": "disabled",
    "preview-api": "disabled",
}


@pytest.fixture
def gate(tmp_path: Path):
    """Check a stack text against a policy config (BASE_POLICY_CONFIG with overrides): its report entry."""
    import copy
    import json

    from foundry_iac.engine.gate import check_stack
    from foundry_iac.engine.report_model import as_data

    def run(stack_text: str, **overrides: object) -> dict:
        config = copy.deepcopy(BASE_POLICY_CONFIG)
        for key, value in overrides.items():
            config[key.replace("_", "-")] = value
        stack = tmp_path / "Pulumi.gated.yaml"
        stack.write_text(textwrap.dedent(stack_text), encoding="utf-8")
        policy = tmp_path / "policy.json"
        policy.write_text(json.dumps(config), encoding="utf-8")
        return as_data(check_stack(resolve_stack(str(stack), ROOT), ROOT, (policy, "policy.json")))

    return run


TAGGED_NO_ENDPOINT = MINIMAL_STACK.replace(
    "  foundry-iac:accounts:\n", "  foundry-iac:tags: {owner: team-a}\n  foundry-iac:accounts:\n"
)
_HUB = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-dns/providers/Microsoft.Network"
# A production account is private; this endpoint (hub DNS zones, one line) is how it is reached.
REACHABLE = (
    "      privateEndpoint: {subnetId: /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/"
    "providers/Microsoft.Network/virtualNetworks/vnet-ai/subnets/snet-pe, dnsZoneIds: {"
    + ", ".join(
        f"{zone}: {_HUB}/privateDnsZones/{zone}"
        for zone in (
            "privatelink.cognitiveservices.azure.com",
            "privatelink.openai.azure.com",
            "privatelink.services.ai.azure.com",
        )
    )
    + "}}\n"
)
TAGGED_STACK = TAGGED_NO_ENDPOINT.replace("    - name: fdy-test\n", "    - name: fdy-test\n" + REACHABLE)
_DATA = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-data/providers"
AGENTS_BLOCK = f"""\
          agents:
            cosmosDb: {{id: {_DATA}/Microsoft.DocumentDB/databaseAccounts/cosmos-agents, location: swedencentral}}
            storage: {{id: {_DATA}/Microsoft.Storage/storageAccounts/stagents, location: swedencentral}}
            search: {{id: {_DATA}/Microsoft.Search/searchServices/srch-agents, location: swedencentral}}
"""


def managed_network_block(fqdn: str = "orders.api.contoso.example", extra_rules: str = "") -> str:
    """An account's `managedNetwork:` (AllowOnlyApprovedOutbound, Standard firewall) with a private endpoint rule
    `agents-files` into rg-data's storage account, an FQDN rule `orders-api` to `fqdn`, then `extra_rules`."""
    return (
        "      managedNetwork:\n"
        "        isolation: AllowOnlyApprovedOutbound\n"
        "        firewallSku: Standard\n"
        "        outbound:\n"
        "          - name: agents-files\n"
        "            privateEndpoint: {resourceId: "
        f"{_DATA}/Microsoft.Storage/storageAccounts/stagents, groupId: blob}}\n"
        "          - name: orders-api\n"
        f"            fqdn: {fqdn}\n" + extra_rules
    )


AGENT_ZONES = ("privatelink.documents.azure.com", "privatelink.blob.core.windows.net", "privatelink.search.windows.net")
# TAGGED_STACK with a standard agent setup on its project: the hub also has the agents' three DNS zones.
AGENT_STACK = TAGGED_STACK.replace(
    "}}\n", ", " + ", ".join(f"{zone}: {_HUB}/privateDnsZones/{zone}" for zone in AGENT_ZONES) + "}}\n", 1
).replace("              role: Azure AI User\n", "              role: Azure AI User\n" + AGENTS_BLOCK, 1)

# AGENT_STACK with a second project whose agents use the same Cosmos DB, Storage account and AI Search.
SHARED_AGENT_STACK = AGENT_STACK.replace(
    "      deployments:\n",
    "        - name: team-b\n" + AGENTS_BLOCK + "      deployments:\n",
    1,
)


# prod-eu as it was before its managed network: its agents injected into its own subnet (agentNetwork). The tests of
# network injection judge this variant; prod-eu itself now shows the managed network (components/managed_network).
PROD_EU_TEXT = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text(encoding="utf-8")
AGENT_SUBNET_BLOCK = (
    "      agentNetwork:                        # agent runtime injected into our VNet: delegated to "
    "Microsoft.App/environments\n"
    "        subnetId: /subscriptions/7e1f3a5c-2b4d-4c6e-8a0f-1d3b5c7e9f20/resourceGroups/rg-network-prod-eu/providers/"
    "Microsoft.Network/virtualNetworks/vnet-spoke-ai-prod-eu/subnets/snet-agents\n"
)
_WITHOUT_NETWORK = PROD_EU_TEXT[: PROD_EU_TEXT.index("      # Agent egress through a Microsoft-managed VNet")]
_NOTE_AT = _WITHOUT_NETWORK.index("      # no agentNetwork:")
_NOTE = _WITHOUT_NETWORK[_NOTE_AT : _WITHOUT_NETWORK.index("      encryption:\n")]
PROD_EU_INJECTED = _WITHOUT_NETWORK.replace(_NOTE, AGENT_SUBNET_BLOCK, 1)


def with_deployment(text: str, deployment: str) -> str:
    """prod-eu's text with one more deployment at the end of its account's deployments (before the managed network
    that closes the account)."""
    marker = "      # Agent egress through a Microsoft-managed VNet"
    at = text.index(marker) if marker in text else len(text)
    return text[:at] + deployment + text[at:]


def unwaived(entry: dict, policy: str) -> list[dict]:
    """The unwaived violations of one policy in a report entry."""
    return [v for v in entry["violations"] if v["policy"] == policy and not v["waived"]]


SUB_ID = "11111111-2222-3333-4444-555555555555"
NET = f"/subscriptions/{SUB_ID}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ai"
SEC = f"/subscriptions/{SUB_ID}/resourceGroups/rg-sec/providers"
ENTERPRISE_ACCOUNT = f"""\
      privateEndpoint:
        subnetId: {NET}/subnets/snet-pe
      encryption:
        keyVaultId: {SEC}/Microsoft.KeyVault/vaults/kv-test
        keyVaultUri: https://kv-test.vault.azure.net/
        keyName: cmk
        identity:
          resourceId: {SEC}/Microsoft.ManagedIdentity/userAssignedIdentities/id-cmk
          clientId: 0a0a0a0a-1b1b-2c2c-3d3d-4e4e4e4e4e4e
          principalId: 5f5f5f5f-6a6a-7b7b-8c8c-9d9d9d9d9d9d
      diagnostics:
        workspace: law-test
"""
ENTERPRISE_STACK = TAGGED_NO_ENDPOINT.replace(
    "  foundry-iac:accounts:\n", f"  foundry-iac:privateDns:\n    vnetIds: [{NET}]\n  foundry-iac:accounts:\n"
).replace("    - name: fdy-test\n", "    - name: fdy-test\n" + ENTERPRISE_ACCOUNT)


TODAY = "2026-11-30"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test judges lifecycle and waivers on one fixed day (the injectable clock), not the real date."""
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", TODAY)
    return TODAY


@pytest.fixture
def versioned_catalog(monkeypatch):
    """The real catalog plus what it does not have today but Azure may: gpt-4o's 2024-05-13 counted on its own
    usage name, data-zone pooled and provisioned with its own minimum, and two units of TPM per capacity unit."""
    import json

    from components.catalog import CATALOG_PATH, parse_catalog

    data = json.loads(CATALOG_PATH.read_text())
    model = data["models"]["gpt-4o"]
    model["versions"]["2024-05-13"] = dict(model["versions"]["2024-11-20"])  # generally available again
    others = [v for v in model["versions"] if v != "2024-05-13"]
    base = next(o for o in model["offers"] if o["sku"] == "GlobalStandard")
    ptu = next(o for o in model["offers"] if o["sku"] == "GlobalProvisionedManaged")
    old = {**base, "usageName": "OpenAI.GlobalStandard.gpt-4o-0513", "quotaScope": "dataZone"}
    old_ptu = {**ptu, "minimum": 100, "step": 100}
    old["versions"] = old_ptu["versions"] = ["2024-05-13"]
    base["versions"] = ptu["versions"] = others
    model["offers"] += [old, old_ptu]  # after the general offers: a deployment without a version gets those
    model["tpmPerUnit"] = 2000
    fake = parse_catalog(data, "versioned")
    import policies.common
    import policies.quota

    monkeypatch.setattr(policies.quota, "catalog", lambda: fake)
    monkeypatch.setattr(policies.common, "catalog", lambda: fake)
    return fake
