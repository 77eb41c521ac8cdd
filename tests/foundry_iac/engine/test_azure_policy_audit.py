"""Azure Policy's own built-in rules for Azure AI services, evaluated on the ARM export of every production example.

The rules' `if` conditions (and the AuditIfNotExists rule's existence condition) are copied as data from the
built-in definitions in Azure/azure-policy (commit f4a50bac of 2026-04-29, built-in-policies/policyDefinitions/),
with each definition's id, version and file. A small evaluator applies them as Azure Policy does: aliases
resolve to the field of the ARM body they name (Microsoft.CognitiveServices/accounts/X is `properties.X`),
string comparisons ignore case, a missing field is null, `count` counts the array elements its `where` matches.
docs/reference/azure-policy-audit.md states the results; a test holds the page to them.
"""

from __future__ import annotations

import re

import pytest

from foundry_iac.engine.arm_export import arm_template
from foundry_iac.engine.gate import check_stack
from tests.conftest import ROOT, example_ref

SOURCE = "Azure/azure-policy@f4a50bacae07ddb096943c597669bcae494a6e29 (2026-04-29)"
ACCOUNT = "Microsoft.CognitiveServices/accounts"
DIAGNOSTIC = "Microsoft.Insights/diagnosticSettings"
PRIVATE_ENDPOINT = "Microsoft.Network/privateEndpoints"

# alias -> where it reads in the ARM body (Azure's alias paths: the type's properties live under `properties`)
ALIASES = {
    "type": "type",
    "kind": "kind",
    "identity.type": "identity.type",
    "Microsoft.CognitiveServices/accounts/disableLocalAuth": "properties.disableLocalAuth",
    "Microsoft.CognitiveServices/accounts/publicNetworkAccess": "properties.publicNetworkAccess",
    "Microsoft.CognitiveServices/accounts/networkAcls.defaultAction": "properties.networkAcls.defaultAction",
    "Microsoft.CognitiveServices/accounts/encryption.keySource": "properties.encryption.keySource",
    "Microsoft.CognitiveServices/accounts/privateEndpointConnections[*]": "properties.privateEndpointConnections[*]",
    "Microsoft.CognitiveServices/accounts/privateEndpointConnections[*].privateLinkServiceConnectionState.status": (
        "properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status"
    ),
    "Microsoft.Insights/diagnosticSettings/logs[*]": "properties.logs[*]",
}
SEARCH = "Microsoft.Search/searchServices"  # the rules' other branch: no search service is deployed by the examples

RULES = [
    {
        "id": "71ef260a-8f18-47b7-abcb-62d0673d94dc",
        "name": "Azure AI Services resources should have key access disabled (disable local authentication)",
        "version": "1.1.0",
        "file": "Azure Ai Services/DisableLocalAuth_Audit.json",
        "effect": "Audit",
        "if": {
            "anyOf": [
                {
                    "allOf": [
                        {"field": "type", "equals": ACCOUNT},
                        {"field": "Microsoft.CognitiveServices/accounts/disableLocalAuth", "notEquals": True},
                    ]
                },
                {
                    "allOf": [
                        {"field": "type", "equals": SEARCH},
                        {"field": f"{SEARCH}/disableLocalAuth", "notEquals": True},
                    ]
                },
            ]
        },
    },
    {
        "id": "037eea7a-bd0a-46c5-9a66-03aea78705d3",
        "name": "Azure AI Services resources should restrict network access",
        "version": "3.3.0",
        "file": "Azure Ai Services/NetworkAcls_Audit.json",
        "effect": "Audit",
        "if": {
            "anyOf": [
                {
                    "allOf": [
                        {"field": "type", "equals": ACCOUNT},
                        {"field": "Microsoft.CognitiveServices/accounts/publicNetworkAccess", "notEquals": "Disabled"},
                        {
                            "field": "Microsoft.CognitiveServices/accounts/networkAcls.defaultAction",
                            "notEquals": "Deny",
                        },
                    ]
                },
                {
                    "allOf": [
                        {"field": "type", "equals": SEARCH},
                        {"field": f"{SEARCH}/publicNetworkAccess", "notEquals": "Disabled"},
                        {"field": f"{SEARCH}/networkRuleSet.ipRules[*].value", "exists": "false"},
                    ]
                },
            ]
        },
    },
    {
        "id": "d6759c02-b87f-42b7-892e-71b3f471d782",
        "name": "Azure AI Services resources should use Azure Private Link",
        "version": "1.0.0",
        "file": "Azure Ai Services/EnablePrivateEndpoints_Audit.json",
        "effect": "Audit",
        "if": {
            "anyOf": [
                {
                    "allOf": [
                        {"field": "type", "equals": ACCOUNT},
                        {
                            "count": {
                                "field": "Microsoft.CognitiveServices/accounts/privateEndpointConnections[*]",
                                "where": {
                                    "field": "Microsoft.CognitiveServices/accounts/privateEndpointConnections[*]"
                                    ".privateLinkServiceConnectionState.status",
                                    "equals": "Approved",
                                },
                            },
                            "less": 1,
                        },
                    ]
                },
                {
                    "allOf": [
                        {"field": "type", "equals": SEARCH},
                        {
                            "count": {
                                "field": f"{SEARCH}/privateEndpointConnections[*]",
                                "where": {
                                    "field": f"{SEARCH}/privateEndpointConnections[*]"
                                    ".privateLinkServiceConnectionState.status",
                                    "equals": "Approved",
                                },
                            },
                            "less": 1,
                        },
                    ]
                },
            ]
        },
    },
    {
        "id": "1b4d1c4e-934c-4703-944c-27c82c06bebb",
        "name": "Diagnostic logs in Azure AI services resources should be enabled",
        "version": "1.0.0",
        "file": "Azure Ai Services/DiagnosticLogs_Audit.json",
        "effect": "AuditIfNotExists",
        "if": {"anyOf": [{"field": "type", "equals": ACCOUNT}, {"field": "type", "equals": SEARCH}]},
        "details": {
            "type": DIAGNOSTIC,
            "existenceCondition": {"field": "Microsoft.Insights/diagnosticSettings/logs[*]", "exists": True},
        },
    },
    {
        "id": "fe3fd216-4f83-4fc1-8984-2bbec80a3418",
        "name": "Cognitive Services accounts should use a managed identity",
        "version": "1.0.0",
        "file": "Cognitive Services/ManagedIdentity_Audit.json",
        "effect": "Audit",
        "if": {
            "allOf": [
                {"field": "type", "equals": ACCOUNT},
                {
                    "anyOf": [
                        {"field": "identity.type", "exists": "false"},
                        {"field": "identity.type", "equals": "None"},
                    ]
                },
            ]
        },
    },
    {
        "id": "67121cc7-ff39-4ab8-b7e3-95b84dab487d",
        "name": "Azure AI Services resources should encrypt data at rest with a customer-managed key (CMK)",
        "version": "2.2.0",
        "file": "Cognitive Services/CustomerManagedKey_Audit.json",
        "effect": "Audit",
        # the definition's default excludedKinds, which name AIServices: a default assignment skips Foundry accounts
        "parameters": {
            "excludedKinds": [
                "CognitiveServices", "ContentSafety", "ImmersiveReader", "HealthInsights", "LUIS.Authoring",
                "LUIS", "QnAMaker", "QnAMaker.V2", "AIServices", "MetricsAdvisor", "SpeechTranslation",
                "Internal.AllInOne", "ConversationalLanguageUnderstanding", "knowledge", "TranscriptionIntelligence",
                "HealthDecisionSupport",
            ]
        },
        "if": {
            "allOf": [
                {"field": "type", "equals": ACCOUNT},
                {
                    "field": "Microsoft.CognitiveServices/accounts/encryption.keySource",
                    "notEquals": "Microsoft.KeyVault",
                },
                {"field": "kind", "notIn": "[parameters('excludedKinds')]"},
            ]
        },
    },
]  # fmt: skip
# The CMK rule once more under an assignment that excludes no kind, as a stricter organisation would assign it.
CMK_STRICT = {**RULES[-1], "id": RULES[-1]["id"] + " (excludedKinds: [])", "parameters": {"excludedKinds": []}}


def _values(body: object, path: str) -> list:
    """The values at a dotted path; `[*]` fans out over an array. Missing fields yield nothing."""
    current = [body]
    for part in path.split("."):
        star = part.endswith("[*]")
        key = part.removesuffix("[*]")
        nxt = []
        for value in current:
            if isinstance(value, dict) and key in value:
                nxt += value[key] if star and isinstance(value[key], list) else [] if star else [value[key]]
        current = nxt
    return current


def _field(body: dict, alias: str, element: tuple[str, dict] | None) -> tuple[bool, list]:
    """(is an array alias, values) of an alias, inside a `count`'s current element when it names that array."""
    if element and alias.startswith(element[0]):
        rest = alias.removeprefix(element[0]).lstrip(".")
        base = ALIASES[alias].removeprefix(ALIASES[element[0]]).lstrip(".")
        assert bool(rest) == bool(base), alias
        return False, _values(element[1], base) if base else [element[1]]
    if alias not in ALIASES:
        raise KeyError(f"no alias path for {alias}")
    return "[*]" in alias, _values(body, ALIASES[alias])


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b


def _parameter(value: object, rule: dict) -> object:
    found = re.fullmatch(r"\[parameters\('(\w+)'\)\]", value) if isinstance(value, str) else None
    return rule["parameters"][found.group(1)] if found else value


def holds(condition: dict, body: dict, rule: dict, element: tuple[str, dict] | None = None) -> bool:
    """Azure Policy's evaluation of one condition on one ARM body."""
    if "allOf" in condition:
        return all(holds(c, body, rule, element) for c in condition["allOf"])
    if "anyOf" in condition:
        return any(holds(c, body, rule, element) for c in condition["anyOf"])
    if "not" in condition:
        return not holds(condition["not"], body, rule, element)
    if "count" in condition:
        _, items = _field(body, condition["count"]["field"], None)
        where = condition["count"].get("where")
        alias = condition["count"]["field"]
        n = sum(1 for item in items if where is None or holds(where, body, rule, (alias, item)))
        return _compare(n, condition, rule)
    array, values = _field(body, condition["field"], element)
    if "exists" in condition:
        want = str(condition["exists"]).lower() == "true"
        return (len(values) > 0) == want
    if array:  # a [*] field outside a count: true when every element meets the condition
        return all(_compare(v, condition, rule) for v in values)
    return _compare(values[0] if values else None, condition, rule)


def _compare(value: object, condition: dict, rule: dict) -> bool:
    operator, operand = next((k, _parameter(v, rule)) for k, v in condition.items() if k not in ("field", "count"))
    if operator == "equals":
        return _same(value, operand)
    if operator == "notEquals":
        return not _same(value, operand)
    if operator == "in":
        return any(_same(value, o) for o in operand)
    if operator == "notIn":
        return not any(_same(value, o) for o in operand)
    if operator == "less":
        return value is not None and value < operand
    raise ValueError(f"operator {operator} is not implemented")


def _resource_id_matches(reference: object, account: dict, group: str) -> bool:
    tail = f"/resourceGroups/{group}/providers/{ACCOUNT}/{account['name']}".lower()
    return isinstance(reference, str) and reference.lower().rstrip("/").endswith(tail)


CONNECTION_STATUS = {"privateLinkServiceConnections": "Approved", "manualPrivateLinkServiceConnections": "Pending"}


def deployed_account(account: dict, resources: list[dict], group: str) -> dict:
    """The account as Azure will hold it after the deployment: each private endpoint of the template that
    targets it is a private endpoint connection, Approved when requested through `privateLinkServiceConnections`
    (automatic approval, the deploying identity owning the account) and Pending through the manual list."""
    connections = []
    for endpoint in (r for r in resources if r["type"] == PRIVATE_ENDPOINT):
        for kind, status in CONNECTION_STATUS.items():
            for item in endpoint.get("properties", {}).get(kind, []):
                if _resource_id_matches(item.get("properties", {}).get("privateLinkServiceId"), account, group):
                    connections.append({"properties": {"privateLinkServiceConnectionState": {"status": status}}})
    return {**account, "properties": {**account.get("properties", {}), "privateEndpointConnections": connections}}


def evaluate(rule: dict, template: dict) -> dict[str, str]:
    """Each account of a template: 'compliant' or 'non-compliant' under one rule (its default effect)."""
    resources = template["resources"]
    group = template["metadata"]["resourceGroup"]
    out = {}
    for account in (r for r in resources if r["type"] == ACCOUNT):
        body = deployed_account(account, resources, group)
        if not holds(rule["if"], body, rule):
            out[account["name"]] = "compliant"
        elif "details" not in rule:  # Audit: a match is non-compliant
            out[account["name"]] = "non-compliant"
        else:  # AuditIfNotExists: compliant when a related resource of the details' type meets the condition
            related = [
                r
                for r in resources
                if r["type"] == rule["details"]["type"] and _resource_id_matches(r.get("scope"), account, group)
            ]
            found = any(holds(rule["details"]["existenceCondition"], r, rule) for r in related)
            out[account["name"]] = "compliant" if found else "non-compliant"
    return out


PRODUCTION = ["prod-eu", "prod-us"]  # the examples whose foundry-iac:environment is production
# Every default rule holds on both; prod-us keeps Microsoft-managed keys, which only a CMK assignment that
# excludes no kind flags (its 1b4d1c4e diagnostics result turned compliant when prod-us gained a diagnostic setting).
EXPECTED = {
    "prod-eu": {rule["id"]: "compliant" for rule in [*RULES, CMK_STRICT]},
    "prod-us": {**{rule["id"]: "compliant" for rule in RULES}, CMK_STRICT["id"]: "non-compliant"},
}


@pytest.fixture(scope="module")
def templates() -> dict[str, dict]:
    return {stack: arm_template(check_stack(example_ref(stack), ROOT), "test") for stack in PRODUCTION}


def results(template: dict) -> dict[str, str]:
    """Each rule's result over the template's accounts (non-compliant when any account is)."""
    out = {}
    for rule in [*RULES, CMK_STRICT]:
        found = evaluate(rule, template)
        assert found, "the template has no Cognitive Services account to audit"
        out[rule["id"]] = "non-compliant" if "non-compliant" in found.values() else "compliant"
    return out


def test_the_production_examples_are_the_stacks_whose_environment_is_production():
    production = sorted(
        path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for path in (ROOT / "stacks").glob("Pulumi.*.yaml")
        if "foundry-iac:environment: production" in path.read_text(encoding="utf-8")
    )
    assert production == PRODUCTION


@pytest.mark.parametrize("stack", PRODUCTION)
def test_azures_built_in_ai_services_rules_on_the_production_export(stack, templates):
    assert results(templates[stack]) == EXPECTED[stack]


def test_every_rule_flags_an_account_that_breaks_it():
    bare = {
        "type": ACCOUNT,
        "name": "open",
        "kind": "AIServices",
        "properties": {"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow"}},
    }
    template = {"metadata": {"resourceGroup": "rg"}, "resources": [bare]}
    for rule in RULES[:-1] + [CMK_STRICT]:
        assert evaluate(rule, template) == {"open": "non-compliant"}, rule["id"]
    assert evaluate(RULES[-1], template) == {"open": "compliant"}  # AIServices is a default excluded kind


def test_private_link_counts_only_an_endpoint_that_targets_the_account_with_an_automatic_connection(templates):
    template = templates["prod-us"]
    private_link = next(rule for rule in RULES if rule["id"].startswith("d6759c02"))
    assert set(evaluate(private_link, template).values()) == {"compliant"}
    for kind in ("manual", "flattened"):
        changed = {**template, "resources": [dict(r) for r in template["resources"]]}
        for r in changed["resources"]:
            if r["type"] == PRIVATE_ENDPOINT:
                items = r["properties"]["privateLinkServiceConnections"]
                props = {k: v for k, v in r["properties"].items() if k != "privateLinkServiceConnections"}
                if kind == "manual":
                    props["manualPrivateLinkServiceConnections"] = items
                else:  # the shape the export wrote before issue 27: the target at item level, not under properties
                    flat = [{**i, **i["properties"]} | {"properties": {}} for i in items]
                    props["privateLinkServiceConnections"] = flat
                r["properties"] = props
        assert set(evaluate(private_link, changed).values()) == {"non-compliant"}, kind


def test_the_audit_page_states_each_result():
    page = (ROOT / "docs" / "reference" / "azure-policy-audit.md").read_text(encoding="utf-8")
    assert SOURCE.split("@")[1][:8] in page
    for stack, expected in EXPECTED.items():
        for rule_id, result in expected.items():
            assert f"| {stack} | `{rule_id}` | {result} |" in page, (stack, rule_id)
    for rule in RULES:
        assert f"`{rule['id']}`" in page and rule["version"] in page and rule["file"] in page
