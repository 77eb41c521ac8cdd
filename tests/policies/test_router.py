"""model-router: judged by the models it may route to (catalog `routesTo`, from the router's documentation)."""

from __future__ import annotations

from policies.common import routed_models
from tests.conftest import unwaived

ROUTER = """\
config:
  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555
  azure-native:location: swedencentral
  foundry-iac:environment: nonproduction
  foundry-iac:tags: {owner: team-a}
  foundry-iac:accounts:
    - name: fdy-test
      network: {publicAccess: true, ipRules: [203.0.113.0/24]}
      deployments:
        - model: model-router
          version: "{version}"
          type: DataZoneStandard
          capacity: 10
"""
ALL_ROUTED = {
    name: []
    for name in [
        "model-router",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-nano",
        "o4-mini",
        "gpt-5-nano",
        "gpt-5-mini",
        "gpt-5",
        "gpt-5-chat",
        "DeepSeek-V3.1",
        "gpt-oss-120b",
        "llama4-maverick-instruct",
        "grok-4",
        "grok-4-fast",
        "claude-haiku-4-5",
        "claude-opus-4-1",
        "claude-sonnet-4-5",
    ]
}


def router(version: str = "2025-11-18") -> str:
    return ROUTER.replace("{version}", version)


def test_routed_models_match_the_catalog_without_case_and_list_the_unknown():
    known, unknown = routed_models("model-router", "2025-11-18")
    assert "DeepSeek-V3.1" in known and "grok-4" in known and "gpt-4.1" in known
    assert unknown == [
        "gpt-5-chat",
        "gpt-oss-120b",
        "llama4-maverick-instruct",
        "grok-4-fast",
        "claude-haiku-4-5",
        "claude-opus-4-1",
        "claude-sonnet-4-5",
    ]
    assert routed_models("gpt-4o", "2024-11-20") == ([], [])
    assert routed_models("model-router", None) == routed_models("model-router", "2025-11-18")  # the default


def test_a_router_that_may_route_to_global_only_models_breaks_the_eu_boundary(gate):
    entry = gate(
        router(),
        approved_models={"approvedModels": ALL_ROUTED},
        cost_budget="disabled",
        deployment_cost_ceiling="disabled",
        quota_capacity="disabled",
    )
    (finding,) = unwaived(entry, "residency-deployment-type")
    assert finding["message"].startswith(
        "fdy-test/model-router: model-router 2025-11-18 may route prompts outside the EU residency boundary: "
        "DeepSeek-V3.1 (offered in swedencentral only as GlobalStandard: GlobalStandard may process prompts in any "
        "Azure region); grok-4 (offered in swedencentral only as GlobalStandard: GlobalStandard may process prompts in "
        "any Azure region); gpt-5-chat, gpt-oss-120b, llama4-maverick-instruct, grok-4-fast, claude-haiku-4-5, "
        "claude-opus-4-1, claude-sonnet-4-5, which the catalog does not know, so where their prompts are processed "
        "is unknown; deploy it only where every model it routes to complies"
    )
    assert not unwaived(entry, "approved-models")  # every routed model approved, by catalog or documentation name


def test_a_router_whose_models_are_all_offered_on_its_type_here_keeps_the_boundary(gate):
    entry = gate(
        router("2025-05-19"),
        approved_models={"approvedModels": ALL_ROUTED},
        cost_budget="disabled",
        deployment_cost_ceiling="disabled",
        quota_capacity="disabled",
        model_lifecycle="disabled",
    )
    assert not unwaived(entry, "residency-deployment-type"), entry["violations"]


def test_without_a_boundary_the_router_is_not_judged_for_residency(gate):
    entry = gate(
        router(),
        residency_deployment_type={"boundary": "none"},
        approved_models={"approvedModels": ALL_ROUTED},
        cost_budget="disabled",
        deployment_cost_ceiling="disabled",
        quota_capacity="disabled",
    )
    assert not unwaived(entry, "residency-deployment-type")


def test_approved_models_names_every_routed_model_not_approved(gate):
    approved = {"model-router": [], "gpt-4.1": [], "gpt-4.1-mini": [], "gpt-4.1-nano": []}
    entry = gate(
        router("2025-05-19"),
        approved_models={"approvedModels": approved},
        cost_budget="disabled",
        deployment_cost_ceiling="disabled",
        quota_capacity="disabled",
        model_lifecycle="disabled",
    )
    (finding,) = unwaived(entry, "approved-models")
    assert finding["message"].startswith(
        "fdy-test/model-router: model-router 2025-05-19 may route prompts to models not on this stack's approved "
        "list: o4-mini; approve them"
    )
