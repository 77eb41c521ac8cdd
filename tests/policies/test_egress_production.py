"""prod-eu's agents reach only approved outbound: the example passes egress-restricted, and production copies that
allow internet outbound, or name a host off the allow list, fail it at the account's or the rule's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundry_iac.engine.gate import check_stack
from foundry_iac.engine.policy_config import load_policy_config
from foundry_iac.engine.report_model import as_data
from foundry_iac.engine.stacks import resolve_stack
from policies.pack import POLICIES
from tests.conftest import ROOT, unwaived

PROD_EU = ROOT / "stacks" / "Pulumi.prod-eu.yaml"


def gate_file(path: Path, stack: str = "prod-eu", config: Path | None = None) -> dict:
    config = config or ROOT / "policies" / "config" / f"{stack}.json"
    return as_data(check_stack(resolve_stack(str(path), ROOT), ROOT, (config, config.name)))


def with_rule(tmp_path: Path, rule: str) -> tuple[Path, str]:
    """A copy of prod-eu with one more outbound rule after its FQDN rule."""
    text = PROD_EU.read_text().replace(
        "            fqdn: orders.api.contoso.example\n", "            fqdn: orders.api.contoso.example\n" + rule
    )
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(text)
    return path, text


def with_allowed(tmp_path: Path, setting: str, entries: list[str]) -> Path:
    """A copy of prod-eu's policy config whose egress-restricted `setting` lists `entries`."""
    import json

    config = json.loads((ROOT / "policies" / "config" / "prod-eu.json").read_text())
    config["egress-restricted"][setting] = entries
    path = tmp_path / "prod-eu.json"
    path.write_text(json.dumps(config, indent=1))
    return path


STATTACKER = (
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/x/providers/Microsoft.Storage/"
    "storageAccounts/stattacker"
)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("stack", ["prod-eu", "prod-us"])
def test_production_configs_make_egress_mandatory_and_preview_api_advisory(stack):
    path = ROOT / "policies" / "config" / f"{stack}.json"
    settings = load_policy_config(path, path.name, POLICIES)
    assert settings["egress-restricted"].enforcement == "mandatory"
    assert settings["preview-api"].enforcement == "advisory"


def test_the_dev_config_keeps_egress_and_preview_api_advisory():
    path = ROOT / "policies" / "config" / "dev.json"
    settings = load_policy_config(path, path.name, POLICIES)
    assert {settings[p].enforcement for p in ("egress-restricted", "preview-api")} == {"advisory"}


def test_prod_eu_passes_egress_restricted_and_lists_its_preview_resources():
    entry = gate_file(PROD_EU)
    assert entry["passed"] and unwaived(entry, "egress-restricted") == []
    preview = {v["message"].split(":")[0] for v in unwaived(entry, "preview-api")}
    assert {
        "fdy-prod-eu-core-managed-network",
        "fdy-prod-eu-core-outbound-agents-threads",
        "fdy-prod-eu-core-outbound-order-status-api",
    } <= preview
    assert {v["enforcement"] for v in unwaived(entry, "preview-api")} == {"advisory"}


def test_a_production_copy_that_allows_internet_outbound_fails_at_the_accounts_line(tmp_path):
    text = PROD_EU.read_text()
    start = text.index("        firewallSku: Standard")
    text = text[:start] + text[text.index("\n", start) + 1 :]
    text = text[: text.index("          # the one internet host")]
    text = text.replace("isolation: AllowOnlyApprovedOutbound", "isolation: AllowInternetOutbound")
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(text)
    entry = gate_file(path)
    (found,) = unwaived(entry, "egress-restricted")
    assert found["enforcement"] == "mandatory" and not entry["passed"]
    assert found["message"].startswith(
        "fdy-prod-eu-core: its managed network's isolation 'AllowInternetOutbound' lets agents reach any internet"
    )
    assert found["source"]["line"] == line_of(text, "    - name: fdy-prod-eu-core")


def test_an_fqdn_off_the_allow_list_fails_at_its_rules_line(tmp_path):
    text = PROD_EU.read_text().replace(
        "            fqdn: orders.api.contoso.example\n",
        "            fqdn: orders.api.contoso.example\n          - name: package-index\n            fqdn: pypi.org\n",
    )
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(text)
    entry = gate_file(path)
    (found,) = unwaived(entry, "egress-restricted")
    assert found["message"].startswith("fdy-prod-eu-core/package-index: FQDN pypi.org is not on the egress allow list")
    assert found["source"]["line"] == line_of(text, "          - name: package-index") and not entry["passed"]


def test_a_wildcard_wider_than_the_allow_list_fails(tmp_path):
    text = PROD_EU.read_text().replace("fqdn: orders.api.contoso.example", "fqdn: '*.contoso.example'")
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(text)
    (found,) = unwaived(gate_file(path), "egress-restricted")
    assert (
        "FQDN *.contoso.example is not on the egress allow list (a wildcard wider than the allow list)"
        in (found["message"])
    )


@pytest.mark.parametrize("entry", ["Orders.api.contoso.example", "https://orders.api.contoso.example", "*.*.example"])
def test_an_allow_list_entry_that_is_no_lower_case_fqdn_is_refused_at_its_line(tmp_path, entry):
    import json

    from foundry_iac.engine.policy_config import PolicyConfigError

    config = json.loads((ROOT / "policies" / "config" / "prod-eu.json").read_text())
    config["egress-restricted"]["allowedFqdns"] = ["orders.api.contoso.example", entry]
    path = tmp_path / "prod-eu.json"
    path.write_text(json.dumps(config, indent=1))
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path, "prod-eu.json", POLICIES)
    assert "prod-eu.json:" in str(err.value) and "allowedFqdns[1]" in str(err.value)
    assert "is not a host name in lower case, or *. and one (e.g. api.github.com, *.contoso.example)" in str(err.value)


def test_a_storage_service_tag_fails_at_its_rules_line_and_passes_once_allowed(tmp_path):
    path, text = with_rule(
        tmp_path, "          - name: storage-all\n            serviceTag: {tag: Storage, protocol: TCP, ports: '443'}\n"
    )
    entry = gate_file(path)
    (found,) = unwaived(entry, "egress-restricted")
    assert found["message"].startswith(
        "fdy-prod-eu-core/storage-all: service tag Storage reaches every address of that Azure"
    )
    assert found["source"]["line"] == line_of(text, "          - name: storage-all\n") and not entry["passed"]
    allowed = gate_file(path, config=with_allowed(tmp_path, "allowedServiceTags", ["Storage"]))
    assert unwaived(allowed, "egress-restricted") == [] and allowed["passed"]


def test_a_private_endpoint_into_another_subscription_fails_at_its_rules_line_and_passes_once_allowed(tmp_path):
    rule = f"          - name: exfil\n            privateEndpoint:\n              resourceId: {STATTACKER}\n"
    path, text = with_rule(tmp_path, rule + "              groupId: blob\n")
    entry = gate_file(path)
    (found,) = unwaived(entry, "egress-restricted")
    assert found["message"].startswith(f"fdy-prod-eu-core/exfil: private endpoint to {STATTACKER} (blob), a resource")
    assert found["source"]["line"] == line_of(text, "          - name: exfil") and not entry["passed"]
    allowed = gate_file(path, config=with_allowed(tmp_path, "allowedPrivateEndpoints", [STATTACKER.upper()]))
    assert unwaived(allowed, "egress-restricted") == [] and allowed["passed"]


@pytest.mark.parametrize(
    "setting,entry",
    [("allowedServiceTags", "Storage West"), ("allowedPrivateEndpoints", "stattacker")],
)
def test_an_allow_list_entry_of_the_wrong_shape_is_refused_at_its_line(tmp_path, setting, entry):
    from foundry_iac.engine.policy_config import PolicyConfigError

    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(with_allowed(tmp_path, setting, [entry]), "prod-eu.json", POLICIES)
    assert "prod-eu.json:" in str(err.value) and f"{setting}[0]" in str(err.value)


def test_an_account_whose_projects_declare_agents_is_judged_without_any_network(tmp_path):
    """The policy finds accounts with agents by their capability hosts: the config model gives every project with an
    `agents` block one, with or without a managed network (components/agents), so no account with agents escapes."""
    text = PROD_EU.read_text()
    text = text[: text.index("      # Agent egress through a Microsoft-managed VNet")]
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(text)
    entry = gate_file(path)
    (found,) = unwaived(entry, "egress-restricted")
    assert "fdy-prod-eu-core: its agents reach any internet address (no managed network" in found["message"]
    assert found["source"]["line"] == line_of(text, "    - name: fdy-prod-eu-core") and not entry["passed"]
