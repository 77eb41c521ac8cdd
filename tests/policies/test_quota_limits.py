"""quota-capacity without a known limit (issue 23): never a pass at any capacity. The catalog's documented
quota per offer decides where Microsoft publishes one; elsewhere the gate says "limit unknown" and refuses
more than the largest quota Azure documents."""

from __future__ import annotations

import pytest

from components.catalog import is_provisioned, load_catalog
from policies.quota import default_limit, largest_documented
from tests.conftest import unwaived

INT32_MAX = 2**31 - 1
STACK = """\
config:
  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555
  azure-native:location: swedencentral
  foundry-iac:environment: nonproduction
  foundry-iac:tags: {owner: team-a}
  foundry-iac:accounts:
    - name: fdy-test
      network: {publicAccess: true, ipRules: [203.0.113.0/24]}
      deployments:
        - model: {model}
          version: "{version}"
          type: GlobalStandard
          capacity: {capacity}
"""
LOOSE = {  # only quota is under test
    "residency_deployment_type": {"boundary": "none"},
    "approved_models": "disabled",
    "cost_budget": "disabled",
    "deployment_cost_ceiling": "disabled",
    "model_lifecycle": "disabled",
}


def stack(model: str = "gpt-5.1", version: str = "2025-11-13", capacity: int = 10) -> str:
    return STACK.replace("{model}", model).replace("{version}", version).replace("{capacity}", str(capacity))


def test_every_documented_quota_names_its_source_and_date():
    for name, entry in load_catalog().models.items():
        for offer in entry.offers:
            if offer.quota is None:
                assert is_provisioned(offer.sku) or entry.format != "OpenAI" or name == "grok-4.7", (name, offer.sku)
                continue
            assert offer.quota.source.startswith("Microsoft Learn") and offer.quota.as_of.year >= 2026
    for sku, limit in load_catalog().type_limits.items():
        assert (limit.largest_tpm is None) == is_provisioned(sku) == (limit.ptu_per_deployment is not None)


def test_the_documented_default_is_per_offer_and_in_quota_units():
    assert default_limit("grok-4-1-fast-reasoning", "GlobalStandard", "1") == 400  # 400,000 TPM
    assert default_limit("DeepSeek-R1", "GlobalStandard", "1") == 5000  # 5,000,000 TPM
    assert default_limit("DeepSeek-R1", "GlobalProvisionedManaged", "1") is None  # PTU pools: granted on request
    assert default_limit("gpt-5.1", "GlobalStandard", "2025-11-13") is None  # depends on the quota tier


def test_the_largest_documented_quota_is_the_offers_else_the_deployment_types():
    assert largest_documented("gpt-5.1", "GlobalStandard", "2025-11-13")[0] == 15_000  # Tier 6: 15M TPM
    assert largest_documented("gpt-5.1", "DataZoneStandard", "2025-11-13")[0] == 4_000
    gpt6 = largest_documented("gpt-6-sol", "GlobalStandard", "2026-09-22")  # no Tier 6 row: the type's most
    assert gpt6[0] == 225_000 and "any model on GlobalStandard" in gpt6[1]
    assert largest_documented("gpt-5.1", "GlobalProvisionedManaged", "2025-11-13") is None


def test_a_known_limit_still_decides(gate):
    entry = gate(stack(capacity=900), **LOOSE)  # the base config records 1000 units for this pool
    assert unwaived(entry, "quota-capacity") == [] and entry["passed"]


@pytest.mark.parametrize(
    "level, enforcement", [("advisory", "advisory"), ("mandatory", "mandatory"), (None, "mandatory")]
)
def test_an_unknown_limit_is_a_finding_at_the_configured_level(gate, level, enforcement):
    quota = {"unknownLimit": level} if level else {}
    entry = gate(stack(capacity=10), quota_capacity=quota, **LOOSE)
    (finding,) = unwaived(entry, "quota-capacity")
    assert finding["enforcement"] == enforcement
    assert finding["message"].startswith(
        "fdy-test/gpt-5.1: OpenAI.GlobalStandard.gpt-5.1 in swedencentral: limit unknown (no quota snapshot, no "
        "`limits` entry, no documented default), so whether Azure grants 10 units is not judged"
    )
    assert entry["passed"] == (enforcement == "advisory")


def test_int32_max_units_never_pass_for_lack_of_a_limit(gate):
    entry = gate(stack(capacity=INT32_MAX), quota_capacity={"unknownLimit": "advisory"}, **LOOSE)
    found = unwaived(entry, "quota-capacity")
    mandatory = [f["message"] for f in found if f["enforcement"] == "mandatory"]
    assert mandatory == [
        f"fdy-test/gpt-5.1: OpenAI.GlobalStandard.gpt-5.1 in swedencentral needs {INT32_MAX} units (fdy-test/gpt-5.1), "
        "over the largest quota Azure documents, 15000 (the highest quota tier's for gpt-5.1 on GlobalStandard, "
        "catalog 2026-08-20); lower capacities"
    ]
    assert not entry["passed"]


def test_without_an_offer_figure_the_deployment_types_largest_caps_it(gate):
    over = gate(stack("gpt-6-sol", "2026-09-22", 225_001), quota_capacity={"unknownLimit": "advisory"}, **LOOSE)
    assert not over["passed"] and "documents, 225000 (the most Azure documents for any model on GlobalStandard" in str(
        unwaived(over, "quota-capacity")
    )
    at = gate(stack("gpt-6-sol", "2026-09-22", 225_000), quota_capacity={"unknownLimit": "advisory"}, **LOOSE)
    assert at["passed"] and [f["enforcement"] for f in unwaived(at, "quota-capacity")] == ["advisory"]


def test_a_production_stack_cannot_make_an_unknown_limit_advisory(tmp_path, monkeypatch, capsys):
    import json

    from foundry_iac.cli.main import main
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    data = json.loads((ROOT / "policies/config/prod-us.json").read_text())
    data["quota-capacity"]["unknownLimit"] = "advisory"
    config = tmp_path / "prod-us.json"
    config.write_text(json.dumps(data, indent=2))
    code = main(["check", "prod-us", "--policy-config", str(config)])
    (line,) = capsys.readouterr().err.splitlines()
    assert code == 2 and line.startswith(f"error: {config}:")
    assert "quota-capacity.unknownLimit: the stack is production (stacks/Pulumi.prod-us.yaml:8)" in line
    data["quota-capacity"]["unknownLimit"] = "mandatory"
    config.write_text(json.dumps(data, indent=2))
    assert main(["check", "prod-us", "--policy-config", str(config)]) == 0
