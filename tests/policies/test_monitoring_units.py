"""alerts-configured on hand-built resources: which accounts need which alerts, and the exact messages."""

from __future__ import annotations

from components.monitoring import metrics
from policies.framework import Resource
from policies.monitoring import check_alerts

ALERT = "azure-native:monitor:MetricAlert"
ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/{}"
GROUP = [{"actionGroupId": "/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/actionGroups/ag"}]


def account(name: str) -> Resource:
    props = {"accountName": name, "resourceGroupName": "rg", "location": "swedencentral"}
    return Resource("azure-native:cognitiveservices:Account", f"{name}-account", f"urn:{name}", props)


def deployment(account_name: str, sku: str = "DataZoneStandard") -> Resource:
    props = {
        "accountName": account_name,
        "deploymentName": "d",
        "sku": {"name": sku, "capacity": 50},
        "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}},
    }
    return Resource("azure-native:cognitiveservices:Deployment", f"{account_name}-d", f"urn:{account_name}-d", props)


def alert(account_name: str, metric: str, codes: tuple[str, ...] = ()) -> Resource:
    criterion: dict = {"metricName": metric}
    if codes:
        criterion["dimensions"] = [{"name": "StatusCode", "operator": "Include", "values": list(codes)}]
    props = {
        "enabled": True,
        "actions": GROUP,
        "scopes": [ID.format(account_name)],
        "criteria": {"allOf": [criterion]},
    }
    return Resource(ALERT, f"{account_name}-{metric}", f"urn:alert-{account_name}-{metric}", props)


def messages(resources: list[Resource], config: dict | None = None) -> list[tuple[str, str]]:
    return [(f.resource.name if f.resource else "", f.message) for f in check_alerts(resources, config or {})]


def throttling(name: str) -> Resource:
    return alert(name, metrics.REQUESTS, metrics.THROTTLED)


def test_an_account_without_alerts_is_told_exactly_what_to_add():
    assert messages([account("a"), deployment("a")]) == [
        (
            "a-account",
            "a-account: no throttling (requests answered 429) alert: no enabled metric alert on AzureOpenAIRequests "
            "with StatusCode 429 scopes this account and notifies an action group; add foundry-iac:alerts (emails or "
            "actionGroupId), with `throttling` not disabled",
        )
    ]


def test_a_provisioned_account_needs_a_ptu_alert():
    assert messages([account("a"), deployment("a", "ProvisionedManaged"), throttling("a")]) == [
        (
            "a-account",
            "a-account: no PTU utilization alert: no enabled metric alert on "
            "AzureOpenAIProvisionedManagedUtilizationV2 scopes this account and notifies an action group; add "
            "foundry-iac:alerts (emails or actionGroupId), with `ptuUtilization` not disabled",
        )
    ]


def test_server_errors_are_required_only_when_configured():
    resources = [account("a"), deployment("a"), throttling("a")]
    assert messages(resources) == []
    assert messages(resources, {"requireServerErrors": True}) == [
        (
            "a-account",
            "a-account: no server errors (5xx) alert: no enabled metric alert on AzureOpenAIRequests with StatusCode "
            "500, 502, 503, 504 scopes this account and notifies an action group; add foundry-iac:alerts (emails or "
            "actionGroupId), with `serverErrors` not disabled",
        )
    ]
    with_errors = [*resources, alert("a", metrics.REQUESTS, metrics.SERVER_ERRORS)]
    assert messages(with_errors, {"requireServerErrors": True}) == []


def test_an_account_without_deployments_is_skipped_and_the_next_one_still_checked():
    found = messages([account("empty"), account("b"), deployment("b")])
    assert [name for name, _ in found] == ["b-account"]


def test_an_alert_on_another_account_does_not_count():
    assert [n for n, _ in messages([account("a"), deployment("a"), throttling("other")])] == ["a-account"]


def test_scopes_match_the_account_id_without_case():
    upper = throttling("a")
    props = {**upper.props, "scopes": [ID.format("a").upper()]}
    assert messages([account("a"), deployment("a"), Resource(ALERT, "x", "urn:x", props)]) == []
