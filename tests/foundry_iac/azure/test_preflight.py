"""`preflight` reads the live subscription through azure-mgmt-cognitiveservices, here a fake Azure Resource
Manager on https://127.0.0.1 that answers with the documented REST shapes (paging, 404, 403, 429, 500)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from components.naming import custom_subdomain
from foundry_iac.azure.live_arm import LiveArm
from foundry_iac.azure.preflight import preflight
from foundry_iac.cli import commands
from foundry_iac.cli.main import main
from foundry_iac.engine.report_model import StackReport
from foundry_iac.engine.stacks import resolve_stack
from tests.conftest import AGENT_STACK, AGENTS_BLOCK, ROOT, TAGGED_STACK
from tests.foundry_iac.azure.conftest import StaticToken, endpoint

SUB = "11111111-2222-3333-4444-555555555555"
RG = "rg-foundry-prod-eu"
REGION = "swedencentral"
PROVIDERS = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices"
ACCOUNT = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.CognitiveServices/accounts/fdy-test"
SUBDOMAIN = custom_subdomain("fdy-test", "prod-eu", SUB)
TODAY = "2026-11-30"


def offered(name: str, version: str, skus: list[str], usage: str, **extra: object) -> dict:
    return {
        "kind": "AIServices",
        "skuName": "S0",
        "model": {
            "format": "OpenAI",
            "name": name,
            "version": version,
            "lifecycleStatus": "GenerallyAvailable",
            "skus": [
                {"name": sku, "usageName": f"OpenAI.{sku}.{usage}", "capacity": {"maximum": 1000}} for sku in skus
            ],
            **extra,
        },
    }


GPT_4O = offered("gpt-4o", "2024-11-20", ["DataZoneStandard", "GlobalStandard"], "gpt-4o")
GPT_51 = offered("gpt-5.1", "2025-11-13", ["DataZoneStandard"], "gpt-5.1")
USAGES = {
    "value": [
        {"name": {"value": "OpenAI.DataZoneStandard.gpt-4o"}, "currentValue": 100.0, "limit": 300.0, "unit": "Count"},
        {"name": {"value": "OpenAI.DataZoneStandard.gpt-5.1"}, "currentValue": 0.0, "limit": 300.0, "unit": "Count"},
    ]
}


class FakeArm:
    """The ARM endpoints preflight reads, with a healthy default answer for each; tests change one."""

    def __init__(
        self, server: HTTPServer, sub: str = SUB, rg: str = RG, account: str = "fdy-test", region: str = REGION
    ):
        self.server = server
        self.region = region
        self.providers = f"/subscriptions/{sub}/providers/Microsoft.CognitiveServices"
        self.account_path = (
            f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}"
        )
        self.deleted_path = f"{self.providers}/locations/{region}/resourceGroups/{rg}/deletedAccounts/{account}"
        self.provider = {"namespace": "Microsoft.CognitiveServices", "registrationState": "Registered"}
        self.models: list[dict] = [GPT_4O, GPT_51]
        self.capacity = {"gpt-4o": 500.0, "gpt-5.1": 500.0}
        self.capacity_sku = {"text-embedding-3-large": "Standard"}  # others: DataZoneStandard
        self.usages: dict = USAGES
        self.account: dict | None = None  # None: the account does not exist yet
        self.deleted: dict | None = None
        self.deployments: list[dict] = []
        self.subdomain = {"isSubdomainAvailable": True, "subdomainName": SUBDOMAIN}
        self.filters: set[str] = set()
        self.resources: dict[str, dict | None] = {}  # other resources by ARM id (agent resources, subnets)
        self.pricing_path = f"/subscriptions/{sub}/providers/Microsoft.Security/pricings/AI"
        self.defender: dict | None = {"name": "AI", "properties": {"pricingTier": "Standard"}}
        self.managed_network: dict | None = None  # accounts/{name}/managedNetworks/default (None: 404)

    def serve(self) -> None:
        s, PROVIDERS, ACCOUNT, REGION = self.server, self.providers, self.account_path, self.region  # noqa: N806
        s.expect_request(PROVIDERS, query_string={"api-version": "2021-04-01"}).respond_with_json(self.provider)
        # the models list is paged: the SDK follows nextLink
        page2 = f"{endpoint(s)}{PROVIDERS}/locations/{REGION}/models?api-version=2025-06-01&page=2"
        s.expect_request(
            f"{PROVIDERS}/locations/{REGION}/models", query_string="api-version=2025-06-01"
        ).respond_with_json({"value": self.models[:1], "nextLink": page2})
        s.expect_request(
            f"{PROVIDERS}/locations/{REGION}/models", query_string="api-version=2025-06-01&page=2"
        ).respond_with_json({"value": self.models[1:]})
        s.expect_request(f"{PROVIDERS}/locations/{REGION}/modelCapacities").respond_with_handler(self._capacity)
        s.expect_request(f"{PROVIDERS}/locations/{REGION}/usages").respond_with_json(self.usages)
        s.expect_request(f"{PROVIDERS}/checkDomainAvailability", method="POST").respond_with_json(self.subdomain)
        s.expect_request(self.deleted_path).respond_with_response(self._maybe(self.deleted))
        s.expect_request(f"{ACCOUNT}/deployments").respond_with_response(
            self._maybe(None if self.account is None else {"value": self.deployments})
        )
        s.expect_request(f"{ACCOUNT}/raiPolicies/team-strict").respond_with_response(
            self._maybe(
                {"name": "team-strict", "properties": {"mode": "Blocking"}} if "team-strict" in self.filters else None
            )
        )
        s.expect_request(
            f"{ACCOUNT}/managedNetworks/default", query_string={"api-version": "2026-01-15-preview"}
        ).respond_with_response(self._maybe(self.managed_network))
        s.expect_request(ACCOUNT).respond_with_response(self._maybe(self.account))
        for resource_id, body in self.resources.items():
            s.expect_request(resource_id).respond_with_response(self._maybe(body))
        s.expect_request(self.pricing_path, query_string={"api-version": "2024-01-01"}).respond_with_response(
            self._maybe(self.defender)
        )

    @staticmethod
    def _maybe(body: dict | None) -> Response:
        if body is None:
            error = {"error": {"code": "ResourceNotFound", "message": "not found"}}
            return Response(json.dumps(error), status=404, content_type="application/json")
        return Response(json.dumps(body), status=200, content_type="application/json")

    def _capacity(self, request) -> Response:
        """Capacity of one model format, name and version: none listed for a model the region does not offer."""
        fmt, name, version = (request.args[k] for k in ("modelFormat", "modelName", "modelVersion"))
        known = {(m["model"]["format"], m["model"]["name"], m["model"].get("version", "")) for m in self.models}
        items = [
            {
                "id": f"{self.providers}/locations/{self.region}/modelCapacities/{name}",
                "location": self.region,
                "properties": {
                    "model": {"format": fmt, "name": name, "version": version},
                    "skuName": self.capacity_sku.get(name, "DataZoneStandard"),
                    "availableCapacity": self.capacity[name],
                },
            }
        ]
        body = {"value": items if (fmt, name, version) in known else []}
        return Response(json.dumps(body), status=200, content_type="application/json")


@pytest.fixture
def fake(arm) -> FakeArm:
    return FakeArm(arm)


@pytest.fixture
def stack_file(tmp_path) -> Path:
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(TAGGED_STACK)
    return path


def run(fake: FakeArm, tls, stack: Path, progress: list[str] | None = None) -> dict:
    fake.serve()
    ref = resolve_stack(str(stack), ROOT)
    report = preflight(
        [ref],
        ROOT,
        lambda sub: LiveArm(StaticToken(), sub, endpoint(fake.server), verify=str(tls[1]), retry_backoff=0.01),
        __import__("datetime").date.fromisoformat(TODAY),
        progress=progress.append if progress is not None else None,
    )
    return json.loads(report.model_dump_json())["stacks"][0]


def findings(entry: dict, check: str | None = None) -> list[dict]:
    return [v for v in entry["violations"] if check is None or v["policy"] == check]


def test_a_stack_azure_accepts_today_passes_with_progress_per_region(fake, tls, stack_file):
    lines: list[str] = []
    entry = run(fake, tls, stack_file, lines)
    assert entry["passed"] and entry["violations"] == []
    assert lines == ["[prod-eu] swedencentral: 1 account(s), 2 deployment(s) checked"]


def test_an_unregistered_provider_fails(fake, tls, stack_file):
    fake.provider = {"namespace": "Microsoft.CognitiveServices", "registrationState": "NotRegistered"}
    entry = run(fake, tls, stack_file)
    (finding,) = findings(entry)
    assert finding["policy"] == "preflight-provider" and finding["enforcement"] == "mandatory"
    assert finding["message"] == (
        f"Microsoft.CognitiveServices is NotRegistered in subscription {SUB}: register it (az provider register "
        "--namespace Microsoft.CognitiveServices) before pulumi up"
    )
    assert not entry["passed"]


def test_a_provider_azure_gives_no_registration_state_is_not_registered(fake, tls, stack_file):
    fake.provider = {"namespace": "Microsoft.CognitiveServices"}
    (finding,) = findings(run(fake, tls, stack_file))
    assert finding["policy"] == "preflight-provider"
    assert finding["message"].startswith(f"Microsoft.CognitiveServices is not registered in subscription {SUB}: ")


def test_a_denied_provider_read_is_a_finding_of_the_whole_stack(fake, tls, stack_file):
    fake.server.expect_request(PROVIDERS, query_string={"api-version": "2021-04-01"}).respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no access"}}, status=403
    )
    entry = run(fake, tls, stack_file)
    (denied,) = findings(entry, "preflight-access")
    assert denied["message"].startswith("Azure denied reading ") and denied["urn"] is None
    assert not entry["passed"]


def test_a_version_azure_no_longer_offers_fails_at_its_deployment_line(fake, tls, stack_file):
    fake.models = [offered("gpt-4o", "2025-01-01", ["DataZoneStandard"], "gpt-4o"), GPT_51]
    entry = run(fake, tls, stack_file)
    (finding,) = findings(entry)
    assert finding["policy"] == "preflight-model-offered"
    assert finding["message"] == (
        "fdy-test/gpt-4o: gpt-4o version 2024-11-20 is not offered in swedencentral today; offered versions: 2025-01-01"
    )
    assert finding["source"]["line"] == 16 and finding["urn"].endswith("::fdy-test-deployment-gpt-4o")


def test_a_deployment_type_not_offered_in_the_region_fails(fake, tls, stack_file):
    fake.models = [offered("gpt-4o", "2024-11-20", ["GlobalStandard"], "gpt-4o"), GPT_51]
    (finding,) = findings(run(fake, tls, stack_file), "preflight-model-offered")
    assert finding["message"] == (
        "fdy-test/gpt-4o: gpt-4o 2024-11-20 is not offered as DataZoneStandard in swedencentral today; offered "
        "types: GlobalStandard"
    )


UNPINNED = TAGGED_STACK.replace('          version: "2024-11-20"\n', "", 1)


@pytest.mark.parametrize(
    "stack,models,message",
    [
        (
            TAGGED_STACK,
            [GPT_51],
            "fdy-test/gpt-4o: gpt-4o version 2024-11-20 is not offered in swedencentral today; gpt-4o is not offered "
            "there at all",
        ),
        (
            TAGGED_STACK,
            [
                offered("gpt-4o", "2025-01-01", ["DataZoneStandard"], "gpt-4o"),
                offered("gpt-4o", "2024-05-13", ["DataZoneStandard"], "gpt-4o"),
                GPT_51,
            ],
            "fdy-test/gpt-4o: gpt-4o version 2024-11-20 is not offered in swedencentral today; offered versions: "
            "2024-05-13, 2025-01-01",
        ),
        (
            UNPINNED,
            [GPT_4O, GPT_51],
            "fdy-test/gpt-4o: gpt-4o has no version pinned and Azure marks no default version of it in swedencentral "
            "today; offered versions: 2024-11-20",
        ),
    ],
    ids=["model-not-offered", "other-versions", "unpinned"],
)
def test_a_model_version_not_offered_names_what_azure_offers_at_the_deployment(
    fake, tls, stack_file, stack, models, message
):
    stack_file.write_text(stack)
    fake.models = models
    entry = run(fake, tls, stack_file)
    (finding,) = findings(entry)
    assert (finding["policy"], finding["message"]) == ("preflight-model-offered", message)
    assert finding["source"]["line"] == 16 and finding["urn"].endswith("::fdy-test-deployment-gpt-4o")
    assert not entry["passed"]


@pytest.mark.parametrize(
    "skus,types",
    [(["ProvisionedManaged", "GlobalStandard"], "GlobalStandard, ProvisionedManaged"), ([], "none")],
    ids=["two-other-types", "no-type"],
)
def test_a_deployment_type_not_offered_names_the_types_offered_at_the_deployment(fake, tls, stack_file, skus, types):
    fake.models = [offered("gpt-4o", "2024-11-20", skus, "gpt-4o"), GPT_51]
    fake.capacity_sku["gpt-4o"] = "GlobalStandard"  # nor does Azure list DataZoneStandard capacity for it
    (finding,) = findings(run(fake, tls, stack_file))  # one finding: the type, not also its capacity
    assert finding["policy"] == "preflight-model-offered"
    assert finding["message"] == (
        "fdy-test/gpt-4o: gpt-4o 2024-11-20 is not offered as DataZoneStandard in swedencentral today; offered "
        f"types: {types}"
    )
    assert finding["source"]["line"] == 16 and finding["urn"].endswith("::fdy-test-deployment-gpt-4o")
    assert capacity_reads(fake, "gpt-4o") == []


def test_a_version_retired_for_inference_fails_and_one_retiring_soon_warns(fake, tls, stack_file):
    fake.models = [
        offered(
            "gpt-4o", "2024-11-20", ["DataZoneStandard"], "gpt-4o", deprecation={"inference": "2026-11-30T00:00:00Z"}
        ),
        offered("gpt-5.1", "2025-11-13", ["DataZoneStandard"], "gpt-5.1", deprecation={"inference": "2027-01-29"}),
    ]
    entry = run(fake, tls, stack_file)
    by_enforcement = {v["enforcement"]: v["message"] for v in findings(entry, "preflight-lifecycle")}
    assert by_enforcement == {
        "mandatory": "fdy-test/gpt-4o: Azure lists gpt-4o 2024-11-20 as retired on 2026-11-30",
        "advisory": "fdy-test/gpt-5.1: Azure lists gpt-5.1 2025-11-13 as retired on 2027-01-29, in 60 days",
    }
    placed = {v["enforcement"]: (v["source"]["line"], v["urn"].rsplit("::", 1)[-1]) for v in findings(entry)}
    assert placed == {
        "mandatory": (16, "fdy-test-deployment-gpt-4o"),
        "advisory": (20, "fdy-test-deployment-gpt-5.1"),
    }
    assert not entry["passed"]


@pytest.mark.parametrize("retired,warned", [("2027-03-30", True), ("2027-03-31", False)], ids=["120-days", "121-days"])
def test_retirement_within_the_policy_configs_warn_days_warns_and_beyond_says_nothing(
    fake, tls, stack_file, retired, warned
):
    # prod-eu.json sets model-lifecycle warnDays 120: 120 days ahead warns, 121 days ahead is not yet a warning
    fake.models = [
        GPT_4O,
        offered("gpt-5.1", "2025-11-13", ["DataZoneStandard"], "gpt-5.1", deprecation={"inference": retired}),
    ]
    found = [(f["enforcement"], f["message"]) for f in findings(run(fake, tls, stack_file))]
    message = "fdy-test/gpt-5.1: Azure lists gpt-5.1 2025-11-13 as retired on 2027-03-30, in 120 days"
    assert found == ([("advisory", message)] if warned else [])


@pytest.mark.parametrize(
    "retired,expected",
    [
        (None, [("mandatory", "fdy-test/gpt-4o: Azure lists gpt-4o 2024-11-20 as Deprecated")]),
        (
            "2027-01-29",
            [
                ("advisory", "fdy-test/gpt-4o: Azure lists gpt-4o 2024-11-20 as retired on 2027-01-29, in 60 days"),
                ("mandatory", "fdy-test/gpt-4o: Azure lists gpt-4o 2024-11-20 as Deprecated"),
            ],
        ),
        ("2026-11-30", [("mandatory", "fdy-test/gpt-4o: Azure lists gpt-4o 2024-11-20 as retired on 2026-11-30")]),
    ],
    ids=["no-date", "retiring-later", "retired-today"],
)
def test_a_version_azure_lists_as_deprecated_fails_once_at_its_deployment(fake, tls, stack_file, retired, expected):
    """lifecycleStatus Deprecated is a finding of its own, unless a retirement already passed says more."""
    extra = {"deprecation": {"inference": retired}} if retired else {}
    fake.models = [
        offered("gpt-4o", "2024-11-20", ["DataZoneStandard"], "gpt-4o", lifecycleStatus="Deprecated", **extra),
        GPT_51,
    ]
    entry = run(fake, tls, stack_file)
    found = findings(entry)
    assert [(f["enforcement"], f["message"]) for f in found] == expected
    assert all(f["policy"] == "preflight-lifecycle" for f in found)
    assert {(f["source"]["line"], f["urn"].rsplit("::", 1)[-1]) for f in found} == {(16, "fdy-test-deployment-gpt-4o")}
    assert not entry["passed"]


def test_a_region_without_the_capacity_fails(fake, tls, stack_file):
    fake.capacity["gpt-4o"] = 6.0
    (finding,) = findings(run(fake, tls, stack_file), "preflight-capacity")
    assert finding["message"] == (
        "fdy-test/gpt-4o: needs 10 more units of DataZoneStandard gpt-4o in swedencentral; Azure has 6 units of "
        "capacity left there now"
    )


def test_an_existing_deployment_needs_capacity_only_for_its_increase(fake, tls, stack_file):
    fake.capacity["gpt-4o"] = 6.0
    fake.account = {
        "id": ACCOUNT,
        "name": "fdy-test",
        "location": REGION,
        "properties": {"customSubDomainName": SUBDOMAIN},
    }
    fake.deployments = [
        {
            "name": "gpt-4o",
            "sku": {"name": "DataZoneStandard", "capacity": 5},
            "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}},
        }
    ]
    assert findings(run(fake, tls, stack_file)) == []  # 5 more units, 6 left


def test_quota_counts_live_usage_minus_the_repositorys_own_live_deployments(fake, tls, stack_file):
    fake.usages = {
        "value": [
            {"name": {"value": "OpenAI.DataZoneStandard.gpt-4o"}, "currentValue": 295.0, "limit": 300.0},
            USAGES["value"][1],
        ]
    }
    (finding,) = findings(run(fake, tls, stack_file), "preflight-quota")
    assert finding["message"] == (
        "swedencentral OpenAI.DataZoneStandard.gpt-4o: the repository's stacks request 10 units; Azure reports 295 "
        "of 300 in use (0 by the repository's live deployments), so after rollout 305 > 300: request 5 more units "
        "or lower capacity"
    )
    assert finding["urn"].endswith("::fdy-test-deployment-gpt-4o")


def test_quota_held_by_the_repositorys_live_deployment_is_not_counted_twice(fake, tls, stack_file):
    fake.usages = {
        "value": [
            {"name": {"value": "OpenAI.DataZoneStandard.gpt-4o"}, "currentValue": 295.0, "limit": 300.0},
            USAGES["value"][1],
        ]
    }
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    fake.deployments = [
        {
            "name": "gpt-4o",
            "sku": {"name": "DataZoneStandard", "capacity": 10},
            "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}},
        }
    ]
    assert findings(run(fake, tls, stack_file)) == []  # 295 - 10 + 10 = 295 <= 300


def test_a_usage_name_azure_does_not_list_fails(fake, tls, stack_file):
    fake.usages = {"value": USAGES["value"][:1]}
    (finding,) = findings(run(fake, tls, stack_file), "preflight-quota")
    assert finding["message"].startswith("swedencentral OpenAI.DataZoneStandard.gpt-5.1: Azure lists no quota")


def test_a_soft_deleted_account_blocks_creation_unless_restore_is_set(fake, tls, stack_file, tmp_path):
    fake.deleted = {"id": ACCOUNT, "name": "fdy-test", "properties": {"deletionDate": "2026-11-20T10:00:00Z"}}
    (finding,) = findings(run(fake, tls, stack_file), "preflight-soft-deleted")
    assert finding["message"].startswith(
        "fdy-test: a soft-deleted account of this name in swedencentral (deleted 2026-11-20T10:00:00Z) blocks "
        "creating it: set `restore: true` on the account"
    )
    assert finding["source"]["line"] == 8
    fake.server.clear()
    stack_file.write_text(TAGGED_STACK.replace("    - name: fdy-test\n", "    - name: fdy-test\n      restore: true\n"))
    assert findings(run(fake, tls, stack_file), "preflight-soft-deleted") == []


def test_a_taken_subdomain_fails_but_our_own_account_is_not_asked(fake, tls, stack_file):
    fake.subdomain = {"isSubdomainAvailable": False, "reason": "Subdomain name is already taken."}
    (finding,) = findings(run(fake, tls, stack_file), "preflight-subdomain")
    assert finding["message"] == (
        f"fdy-test: the custom subdomain {SUBDOMAIN} is taken (Subdomain name is already taken.); rename the "
        "account, or purge the soft-deleted account that holds it"
    )
    assert finding["source"]["line"] == 8 and finding["urn"].endswith("::fdy-test-account")
    (asked,) = [json.loads(r.data) for r, _ in fake.server.log if r.path.endswith("/checkDomainAvailability")]
    assert asked["subdomainName"] == SUBDOMAIN
    fake.server.clear()
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    assert findings(run(fake, tls, stack_file)) == []


def test_a_subdomain_taken_without_a_reason_says_azure_gave_none(fake, tls, stack_file):
    fake.subdomain = {"isSubdomainAvailable": False}
    (finding,) = findings(run(fake, tls, stack_file))
    assert finding["policy"] == "preflight-subdomain"
    assert finding["message"] == (
        f"fdy-test: the custom subdomain {SUBDOMAIN} is taken (Azure gives no reason); rename the account, or purge "
        "the soft-deleted account that holds it"
    )


def test_a_soft_deleted_account_azure_gives_no_date_for_was_deleted_earlier(fake, tls, stack_file):
    fake.deleted = {"id": ACCOUNT, "name": "fdy-test", "properties": {}}
    (finding,) = findings(run(fake, tls, stack_file))
    assert finding["policy"] == "preflight-soft-deleted"
    assert finding["message"] == (
        "fdy-test: a soft-deleted account of this name in swedencentral (deleted earlier) blocks creating it: set "
        "`restore: true` on the account to recover it, or purge it first (az cognitiveservices account purge --name "
        f"fdy-test --resource-group {RG} --location swedencentral)"
    )
    assert finding["source"]["line"] == 8 and finding["urn"].endswith("::fdy-test-account")


DENIED = {"error": {"code": "AuthorizationFailed", "message": "no access"}}
BOOM = {"error": {"code": "InternalServerError", "message": "boom"}}


@pytest.mark.parametrize(
    "read,method,status,body,policy,message",
    [
        (
            "account",
            "GET",
            403,
            DENIED,
            "preflight-access",
            f"Azure denied reading account fdy-test in {RG} (HTTP 403 AuthorizationFailed): grant the identity Reader "
            "(acdd72a7-3385-48ef-bd42-f606fba81ae7)",
        ),
        (
            "deleted",
            "GET",
            500,
            BOOM,
            "preflight-unreadable",
            "Azure answered HTTP 500 InternalServerError reading soft-deleted accounts named fdy-test in swedencentral "
            "after retries: (InternalServerError) boom Code: InternalServerError Message: boom",
        ),
        (
            "subdomain",
            "POST",
            403,
            DENIED,
            "preflight-access",
            f"Azure denied reading whether the custom subdomain {SUBDOMAIN} is available (HTTP 403 "
            "AuthorizationFailed): grant the identity a role with Microsoft.CognitiveServices/checkDomainAvailability/"
            "action (Cognitive Services Contributor has it; Reader does not)",
        ),
    ],
    ids=["account", "soft-deleted", "subdomain"],
)
def test_a_failed_read_of_the_account_name_is_a_finding_at_the_account(
    fake, tls, stack_file, read, method, status, body, policy, message
):
    path = {"account": ACCOUNT, "deleted": fake.deleted_path, "subdomain": f"{PROVIDERS}/checkDomainAvailability"}
    fake.server.expect_request(path[read], method=method).respond_with_json(body, status=status)
    entry = run(fake, tls, stack_file)
    (finding,) = findings(entry)
    assert (finding["policy"], finding["enforcement"], finding["message"]) == (policy, "mandatory", message)
    assert finding["source"]["line"] == 8 and finding["urn"].endswith("::fdy-test-account")
    assert not entry["passed"]


def test_a_content_filter_the_stack_creates_is_not_looked_up_in_azure(fake, tls, stack_file):
    stack_file.write_text(
        TAGGED_STACK.replace(
            "      deployments:\n", "      contentFilters: [{name: team-strict}]\n      deployments:\n"
        ).replace("          capacity: 10\n", "          capacity: 10\n          contentFilter: team-strict\n")
    )
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    assert findings(run(fake, tls, stack_file)) == []
    assert not [r for r, _ in fake.server.log if "raiPolicies" in r.path]


DEPLOYMENT_TYPE = "azure-native:cognitiveservices:Deployment"
ACCOUNT_TYPE = "azure-native:cognitiveservices:Account"


def gated_with(stack_file: Path, resource_type: str, change) -> StackReport:
    """The stack's gated report entry, its first resource of `resource_type` with props `change(props)`: what a
    program changed by hand could register."""
    from foundry_iac.engine.gate import check_stack

    entry = check_stack(resolve_stack(str(stack_file), ROOT), ROOT)
    first = next(r for r in entry.resources if r.type == resource_type)
    changed = [r.model_copy(update={"props": change(r.props)}) if r is first else r for r in entry.resources]
    return entry.model_copy(update={"resources": changed})


def preflight_of(fake: FakeArm, tls, entry: StackReport, production: bool = False) -> StackReport:
    """preflight_entry of a report entry against the fake ARM (no other deployment of the repository)."""
    from foundry_iac.azure.preflight import preflight_entry

    fake.serve()
    arm = LiveArm(StaticToken(), SUB, endpoint(fake.server), verify=str(tls[1]), retry_backoff=0.01)
    try:
        today = __import__("datetime").date.fromisoformat(TODAY)
        return preflight_entry(entry, arm, [], today, production=production)
    finally:
        arm.close()


def team_strict(props: dict) -> dict:
    """A deployment's props naming content filter team-strict, which the stack does not create."""
    return {**props, "properties": {**props["properties"], "raiPolicyName": "team-strict"}}


@pytest.mark.parametrize(
    "answer,policy,message",
    [
        (
            "missing",
            "preflight-content-filter",
            "fdy-test/gpt-4o: content filter team-strict does not exist on account fdy-test and the stack does not "
            "create it: create it, or name Microsoft.DefaultV2",
        ),
        (
            "denied",
            "preflight-access",
            "Azure denied reading content filter team-strict of account fdy-test (HTTP 403 AuthorizationFailed): "
            "grant the identity Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7)",
        ),
        ("present", None, None),
    ],
    ids=["missing", "denied", "present"],
)
def test_a_filter_neither_built_in_nor_created_must_exist_on_the_account(
    fake, tls, stack_file, answer, policy, message
):
    """The config refuses such a name; a program changed by hand could still register one. Missing, or not readable,
    is a finding at the deployment that names it."""
    entry = gated_with(stack_file, DEPLOYMENT_TYPE, team_strict)
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    if answer == "present":
        fake.filters.add("team-strict")
    elif answer == "denied":
        fake.server.expect_request(f"{ACCOUNT}/raiPolicies/team-strict").respond_with_json(DENIED, status=403)
    checked = preflight_of(fake, tls, entry)
    if policy is None:
        assert checked.violations == [] and checked.passed
        return
    (finding,) = checked.violations
    assert (finding.policy, finding.enforcement, finding.message) == (policy, "mandatory", message)
    assert finding.source.line == 16 and finding.urn.endswith("::fdy-test-deployment-gpt-4o")
    assert not checked.passed


def test_a_denied_deployments_read_of_an_existing_account_is_one_finding_at_the_account(fake, tls, stack_file):
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    fake.server.expect_request(f"{ACCOUNT}/deployments").respond_with_json(DENIED, status=403)
    entry = run(fake, tls, stack_file)
    (finding,) = findings(entry)  # the quota check needs the same read: still one finding
    assert (finding["policy"], finding["message"]) == (
        "preflight-access",
        "Azure denied reading the deployments of account fdy-test (HTTP 403 AuthorizationFailed): grant the identity "
        "Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7)",
    )
    assert finding["source"]["line"] == 8 and finding["urn"].endswith("::fdy-test-account")
    assert not entry["passed"]


def test_an_account_registered_without_a_custom_subdomain_asks_azure_about_none(fake, tls, stack_file):
    """The program always names one; an account a changed program registers without one has no subdomain to
    check, so Azure is not asked, even when it would call some name taken."""

    def without_subdomain(props: dict) -> dict:
        kept = {k: v for k, v in props["properties"].items() if k != "customSubDomainName"}
        return {**props, "properties": kept}

    entry = gated_with(stack_file, ACCOUNT_TYPE, without_subdomain)
    fake.subdomain = {"isSubdomainAvailable": False, "reason": "Subdomain name is already taken."}
    assert preflight_of(fake, tls, entry).violations == []
    assert not [r for r, _ in fake.server.log if r.path.endswith("/checkDomainAvailability")]


def test_a_denied_read_names_the_missing_role_and_the_other_checks_still_run(fake, tls, stack_file):
    fake.server.expect_request(f"{PROVIDERS}/locations/{REGION}/usages").respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no access"}}, status=403
    )
    fake.models = [GPT_4O]  # gpt-5.1 is gone: still reported although usages were denied
    entry = run(fake, tls, stack_file)
    policies = sorted(v["policy"] for v in findings(entry))
    assert policies == ["preflight-access", "preflight-model-offered"]
    (denied,) = findings(entry, "preflight-access")
    assert denied["message"] == (
        "Azure denied reading quota usages in swedencentral (HTTP 403 AuthorizationFailed): grant the identity "
        "Cognitive Services Usages Reader (bba48692-92b0-4667-a9ad-c31c7b334ac2)"
    )
    assert denied["urn"].endswith("::fdy-test-deployment-gpt-4o")  # the first deployment that needed the read
    assert not entry["passed"]


def test_preflight_only_reads_azure_never_writes(fake, tls, stack_file):
    fake.deleted = {"id": ACCOUNT, "name": "fdy-test", "properties": {}}
    run(fake, tls, stack_file)
    sent = {(request.method, request.path.rsplit("/", 1)[-1]) for request, _ in fake.server.log}
    writes = {(method, last) for method, last in sent if method != "GET"}
    assert writes == {("POST", "checkDomainAvailability")}  # an availability question, not a change


def test_throttling_is_retried_after_retry_after(fake, tls, stack_file):
    fake.server.expect_oneshot_request(f"{PROVIDERS}/locations/{REGION}/usages").respond_with_response(
        Response(json.dumps({"error": {"code": "TooManyRequests"}}), status=429, headers={"Retry-After": "1"})
    )
    entry = run(fake, tls, stack_file)
    assert entry["passed"] and entry["violations"] == []


def test_azure_failing_after_retries_is_a_mandatory_finding_never_a_pass(fake, tls, stack_file):
    fake.server.expect_request(f"{PROVIDERS}/locations/{REGION}/models").respond_with_json(
        {"error": {"code": "InternalServerError", "message": "boom"}}, status=500
    )
    entry = run(fake, tls, stack_file)
    (finding,) = findings(entry, "preflight-unreadable")
    assert finding["message"] == (
        "Azure answered HTTP 500 InternalServerError reading the models offered in swedencentral (models.list) after "
        "retries: (InternalServerError) boom Code: InternalServerError Message: boom"
    )  # one line, though azure-core's message spans three
    assert finding["source"]["line"] == 16 and finding["urn"].endswith("::fdy-test-deployment-gpt-4o")
    assert findings(entry) == [finding]  # one failed read, once, at the first deployment that needed it
    assert capacity_reads(fake, "gpt-4o") == capacity_reads(fake, "gpt-5.1") == []  # offered is not known
    assert not entry["passed"]


def test_the_command_renders_sarif_with_preflight_rules_and_exits_1(fake, tls, stack_file, capsys, monkeypatch):
    fake.capacity["gpt-4o"] = 0.0
    fake.serve()
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    code = main(["preflight", str(stack_file), "--endpoint", endpoint(fake.server), "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    assert code == 1
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "preflight-capacity" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 16}
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "preflight-capacity"


def test_the_command_passes_with_exit_0_in_text(fake, tls, stack_file, capsys, monkeypatch):
    fake.serve()
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    code = main(["preflight", str(stack_file), "--endpoint", endpoint(fake.server)])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("foundry-iac preflight PASSED: 1 of 1 stack(s) passed\n\nPASS  prod-eu")


PROD_EU_SUB = "9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34"


@pytest.fixture
def prod_eu(arm, tls, monkeypatch, tmp_path) -> FakeArm:
    """A fake ARM for stacks/Pulumi.prod-eu.yaml, a `pulumi` on PATH that records its calls, and the
    credential and CA bundle the command uses."""
    fake = FakeArm(arm, PROD_EU_SUB, "rg-foundry-prod-eu", "fdy-prod-eu-core")
    fake.models = [GPT_4O, GPT_51, offered("text-embedding-3-large", "1", ["Standard"], "text-embedding-3-large")]
    fake.capacity["text-embedding-3-large"] = 1000.0
    # its agents' own Cosmos DB, Storage and Search, and their delegated subnet (in the network subscription)
    data = f"/subscriptions/{PROD_EU_SUB}/resourceGroups/rg-data-prod-eu/providers"
    for rid in (
        f"{data}/Microsoft.DocumentDB/databaseAccounts/cosmos-agents-prod-eu",
        f"{data}/Microsoft.Storage/storageAccounts/stagentsprodeu",
        f"{data}/Microsoft.Search/searchServices/srch-agents-prod-eu",
    ):
        fake.resources[rid] = {"id": rid, "location": "Sweden Central", "properties": {}}
    subnet = (
        "/subscriptions/7e1f3a5c-2b4d-4c6e-8a0f-1d3b5c7e9f20/resourceGroups/rg-network-prod-eu/providers/"
        "Microsoft.Network/virtualNetworks/vnet-spoke-ai-prod-eu/subnets/snet-agents"
    )
    fake.resources[subnet] = {
        "properties": {"delegations": [{"name": "aca", "properties": {"serviceName": "Microsoft.App/environments"}}]}
    }
    fake.usages = {
        "value": USAGES["value"]
        + [{"name": {"value": "OpenAI.Standard.text-embedding-3-large"}, "currentValue": 0.0, "limit": 350.0}]
    }
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$*" >> "{tmp_path / "calls.txt"}"\n')
    (bin_dir / "pulumi").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    monkeypatch.setenv("FOUNDRY_IAC_ARM_ENDPOINT", endpoint(arm))
    monkeypatch.delenv("FOUNDRY_IAC_PREFLIGHT", raising=False)
    monkeypatch.chdir(ROOT)
    return fake


def test_up_runs_the_gate_then_the_preflight_then_pulumi_up(prod_eu, capsys, tmp_path):
    prod_eu.serve()
    assert main(["up", "prod-eu", "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.index("foundry-iac gate PASSED") < out.index("foundry-iac preflight PASSED")
    assert (tmp_path / "calls.txt").read_text().startswith("up --stack prod-eu --policy-pack policies")


def test_up_never_calls_pulumi_when_the_preflight_fails(prod_eu, capsys, tmp_path):
    prod_eu.capacity["gpt-5.1"] = 1.0
    prod_eu.serve()
    assert main(["up", "prod-eu", "--yes"]) == 1
    captured = capsys.readouterr()
    assert "preflight-capacity" in captured.out
    assert "error: the preflight failed for prod-eu: not running pulumi up" in captured.err
    assert not (tmp_path / "calls.txt").exists()


# --- the standard agent setup's resources and subnet ------------------------------------------------------

DATA = f"/subscriptions/{SUB}/resourceGroups/rg-data/providers"
NET = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network"
AGENT_SUBNET = f"{NET}/virtualNetworks/vnet-ai/subnets/snet-agents"
AGENT_IDS = {
    f"{DATA}/Microsoft.DocumentDB/databaseAccounts/cosmos-agents": "Sweden Central",
    f"{DATA}/Microsoft.Storage/storageAccounts/stagents": "swedencentral",
    f"{DATA}/Microsoft.Search/searchServices/srch-agents": "Sweden Central",
}
DELEGATED = {
    "properties": {"delegations": [{"name": "aca", "properties": {"serviceName": "Microsoft.App/environments"}}]}
}


@pytest.fixture
def agent_stack(tmp_path) -> Path:
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(
        AGENT_STACK.replace(
            "    - name: fdy-test\n", f"    - name: fdy-test\n      agentNetwork: {{subnetId: {AGENT_SUBNET}}}\n"
        )
    )
    return path


def line_of(path: Path, text: str) -> int:
    content = path.read_text()
    return content[: content.index(text)].count("\n") + 1


def agents_present(fake: FakeArm) -> None:
    fake.resources = {rid: {"id": rid, "location": loc, "properties": {}} for rid, loc in AGENT_IDS.items()}
    fake.resources[AGENT_SUBNET] = DELEGATED


def test_an_agent_setup_whose_resources_and_subnet_are_fit_passes(fake, tls, agent_stack):
    agents_present(fake)
    entry = run(fake, tls, agent_stack)
    assert entry["passed"] and entry["violations"] == []


def test_a_missing_agent_resource_and_one_in_another_region_fail_at_the_agents_block(fake, tls, agent_stack):
    agents_present(fake)
    cosmos, storage, _ = AGENT_IDS
    fake.resources[cosmos] = None
    fake.resources[storage] = {"id": storage, "location": "westeurope", "properties": {}}
    entry = run(fake, tls, agent_stack)
    found = findings(entry, "preflight-agent-resource")
    assert [f["message"] for f in found] == [
        f"{cosmos} does not exist (or the identity cannot see it): create it, or fix the id",
        "stagents is in 'westeurope', not 'swedencentral' as the agents block says: correct its location "
        "(agent-byo-resources judges the stated one)",
    ]
    agents_line = line_of(agent_stack, "          agents:")
    assert all(f["source"]["line"] == agents_line and f["enforcement"] == "mandatory" for f in found)
    assert not entry["passed"]


@pytest.mark.parametrize(
    "subnet,message",
    [
        (None, f"the agent subnet {AGENT_SUBNET} does not exist: create it"),
        (
            {"properties": {"delegations": []}},
            "the agent subnet snet-agents is not delegated to Microsoft.App/environments (delegations: none): "
            "delegate it",
        ),
        (
            {"properties": {"delegations": [{"name": "half", "properties": {}}, {"name": "empty"}]}},
            "the agent subnet snet-agents is not delegated to Microsoft.App/environments (delegations: none): "
            "delegate it",
        ),
        (
            {
                "properties": {
                    "delegations": [
                        {"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}},
                        {"name": "aci", "properties": {"serviceName": "Microsoft.ContainerInstance/containerGroups"}},
                    ]
                }
            },
            "the agent subnet snet-agents is not delegated to Microsoft.App/environments (delegations: "
            "Microsoft.Web/serverFarms, Microsoft.ContainerInstance/containerGroups): delegate it",
        ),
        (
            {
                "properties": {
                    "delegations": [{"name": "aca", "properties": {"serviceName": "Microsoft.App/Environments"}}]
                }
            },
            "the agent subnet snet-agents is not delegated to Microsoft.App/environments (delegations: "
            "Microsoft.App/Environments): it is spelled 'Microsoft.App/Environments'; the Agent Service compares it "
            "exactly, so the capability host would fail: delegate the subnet to Microsoft.App/environments spelled "
            "exactly so",
        ),
        (
            {
                "properties": {
                    **DELEGATED["properties"],
                    "ipConfigurations": [{"id": "nic1"}],
                    "privateEndpoints": [{"id": "pe"}],
                }
            },
            "the agent subnet snet-agents holds 2 other network interface(s) or private endpoint(s); agents need a "
            "dedicated subnet: move them, or name another subnet",
        ),
        (
            {"properties": {**DELEGATED["properties"], "serviceAssociationLinks": [{"name": "legionservicelink"}]}},
            "the agent subnet snet-agents is still held by a service association link while this account does not "
            "exist yet (a deleted account's agents?): purge that account and wait 15-60 minutes",
        ),
    ],
    ids=[
        "missing",
        "not-delegated",
        "delegation-without-service",
        "delegated-to-other-services",
        "delegated-in-other-case",
        "shared",
        "held-after-delete",
    ],
)
def test_an_agent_subnet_unfit_for_agents_fails_at_the_account(fake, tls, agent_stack, subnet, message):
    agents_present(fake)
    fake.resources[AGENT_SUBNET] = subnet
    entry = run(fake, tls, agent_stack)
    (found,) = findings(entry, "preflight-agent-subnet")
    assert found["message"] == message and found["source"]["line"] == line_of(agent_stack, "    - name: fdy-test")


def test_an_agent_subnet_azure_denies_reading_is_a_finding_at_the_account(fake, tls, agent_stack):
    agents_present(fake)
    del fake.resources[AGENT_SUBNET]
    fake.server.expect_request(AGENT_SUBNET).respond_with_json(DENIED, status=403)
    entry = run(fake, tls, agent_stack)
    (found,) = findings(entry)
    assert (found["policy"], found["enforcement"]) == ("preflight-access", "mandatory")
    assert found["message"] == (
        f"Azure denied reading resource {AGENT_SUBNET} (HTTP 403 AuthorizationFailed): grant the identity Reader "
        "(acdd72a7-3385-48ef-bd42-f606fba81ae7)"
    )
    assert found["source"]["line"] == line_of(agent_stack, "    - name: fdy-test") and found["urn"].endswith(
        "::fdy-test-account"
    )
    assert not entry["passed"]


OLD_SUBNET = f"{NET}/virtualNetworks/vnet-ai/subnets/snet-old"


@pytest.mark.parametrize(
    "first,message",
    [
        (
            "denied",
            f"Azure denied reading resource {OLD_SUBNET} (HTTP 403 AuthorizationFailed): grant the identity Reader "
            "(acdd72a7-3385-48ef-bd42-f606fba81ae7)",
        ),
        ("missing", f"the agent subnet {OLD_SUBNET} does not exist: create it"),
    ],
    ids=["denied", "missing"],
)
def test_an_unreadable_or_missing_agent_subnet_does_not_hide_the_next_ones_problem(
    fake, tls, agent_stack, first, message
):
    """The program injects one subnet; an account a changed program registers with two has each judged."""

    def two_subnets(props: dict) -> dict:
        (injection,) = props["properties"]["networkInjections"]
        injections = [{**injection, "subnetArmId": OLD_SUBNET}, injection]
        return {**props, "properties": {**props["properties"], "networkInjections": injections}}

    entry = gated_with(agent_stack, ACCOUNT_TYPE, two_subnets)
    agents_present(fake)
    fake.resources[AGENT_SUBNET] = {"properties": {"delegations": []}}
    if first == "denied":
        fake.server.expect_request(OLD_SUBNET).respond_with_json(DENIED, status=403)
    else:
        fake.resources[OLD_SUBNET] = None
    checked = preflight_of(fake, tls, entry)
    assert [v.message for v in checked.violations] == [
        message,
        "the agent subnet snet-agents is not delegated to Microsoft.App/environments (delegations: none): delegate it",
    ]
    account_line = line_of(agent_stack, "    - name: fdy-test")
    assert all(v.source.line == account_line and v.urn.endswith("::fdy-test-account") for v in checked.violations)


def test_a_resource_two_projects_share_is_read_once_and_reported_once(fake, tls, tmp_path):
    """team-b shares team-a's Cosmos DB and Storage account but has its own AI Search: each resource is read once,
    whatever order the projects come in, and the missing Cosmos DB is one finding, not one per project."""
    search_b = f"{DATA}/Microsoft.Search/searchServices/srch-team-b"
    stack = tmp_path / "Pulumi.prod-eu.yaml"
    team_b = "        - name: team-b\n" + AGENTS_BLOCK.replace("srch-agents", "srch-team-b")
    stack.write_text(AGENT_STACK.replace("      deployments:\n", team_b + "      deployments:\n", 1))
    agents_present(fake)
    cosmos = next(iter(AGENT_IDS))
    fake.resources[cosmos] = None
    fake.resources[search_b] = {"id": search_b, "location": "westeurope", "properties": {}}
    entry = run(fake, tls, stack)
    assert sorted(f["message"] for f in findings(entry, "preflight-agent-resource")) == [
        f"{cosmos} does not exist (or the identity cannot see it): create it, or fix the id",
        "srch-team-b is in 'westeurope', not 'swedencentral' as the agents block says: correct its location "
        "(agent-byo-resources judges the stated one)",
    ]
    reads = sorted(r.path for r, _ in fake.server.log if r.path in fake.resources)
    assert reads == sorted([*AGENT_IDS, search_b])


def test_the_service_link_of_an_existing_injected_account_is_its_own(fake, tls, agent_stack):
    agents_present(fake)
    fake.resources[AGENT_SUBNET] = {
        "properties": {**DELEGATED["properties"], "serviceAssociationLinks": [{"name": "l"}]}
    }
    fake.account = {
        "name": "fdy-test",
        "location": REGION,
        "kind": "AIServices",
        "properties": {"customSubDomainName": SUBDOMAIN},
    }
    entry = run(fake, tls, agent_stack)
    assert findings(entry, "preflight-agent-subnet") == []


def test_an_unreadable_agent_resource_is_a_finding_not_a_pass(fake, tls, agent_stack):
    agents_present(fake)
    cosmos = next(iter(AGENT_IDS))
    del fake.resources[cosmos]
    fake.server.expect_request(cosmos).respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no"}}, status=403
    )
    entry = run(fake, tls, agent_stack)
    (found,) = findings(entry, "preflight-access")
    assert found["message"].startswith(f"Azure denied reading resource {cosmos} (HTTP 403 AuthorizationFailed): grant")


def test_each_failed_read_is_its_own_unwaived_finding_at_the_resource_that_needed_it(fake, tls, agent_stack):
    agents_present(fake)
    cosmos, storage, _ = AGENT_IDS
    for resource_id in (cosmos, storage):  # two denied reads: same check, different messages
        del fake.resources[resource_id]
        fake.server.expect_request(resource_id).respond_with_json(
            {"error": {"code": "AuthorizationFailed", "message": "no"}}, status=403
        )
    entry = run(fake, tls, agent_stack)
    found = findings(entry, "preflight-access")
    assert [f["message"].split(" (HTTP 403")[0] for f in found] == [
        f"Azure denied reading resource {cosmos}",
        f"Azure denied reading resource {storage}",
    ]
    agents_line = line_of(agent_stack, "          agents:")
    for f in found:
        assert (f["source"]["line"], f["enforcement"], f["waived"]) == (agents_line, "mandatory", False)
        assert f["urn"]
    assert not entry["passed"]


# --- edges the verdict turns on -----------------------------------------------------------------------------


def test_azure_listing_no_capacity_for_the_deployment_type_fails(fake, tls, stack_file):
    fake.capacity_sku["gpt-4o"] = "GlobalStandard"  # capacity only for another type: none listed for DataZoneStandard
    (finding,) = findings(run(fake, tls, stack_file), "preflight-capacity")
    assert finding["message"] == (
        "fdy-test/gpt-4o: needs 10 more units of DataZoneStandard gpt-4o in swedencentral; Azure has no capacity "
        "left there now"
    )


@pytest.mark.parametrize("left,fails", [(10.0, False), (9.0, True)])
def test_capacity_exactly_what_the_deployment_needs_is_enough(fake, tls, stack_file, left, fails):
    fake.capacity["gpt-4o"] = left
    assert bool(findings(run(fake, tls, stack_file), "preflight-capacity")) is fails


@pytest.mark.parametrize("current,fails", [(290.0, False), (291.0, True)])
def test_quota_exactly_at_the_limit_passes_and_one_unit_over_fails(fake, tls, stack_file, current, fails):
    fake.usages = {
        "value": [
            {"name": {"value": "OpenAI.DataZoneStandard.gpt-4o"}, "currentValue": current, "limit": 300.0},
            USAGES["value"][1],
        ]
    }
    found = findings(run(fake, tls, stack_file), "preflight-quota")
    assert bool(found) is fails
    if fails:
        assert "after rollout 301 > 300: request 1 more unit" in found[0]["message"]


def live_deployment(name: str, capacity: int, model: str = "gpt-4o", version: str = "2024-11-20") -> dict:
    """A deployment as Azure lists it on the account (DataZoneStandard)."""
    return {
        "name": name,
        "sku": {"name": "DataZoneStandard", "capacity": capacity},
        "properties": {"model": {"format": "OpenAI", "name": model, "version": version}},
    }


def gpt_4o_usage(name: str, current: float) -> dict:
    """Azure's quota usages: `name` (gpt-4o's usage) at `current` of 300 in use, gpt-5.1's as in USAGES."""
    return {"value": [{"name": {"value": name}, "currentValue": current, "limit": 300.0}, USAGES["value"][1]]}


def capacity_reads(fake: FakeArm, model: str) -> list[dict]:
    """The query of each capacity read preflight made for a model."""
    path = f"{PROVIDERS}/locations/{REGION}/modelCapacities"
    return [dict(r.args) for r, _ in fake.server.log if r.path == path and r.args.get("modelName") == model]


@pytest.mark.parametrize("held,message", [(10, None), (9, "needs 1 more unit")], ids=["unchanged", "one-more"])
def test_an_existing_deployment_asks_capacity_only_when_it_grows(fake, tls, stack_file, held, message):
    fake.capacity_sku["gpt-4o"] = "GlobalStandard"  # Azure lists no DataZoneStandard capacity for gpt-4o now
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    fake.deployments = [live_deployment("gpt-4o", held)]
    found = [f["message"] for f in findings(run(fake, tls, stack_file), "preflight-capacity")]
    if message is None:
        assert found == [] and capacity_reads(fake, "gpt-4o") == []
    else:
        assert found == [
            "fdy-test/gpt-4o: needs 1 more unit of DataZoneStandard gpt-4o in swedencentral; Azure has no capacity "
            "left there now"
        ]


def test_capacity_is_asked_for_the_deployments_model_format_and_version(fake, tls, stack_file):
    entry = run(fake, tls, stack_file)
    assert entry["passed"]
    assert capacity_reads(fake, "gpt-4o") == [
        {"api-version": "2025-06-01", "modelFormat": "OpenAI", "modelName": "gpt-4o", "modelVersion": "2024-11-20"}
    ]


@pytest.mark.parametrize(
    "retired,expected",
    [
        (None, []),
        ("2026-11-01", [("mandatory", "fdy-test/gpt-4o: Azure lists gpt-4o 2024-11-20 as retired on 2026-11-01")]),
        (
            "2026-12-01",
            [("advisory", "fdy-test/gpt-4o: Azure lists gpt-4o 2024-11-20 as retired on 2026-12-01, in 1 day")],
        ),
    ],
    ids=["current", "retired", "retiring-tomorrow"],
)
def test_an_unpinned_deployment_is_judged_at_the_version_azure_marks_default_in_its_region(
    fake, tls, stack_file, retired, expected
):
    stack_file.write_text(UNPINNED)
    lifecycle = {"deprecation": {"inference": retired}} if retired else {}
    fake.models = [
        offered("gpt-4o", "2024-05-13", ["DataZoneStandard"], "gpt-4o"),
        offered("gpt-4o", "2024-11-20", ["DataZoneStandard"], "gpt-4o", isDefaultVersion=True, **lifecycle),
        offered("gpt-4o", "2025-01-01", ["DataZoneStandard"], "gpt-4o", isDefaultVersion=False),
        GPT_51,
    ]
    entry = run(fake, tls, stack_file)
    assert [(f["enforcement"], f["message"]) for f in findings(entry)] == expected
    assert capacity_reads(fake, "gpt-4o") == [
        {"api-version": "2025-06-01", "modelFormat": "OpenAI", "modelName": "gpt-4o", "modelVersion": "2024-11-20"}
    ]
    assert entry["passed"] is (retired != "2026-11-01")


def test_an_unpinned_deployment_of_a_model_azure_lists_without_versions_is_judged_at_that_entry(fake, tls, stack_file):
    # Azure lists some models without a version (and none marked default): an unpinned deployment gets that entry
    stack_file.write_text(UNPINNED)
    unversioned = offered("gpt-4o", "", ["DataZoneStandard"], "gpt-4o")
    del unversioned["model"]["version"]
    fake.models = [unversioned, GPT_51]
    entry = run(fake, tls, stack_file)
    assert findings(entry) == [] and entry["passed"]
    (read,) = capacity_reads(fake, "gpt-4o")
    assert read.get("modelVersion", "") == ""


def test_a_denied_capacity_read_is_a_finding_at_each_deployment_that_needed_it(fake, tls, stack_file):
    fake.server.expect_request(f"{PROVIDERS}/locations/{REGION}/modelCapacities").respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no access"}}, status=403
    )
    entry = run(fake, tls, stack_file)
    found = findings(entry, "preflight-access")
    assert [f["message"].split(" (HTTP 403")[0] for f in found] == [
        "Azure denied reading the capacity available for gpt-4o 2024-11-20 in swedencentral "
        "(locationBasedModelCapacities)",
        "Azure denied reading the capacity available for gpt-5.1 2025-11-13 in swedencentral "
        "(locationBasedModelCapacities)",
    ]
    lines = [line_of(stack_file, "        - model: gpt-4o"), line_of(stack_file, "        - model: gpt-5.1")]
    assert [(f["source"]["line"], f["urn"].rsplit("::", 1)[-1]) for f in found] == [
        (lines[0], "fdy-test-deployment-gpt-4o"),
        (lines[1], "fdy-test-deployment-gpt-5.1"),
    ]
    assert not entry["passed"]


def test_quota_sums_every_repository_deployment_of_a_usage_name_and_only_the_repositorys_live_ones(
    fake, tls, stack_file
):
    """Two deployments of gpt-4o count against one usage name: both requests add up, both live ones are taken
    off Azure's current value, and a live deployment the repository does not make stays counted."""
    second = (
        '        - name: gpt-4o-batch\n          model: gpt-4o\n          version: "2024-11-20"\n'
        "          type: DataZoneStandard\n          capacity: 25\n"
    )
    stack_file.write_text(TAGGED_STACK.replace("        - model: gpt-5.1\n", second + "        - model: gpt-5.1\n", 1))
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    fake.deployments = [
        live_deployment("gpt-4o", 10),
        live_deployment("gpt-4o-batch", 20),
        live_deployment("hand-made", 50),  # made in the portal: its 50 units stay in use after rollout
        live_deployment("gpt-5.1", 5, "gpt-5.1", "2025-11-13"),
    ]
    fake.usages = gpt_4o_usage("OpenAI.DataZoneStandard.gpt-4o", 298.0)
    (finding,) = findings(run(fake, tls, stack_file))
    assert finding["message"] == (
        "swedencentral OpenAI.DataZoneStandard.gpt-4o: the repository's stacks request 35 units; Azure reports 298 "
        "of 300 in use (30 by the repository's live deployments), so after rollout 303 > 300: request 3 more units "
        "or lower capacity"
    )


def catalog_with(monkeypatch, change) -> None:
    """Preflight's quota arithmetic reads a copy of the catalog that `change` edited (the raw JSON data)."""
    import policies.quota
    from components.catalog import CATALOG_PATH, parse_catalog

    data = json.loads(CATALOG_PATH.read_text())
    change(data)
    changed = parse_catalog(data, "changed for a test")
    monkeypatch.setattr(policies.quota, "catalog", lambda: changed)


def test_quota_units_follow_the_tpm_each_capacity_unit_of_the_model_stands_for(fake, tls, stack_file, monkeypatch):
    """A model whose capacity unit is 3,000 TPM (as reasoning models may be) asks 3 quota units per unit, and its
    live deployment holds 3 per unit."""
    catalog_with(monkeypatch, lambda data: data["models"]["gpt-4o"].update(tpmPerUnit=3000))
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    fake.deployments = [live_deployment("gpt-4o", 5)]
    fake.usages = gpt_4o_usage("OpenAI.DataZoneStandard.gpt-4o", 290.0)
    (finding,) = findings(run(fake, tls, stack_file), "preflight-quota")
    assert (
        "request 30 units" in finding["message"] and "(15 by the repository's live deployments)" in finding["message"]
    )
    assert "after rollout 305 > 300" in finding["message"]


def test_a_usage_name_azure_does_not_list_does_not_hide_the_next_ones_overrun(fake, tls, stack_file):
    fake.usages = {
        "value": [{"name": {"value": "OpenAI.DataZoneStandard.gpt-5.1"}, "currentValue": 296.0, "limit": 300.0}]
    }
    found = findings(run(fake, tls, stack_file), "preflight-quota")
    assert [f["message"].split(":")[0] for f in found] == [
        "swedencentral OpenAI.DataZoneStandard.gpt-4o",
        "swedencentral OpenAI.DataZoneStandard.gpt-5.1",
    ]
    assert "Azure lists no quota" in found[0]["message"] and "after rollout 301 > 300" in found[1]["message"]
    assert [f["urn"].rsplit("::", 1)[-1] for f in found] == [
        "fdy-test-deployment-gpt-4o",
        "fdy-test-deployment-gpt-5.1",
    ]


def test_a_region_whose_quota_cannot_be_read_does_not_hide_the_next_regions_overrun(fake, tls, stack_file):
    """Two accounts in two regions: francecentral's usages are denied (a finding at its first deployment), and
    swedencentral's quota is still judged."""
    second = TAGGED_STACK[TAGGED_STACK.index("    - name: fdy-test\n") :].replace(
        "    - name: fdy-test\n", "    - name: fdy-test-fr\n      location: francecentral\n", 1
    )
    stack_file.write_text(TAGGED_STACK + second)
    france = FakeArm(fake.server, account="fdy-test-fr", region="francecentral")
    fake.server.expect_request(f"{PROVIDERS}/locations/francecentral/usages").respond_with_json(DENIED, status=403)
    france.serve()
    fake.usages = gpt_4o_usage("OpenAI.DataZoneStandard.gpt-4o", 291.0)
    entry = run(fake, tls, stack_file)
    found = [(f["policy"], f["message"], f["urn"].rsplit("::", 1)[-1]) for f in findings(entry)]
    assert found == [
        (
            "preflight-access",
            "Azure denied reading quota usages in francecentral (HTTP 403 AuthorizationFailed): grant the identity "
            "Cognitive Services Usages Reader (bba48692-92b0-4667-a9ad-c31c7b334ac2)",
            "fdy-test-fr-deployment-gpt-4o",
        ),
        (
            "preflight-quota",
            "swedencentral OpenAI.DataZoneStandard.gpt-4o: the repository's stacks request 10 units; Azure reports "
            "291 of 300 in use (0 by the repository's live deployments), so after rollout 301 > 300: request 1 more "
            "unit or lower capacity",
            "fdy-test-deployment-gpt-4o",
        ),
    ]


def test_quota_is_judged_against_the_usage_name_of_the_deployed_version(fake, tls, stack_file, monkeypatch):
    """A catalog where gpt-4o 2024-11-20 counts against a usage name of its own (the offer listed first covers the
    other versions): the stack's request and its live deployment both count there."""

    def split(data: dict) -> None:
        import copy

        offers = data["models"]["gpt-4o"]["offers"]
        shared = next(o for o in offers if o["sku"] == "DataZoneStandard")
        own = {**copy.deepcopy(shared), "versions": ["2024-11-20"], "usageName": "OpenAI.DataZoneStandard.gpt-4o-1120"}
        shared["versions"] = [v for v in data["models"]["gpt-4o"]["versions"] if v != "2024-11-20"]
        offers.insert(offers.index(shared) + 1, own)

    catalog_with(monkeypatch, split)
    stack_file.write_text(TAGGED_STACK.replace("          capacity: 10\n", "          capacity: 15\n", 1))
    fake.account = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
    fake.deployments = [live_deployment("gpt-4o", 10)]
    # Azure lists the usage names the subscription has: the version's own
    fake.usages = gpt_4o_usage("OpenAI.DataZoneStandard.gpt-4o-1120", 296.0)
    (finding,) = findings(run(fake, tls, stack_file))
    assert finding["message"] == (
        "swedencentral OpenAI.DataZoneStandard.gpt-4o-1120: the repository's stacks request 15 units; Azure reports "
        "296 of 300 in use (10 by the repository's live deployments), so after rollout 301 > 300: request 1 more "
        "unit or lower capacity"
    )


# --- the safe client in preflight: refusals end the command (exit 2), no report --------------------------


@pytest.fixture
def command(fake, tls, stack_file, monkeypatch, capsys, tmp_path):
    """`foundry-iac preflight` against the fake ARM; returns (exit code, stderr, whether the report was written)."""
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    report = tmp_path / "report.json"

    def go(*extra: str) -> tuple[int, str, bool]:
        fake.serve()
        argv = ["preflight", str(stack_file), "--endpoint", endpoint(fake.server), "--format", "json"]
        code = main([*argv, "--output", str(report), *extra])
        return code, capsys.readouterr().err, report.exists()

    return go


@pytest.mark.parametrize("disguised", [False, True], ids=["foreign", "foreign-behind-a-backslash"])
def test_preflight_sends_no_token_to_a_foreign_next_link(fake, foreign, command, disguised):
    models = f"{PROVIDERS}/locations/{REGION}/models"
    # urlsplit reads the host after the last "@" (the fake ARM), urllib3 ends the host at the "\\" (foreign)
    there = f"{endpoint(foreign)}\\@127.0.0.1:{fake.server.port}" if disguised else endpoint(foreign)
    foreign.expect_request(models).respond_with_json({"value": [GPT_51]})
    foreign.expect_request("/").respond_with_json({"value": [GPT_51]})
    fake.server.expect_request(models, query_string="api-version=2025-06-01").respond_with_json(
        {"value": [GPT_4O], "nextLink": f"{there}{models}?api-version=2025-06-01&page=2"}
    )
    code, err, written = command()
    assert code == 2 and not written
    assert err.startswith(f"error: refused to follow Azure to {there}{models}: it is not the configured")
    assert foreign.log == []


def test_preflight_refuses_a_malformed_answer_with_one_line(fake, command):
    fake.usages = {"value": [{"name": {"value": "OpenAI.DataZoneStandard.gpt-4o"}, "currentValue": 1, "limit": -1}]}
    code, err, written = command()
    assert (code, written) == (2, False)
    assert err == (
        "error: malformed answer from Azure: the limit of OpenAI.DataZoneStandard.gpt-4o in quota usages in "
        "swedencentral is -1.0, not a number >= 0, nothing written\n"
    )


def test_preflight_meets_its_deadline_on_a_silent_server(fake, command):
    release = threading.Event()

    def silent(request):
        release.wait(30)
        return Response("{}", content_type="application/json")

    fake.server.expect_request(PROVIDERS, query_string={"api-version": "2021-04-01"}).respond_with_handler(silent)
    started = time.monotonic()
    try:
        code, err, written = command("--timeout", "1")
    finally:
        release.set()
    assert (code, written) == (2, False) and time.monotonic() - started < 5
    assert err.startswith("error: Azure did not answer within the 1 s deadline while ")


class ScopedToken(StaticToken):
    """A static token that records the scopes it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.scopes: set[str] = set()

    def get_token(self, *scopes: str, **kwargs: object):
        self.scopes.update(scopes)
        return super().get_token(*scopes, **kwargs)


def test_every_read_carries_the_token_for_the_configured_endpoint_only(fake, tls, agent_stack):
    agents_present(fake)
    fake.serve()
    token = ScopedToken()
    ref = resolve_stack(str(agent_stack), ROOT)
    arms = []

    def connect(sub):
        arms.append(LiveArm(token, sub, endpoint(fake.server) + "/", verify=str(tls[1]), retry_backoff=0.01))
        return arms[-1]

    preflight([ref], ROOT, connect, __import__("datetime").date.fromisoformat(TODAY))
    assert token.scopes == {f"{endpoint(fake.server)}/.default"}
    requests = [request for request, _ in fake.server.log]
    assert {r.path for r in requests} >= {PROVIDERS, AGENT_SUBNET}  # the bare ARM reads, and the SDK's
    assert all(r.headers.get("Authorization") == "Bearer test-token" for r in requests)
    bare = [r for r in requests if r.path == PROVIDERS or r.path in fake.resources]  # through the bare ARM client
    assert len(bare) == 5 and all(r.headers["Accept"] == "application/json" for r in bare)


# The subscription's Defender for AI plan (Microsoft.Security/pricings/AI), read at the SDK's API version.
FREE_PLAN = {"name": "AI", "properties": {"pricingTier": "Free"}}


@pytest.fixture
def defended_stack(tmp_path) -> Path:
    """The tagged production stack, declaring the Defender for AI plan (it owns it: no other stack is in SUB)."""
    path = tmp_path / "Pulumi.prod-eu.yaml"
    line = "  foundry-iac:environment: production\n"
    assert line in TAGGED_STACK
    path.write_text(TAGGED_STACK.replace(line, line + "  foundry-iac:defender: {ai: true}\n"))
    return path


def test_a_production_subscription_whose_ai_plan_is_free_and_no_stack_turns_it_on_fails(fake, tls, stack_file):
    fake.defender = FREE_PLAN
    entry = run(fake, tls, stack_file)
    (finding,) = findings(entry)
    assert finding["policy"] == "preflight-defender" and finding["enforcement"] == "mandatory"
    assert finding["message"] == (
        f"the Defender for AI plan of subscription {SUB} is Free now and no stack of the repository turns it on, in a "
        "production stack: add `foundry-iac:defender: {ai: true}` to this stack"
    )
    assert not entry["passed"]


def test_a_subscription_without_the_ai_plan_at_all_is_not_on_either(fake, tls, stack_file):
    fake.defender = None  # Azure answers 404: the plan was never set
    (finding,) = findings(run(fake, tls, stack_file))
    assert finding["policy"] == "preflight-defender" and "is not set now" in finding["message"]


def test_a_stack_that_turns_the_plan_on_only_warns_that_it_is_free_now_at_its_defender_line(fake, tls, defended_stack):
    fake.defender = FREE_PLAN
    entry = run(fake, tls, defended_stack)
    (finding,) = findings(entry)
    assert finding["policy"] == "preflight-defender" and finding["enforcement"] == "advisory"
    assert finding["message"].endswith("is Free now; this stack turns it on (Standard) at pulumi up")
    assert finding["source"]["line"] == TAGGED_STACK.splitlines().index("  foundry-iac:environment: production") + 2
    assert finding["urn"].endswith("::defender-ai")
    assert entry["passed"]


@pytest.mark.parametrize("declared", [False, True], ids=["undeclared", "declared"])
def test_a_nonproduction_stack_is_only_told_about_a_free_plan_it_turns_on(fake, tls, stack_file, declared):
    """Outside production the plan is not required: a stack that does not declare it is not even asked about it, one
    that turns it on is warned that it is Free until pulumi up."""
    line = "  foundry-iac:environment: production\n"
    plan = "  foundry-iac:defender: {ai: true}\n" if declared else ""
    stack_file.write_text(TAGGED_STACK.replace(line, "  foundry-iac:environment: nonproduction\n" + plan))
    fake.defender = FREE_PLAN
    entry = run(fake, tls, stack_file)
    found = [(f["policy"], f["enforcement"], f["message"]) for f in findings(entry)]
    told = f"the Defender for AI plan of subscription {SUB} is Free now; this stack turns it on (Standard) at pulumi up"
    assert found == ([("preflight-defender", "advisory", told)] if declared else [])
    assert any(r.path == fake.pricing_path for r, _ in fake.server.log) is declared
    assert entry["passed"]


@pytest.mark.parametrize("production", [True, False], ids=["production", "nonproduction"])
def test_a_free_plan_another_stack_registers_says_to_deploy_that_stack(fake, tls, stack_file, production):
    """The plan is registered by another stack of the repository (prod-core): a finding of the subscription, mandatory
    in a production stack, a warning elsewhere."""
    from foundry_iac.engine.report_model import DefenderPlanRow, Source

    entry = gated_with(stack_file, ACCOUNT_TYPE, lambda props: props)
    owner = Source(file="stacks/Pulumi.prod-core.yaml", line=7)
    row = DefenderPlanRow(
        subscription=SUB,
        plan="AI",
        pricing_tier="Standard",
        owner="prod-core",
        owner_source=owner,
        registered_here=False,
        declared_here=False,
    )
    entry = entry.model_copy(update={"defender": row})
    fake.defender = FREE_PLAN
    checked = preflight_of(fake, tls, entry, production)
    (finding,) = checked.violations
    assert finding.policy == "preflight-defender"
    assert finding.enforcement == ("mandatory" if production else "advisory")
    assert finding.message == (
        f"the Defender for AI plan of subscription {SUB} is Free now; stack prod-core registers it (Standard): deploy "
        "that stack, or until then this subscription's models raise no Defender alerts"
    )
    assert (finding.urn, finding.source) == (None, None)
    assert checked.passed is not production


def test_a_standard_plan_passes_whether_or_not_the_stack_declares_it(fake, tls, stack_file, defended_stack):
    assert run(fake, tls, defended_stack)["violations"] == []


def test_a_denied_plan_read_names_reader_or_security_reader(fake, tls, stack_file):
    fake.server.expect_request(fake.pricing_path).respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no access"}}, status=403
    )
    entry = run(fake, tls, stack_file)
    (denied,) = findings(entry)
    assert denied["policy"] == "preflight-access"
    assert denied["message"] == (
        f"Azure denied reading the Defender plan AI of subscription {SUB} (HTTP 403 AuthorizationFailed): grant the "
        "identity Reader or Security Reader (Microsoft.Security/pricings/read) on the subscription"
    )
    assert not entry["passed"]


def _stack_ref(tmp_path, name: str, text: str):
    from foundry_iac.engine.stacks import StackRef

    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(text)
    return StackRef(name, path, f"stacks/Pulumi.{name}.yaml")


def test_the_repository_deployments_of_a_subscription_are_every_stack_of_it_whatever_the_case(tmp_path):
    """Quota is shared per subscription: a stack of another subscription is skipped, the next ones still count,
    and a subscription id is compared without case (ARM ids are case-insensitive)."""
    from foundry_iac.azure.preflight import repository_deployments

    sub = "11111111-2222-3333-4444-555555555555"
    other = _stack_ref(tmp_path, "other", TAGGED_STACK.replace(sub, "99999999-2222-3333-4444-555555555555"))
    upper = _stack_ref(tmp_path, "upper", TAGGED_STACK.replace(sub, "ABCDEF01-2222-3333-4444-555555555555"))
    planned = repository_deployments([other, upper], "abcdef01-2222-3333-4444-555555555555")
    assert planned and {p.stack for p in planned} == {"upper"}


def test_a_sibling_stack_that_does_not_load_is_named_by_its_repository_path(tmp_path):
    from components.errors import FoundryIacError
    from foundry_iac.azure.preflight import repository_deployments

    broken = _stack_ref(tmp_path, "broken", "config:\n  azure-native:location: [\n")
    with pytest.raises(FoundryIacError) as raised:
        repository_deployments([broken], "11111111-2222-3333-4444-555555555555")
    assert str(raised.value).startswith("stacks/Pulumi.broken.yaml:")


@pytest.mark.parametrize("lifecycle, days", [({"warnDays": 30}, 30), ({}, None)], ids=["written", "default"])
def test_warn_days_come_from_the_stacks_policy_config_else_the_default(tmp_path, lifecycle, days):
    import json

    from foundry_iac.azure.preflight import DEFAULT_WARN_DAYS, warn_days_of
    from foundry_iac.engine.stacks import StackRef
    from tests.conftest import BASE_POLICY_CONFIG

    (tmp_path / "policies" / "config").mkdir(parents=True)
    config = {**BASE_POLICY_CONFIG, "model-lifecycle": lifecycle}
    (tmp_path / "policies" / "config" / "team.json").write_text(json.dumps(config, indent=2))
    ref = StackRef("team", tmp_path / "stacks" / "Pulumi.team.yaml", "stacks/Pulumi.team.yaml")
    assert warn_days_of(tmp_path, ref) == (DEFAULT_WARN_DAYS if days is None else days)


def test_warn_days_of_a_broken_policy_config_name_its_repository_path(tmp_path):
    from foundry_iac.azure.preflight import warn_days_of
    from foundry_iac.engine.policy_config import PolicyConfigError
    from foundry_iac.engine.stacks import StackRef

    (tmp_path / "policies" / "config").mkdir(parents=True)
    (tmp_path / "policies" / "config" / "team.json").write_text("[]")
    ref = StackRef("team", tmp_path / "stacks" / "Pulumi.team.yaml", "stacks/Pulumi.team.yaml")
    with pytest.raises(PolicyConfigError) as raised:
        warn_days_of(tmp_path, ref)
    assert raised.value.messages == ["policies/config/team.json:1: a policy config is a JSON object of policy ids"]


def test_quota_counts_the_repositorys_other_stacks_of_the_subscription(fake, tls, stack_file, monkeypatch):
    """Quota is one pool per subscription and region: another stack of the repository that deploys the same model
    there adds its units to this stack's, and the overrun names both stacks' sum."""
    import foundry_iac.azure.preflight as preflight_module
    from foundry_iac.engine.stacks import StackRef

    sibling = stack_file.parent / "Pulumi.team-b.yaml"
    team_b_stack = TAGGED_STACK.replace("- name: fdy-test\n", "- name: fdy-team-b\n", 1)
    sibling.write_text(team_b_stack.replace("          capacity: 10\n", "          capacity: 15\n", 1))
    refs = [resolve_stack(str(stack_file), ROOT), StackRef("team-b", sibling, "stacks/Pulumi.team-b.yaml")]
    monkeypatch.setattr(preflight_module, "all_stacks", lambda root: refs)
    fake.usages = {
        "value": [
            {"name": {"value": "OpenAI.DataZoneStandard.gpt-4o"}, "currentValue": 285.0, "limit": 300.0},
            USAGES["value"][1],
        ]
    }
    team_b = f"/subscriptions/{SUB}/resourceGroups/rg-foundry-team-b/providers/Microsoft.CognitiveServices"
    fake.server.expect_request(f"{team_b}/accounts/fdy-team-b/deployments").respond_with_json({"value": []})
    (finding,) = findings(run(fake, tls, stack_file), "preflight-quota")
    assert finding["message"] == (
        "swedencentral OpenAI.DataZoneStandard.gpt-4o: the repository's stacks request 25 units; Azure reports 285 "
        "of 300 in use (0 by the repository's live deployments), so after rollout 310 > 300: request 10 more units "
        "or lower capacity"
    )
