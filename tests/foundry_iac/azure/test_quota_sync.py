"""`quota sync` through azure-mgmt-cognitiveservices against a fake ARM endpoint on 127.0.0.1 (HTTPS)."""

from __future__ import annotations

import json
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from foundry_iac.azure.client import MalformedAnswerError
from foundry_iac.azure.quota_sync import QuotaSyncError, sync_quota, write_snapshot
from foundry_iac.cli.main import main
from foundry_iac.engine.quota_snapshot import QuotaSnapshot
from tests.foundry_iac.azure.conftest import StaticToken, endpoint

SUB = "11111111-2222-3333-4444-555555555555"
API = {"api-version": "2025-06-01"}


def usages_path(region: str) -> str:
    return f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/{region}/usages"


def models_path(region: str) -> str:
    return f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/{region}/models"


USAGES = {
    "value": [
        {
            "name": {
                "value": "OpenAI.GlobalStandard.gpt-4o",
                "localizedValue": "Tokens Per Minute (thousands) - GPT-4o",
            },
            "currentValue": 50.0,
            "limit": 450.0,
            "unit": "Count",
            "status": "Included",
        },
        {
            "name": {"value": "AIServices.GlobalStandard.DeepSeek-R1", "localizedValue": "DeepSeek-R1"},
            "currentValue": 0.0,
            "limit": 5000.0,
            "unit": "Count",
        },
    ]
}
MODELS = {
    "value": [
        {
            "kind": "OpenAI",
            "skuName": "S0",
            "model": {
                "format": "OpenAI",
                "name": "gpt-4o",
                "version": "2024-11-20",
                "isDefaultVersion": True,
                "skus": [
                    {
                        "name": "GlobalStandard",
                        "usageName": "OpenAI.GlobalStandard.gpt-4o",
                        "capacity": {"minimum": 1, "maximum": 450, "step": 1, "default": 10},
                    },
                    {
                        "name": "GlobalProvisionedManaged",
                        "usageName": "OpenAI.GlobalProvisionedManaged",
                        "capacity": {"minimum": 15, "maximum": 1000, "step": 5, "default": 15},
                    },
                ],
            },
        },
    ]
}


def serve_region(server: HTTPServer, region: str, usages: dict = USAGES, models: dict = MODELS) -> None:
    auth = {"Authorization": "Bearer test-token"}
    server.expect_request(usages_path(region), query_string=API, headers=auth).respond_with_json(usages)
    server.expect_request(models_path(region), query_string=API, headers=auth).respond_with_json(models)


def sync(server, tls, regions, **kwargs):
    return sync_quota(SUB, regions, StaticToken(), endpoint(server), verify=str(tls[1]), retry_backoff=0.01, **kwargs)


def test_sync_reads_usages_and_model_capacity_rules_with_progress(arm, tls):
    serve_region(arm, "eastus2")
    serve_region(arm, "swedencentral")
    lines: list[str] = []
    data = sync(arm, tls, ["eastus2", "swedencentral"], progress=lines.append)
    snap = QuotaSnapshot.model_validate(data)
    entry = snap.limit("eastus2", "OpenAI.GlobalStandard.gpt-4o")
    assert entry.limit == 450 and entry.current == 50
    rules = {(c.sku, c.minimum, c.step) for c in snap.regions["swedencentral"].capacities}
    assert ("GlobalProvisionedManaged", 15, 5) in rules
    assert lines == [
        "[1/2] eastus2: 2 usages, 2 model capacity rules",
        "[2/2] swedencentral: 2 usages, 2 model capacity rules",
    ]


@pytest.mark.parametrize("status", [401, 403])
def test_denied_access_names_the_usages_reader_role(arm, tls, status):
    arm.expect_request(usages_path("eastus2")).respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no access"}}, status=status
    )
    with pytest.raises(QuotaSyncError, match=r"Cognitive Services Usages Reader \(bba48692"):
        sync(arm, tls, ["eastus2"])


def test_throttling_is_retried(arm, tls):
    arm.expect_oneshot_request(usages_path("eastus2")).respond_with_response(
        Response(json.dumps({"error": {"code": "TooManyRequests"}}), status=429, headers={"Retry-After": "1"})
    )
    serve_region(arm, "eastus2")
    assert "eastus2" in sync(arm, tls, ["eastus2"])["regions"]


@pytest.mark.parametrize(
    "usages",
    [
        {"value": [{"name": {"value": "OpenAI.GlobalStandard.gpt-4o"}, "currentValue": 1}]},  # no limit
        {"value": [{"name": {"value": "x"}, "currentValue": "lots", "limit": 5}]},  # not a number
    ],
)
def test_malformed_answers_are_clear_errors(arm, tls, usages):
    serve_region(arm, "eastus2", usages=usages)
    with pytest.raises(MalformedAnswerError, match=r"^malformed answer from Azure: .* in eastus2\b.*, nothing written"):
        sync(arm, tls, ["eastus2"])


def test_not_json_is_a_clear_error(arm, tls):
    arm.expect_request(usages_path("eastus2")).respond_with_data("<html>proxy error</html>", content_type="text/html")
    with pytest.raises(MalformedAnswerError, match=r"usages in eastus2: the answer is text/html, not JSON, nothing"):
        sync(arm, tls, ["eastus2"])


def test_a_failing_region_writes_nothing(arm, tls, tmp_path):
    target = tmp_path / "quotas" / f"{SUB}.json"
    serve_region(arm, "eastus2")
    write_snapshot(target, sync(arm, tls, ["eastus2"]))
    before = target.read_bytes()
    arm.expect_request(usages_path("westus3")).respond_with_data("down", status=500)
    with pytest.raises(QuotaSyncError, match="HTTP 500"):
        write_snapshot(target, sync(arm, tls, ["eastus2", "westus3"]))
    assert target.read_bytes() == before and list(target.parent.iterdir()) == [target]


def test_cli_quota_sync_with_default_azure_credential(arm, tls, tmp_path, monkeypatch, capsys):
    """End to end: DefaultAzureCredential takes a managed-identity token from a local endpoint."""
    identity = HTTPServer(host="127.0.0.1")
    identity.start()
    try:
        identity.expect_request("/msi/token", headers={"X-IDENTITY-HEADER": "id-secret"}).respond_with_json(
            {
                "access_token": "test-token",
                "expires_on": str(int(time.time()) + 3600),
                "resource": endpoint(arm),
                "token_type": "Bearer",
            }
        )
        for var in (
            "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET",
            "AZURE_TENANT_ID",
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_USERNAME",
            "MSI_ENDPOINT",
            "MSI_SECRET",
        ):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("IDENTITY_ENDPOINT", identity.url_for("/msi/token"))
        monkeypatch.setenv("IDENTITY_HEADER", "id-secret")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
        serve_region(arm, "eastus2")
        target = tmp_path / "snap.json"
        code = main(
            [
                "quota",
                "sync",
                "--subscription",
                SUB,
                "--region",
                "eastus2",
                "--endpoint",
                endpoint(arm),
                "--output",
                str(target),
            ]
        )
        err = capsys.readouterr().err
        assert code == 0, err
        assert "[1/1] eastus2: 2 usages" in err
        assert QuotaSnapshot.model_validate_json(target.read_text()).subscription == SUB
    finally:
        identity.clear()
        identity.stop()


def test_a_bug_of_ours_while_reading_is_not_blamed_on_azure(arm, tls):
    from foundry_iac.azure.quota_sync import read_regions

    serve_region(arm, "eastus2")

    def buggy(client, region, limits):
        return {}["not there"]  # a KeyError of ours, not a malformed answer

    with pytest.raises(KeyError):
        read_regions(SUB, ["eastus2"], StaticToken(), buggy, str, endpoint=endpoint(arm), verify=str(tls[1]))


def test_a_usages_next_link_loop_is_refused_naming_the_list_and_region(arm, tls):
    first = f"{endpoint(arm)}{usages_path('eastus2')}?api-version=2025-06-01"
    arm.expect_request(usages_path("eastus2"), query_string=API).respond_with_json({**USAGES, "nextLink": first})
    arm.expect_request(models_path("eastus2"), query_string=API).respond_with_json(MODELS)
    with pytest.raises(
        Exception, match=r"^Azure's nextLink for quota usages in eastus2 returns to a page already read"
    ):
        sync(arm, tls, ["eastus2"])


@pytest.mark.parametrize("usage", [{}, {"name": None}, {"name": {"localizedValue": "GPT-4o"}}], ids=repr)
def test_a_usage_without_a_name_is_a_malformed_answer_naming_the_region(arm, tls, usage):
    serve_region(arm, "eastus2", usages={"value": [{**usage, "currentValue": 1.0, "limit": 5.0}]})
    with pytest.raises(MalformedAnswerError, match=r"^malformed answer from Azure: a usage's name in eastus2 is None"):
        sync(arm, tls, ["eastus2"])


def test_write_snapshot_creates_missing_parent_folders(arm, tls, tmp_path):
    serve_region(arm, "eastus2")
    data = sync(arm, tls, ["eastus2"])
    target = tmp_path / "a" / "b" / "quotas" / f"{SUB}.json"
    write_snapshot(target, data)
    assert json.loads(target.read_text()) == data


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [("limit", -1.0, "the limit"), ("currentValue", -1.0, "the currentValue"), ("unit", "", "the unit")],
)
def test_each_malformed_usage_field_is_named_with_the_usage_and_region(arm, tls, field, value, where):
    usage = {"name": {"value": "OpenAI.GlobalStandard.gpt-4o"}, "currentValue": 1.0, "limit": 5.0, "unit": "Count"}
    serve_region(arm, "eastus2", usages={"value": [{**usage, field: value}]})
    with pytest.raises(MalformedAnswerError) as raised:
        sync(arm, tls, ["eastus2"])
    assert str(raised.value).startswith(
        f"malformed answer from Azure: {where} of OpenAI.GlobalStandard.gpt-4o in eastus2 is {value!r}, not a "
    )


def test_the_snapshot_keeps_every_usage_field_and_capacity_rule_as_azure_gave_them(arm, tls):
    serve_region(arm, "eastus2")
    region = sync(arm, tls, ["eastus2"])["regions"]["eastus2"]
    assert region["usages"] == {
        "AIServices.GlobalStandard.DeepSeek-R1": {"limit": 5000.0, "current": 0.0, "unit": "Count"},
        "OpenAI.GlobalStandard.gpt-4o": {"limit": 450.0, "current": 50.0, "unit": "Count"},
    }
    assert region["capacities"] == [
        {
            "model": "gpt-4o",
            "version": "2024-11-20",
            "sku": "GlobalProvisionedManaged",
            "usageName": "OpenAI.GlobalProvisionedManaged",
            "minimum": 15,
            "maximum": 1000,
            "step": 5,
            "default": 15,
        },
        {
            "model": "gpt-4o",
            "version": "2024-11-20",
            "sku": "GlobalStandard",
            "usageName": "OpenAI.GlobalStandard.gpt-4o",
            "minimum": 1,
            "maximum": 450,
            "step": 1,
            "default": 10,
        },
    ]


def test_a_models_answer_that_is_not_json_names_the_models_list_and_region(arm, tls):
    arm.expect_request(usages_path("eastus2"), query_string=API).respond_with_json(USAGES)
    arm.expect_request(models_path("eastus2")).respond_with_data("<html>proxy error</html>", content_type="text/html")
    with pytest.raises(MalformedAnswerError, match=r"models in eastus2: the answer is text/html, not JSON, nothing"):
        sync(arm, tls, ["eastus2"])


def test_models_are_read_across_pages_and_a_models_next_link_loop_is_refused(arm, tls):
    page2 = f"{endpoint(arm)}{models_path('eastus2')}?api-version=2025-06-01&page=2"
    arm.expect_request(usages_path("eastus2"), query_string=API).respond_with_json(USAGES)
    arm.expect_request(models_path("eastus2"), query_string=API).respond_with_json({"value": [], "nextLink": page2})
    arm.expect_oneshot_request(models_path("eastus2"), query_string="api-version=2025-06-01&page=2").respond_with_json(
        MODELS
    )
    assert len(sync(arm, tls, ["eastus2"])["regions"]["eastus2"]["capacities"]) == 2
    arm.expect_request(models_path("eastus2"), query_string="api-version=2025-06-01&page=2").respond_with_json(
        {"value": [], "nextLink": page2}
    )
    with pytest.raises(Exception, match=r"^Azure's nextLink for models in eastus2 returns to a page already read"):
        sync(arm, tls, ["eastus2"])


def test_a_models_answer_of_the_wrong_shape_is_refused_by_its_path(arm, tls):
    bad = {"value": [{"model": {"name": "gpt-4o", "skus": [{"name": "GlobalStandard", "capacity": {"maximum": [1]}}]}}]}
    serve_region(arm, "eastus2", models=bad)
    with pytest.raises(MalformedAnswerError) as raised:
        sync(arm, tls, ["eastus2"])
    assert str(raised.value) == (
        "malformed answer from Azure: models in eastus2: $.value[0].model.skus[0].capacity.maximum is [1], not int, "
        "nothing written"
    )


def _model_entry(model: dict | None = None, sku: dict | None = None) -> dict:
    sku = {
        "name": "GlobalStandard",
        "usageName": "OpenAI.GlobalStandard.gpt-4o",
        "capacity": {"maximum": 450},
        **(sku or {}),
    }
    return {
        "kind": "OpenAI",
        "model": {"format": "OpenAI", "name": "gpt-4o", "version": "1", "skus": [sku], **(model or {})},
    }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "OpenAI"}, "a model's name in eastus2 is None, not a name"),
        (_model_entry({"name": None}), "a model's name in eastus2 is None, not a name"),
        (_model_entry({"version": ""}), "the version of gpt-4o in eastus2 is '', not a name"),
        (_model_entry(sku={"name": None}), "a deployment type of gpt-4o 1 in eastus2 is None, not a name"),
        (_model_entry(sku={"usageName": ""}), "the usageName of gpt-4o 1 in eastus2 is '', not a name"),
        (
            _model_entry(sku={"capacity": {"minimum": -1}}),
            "capacity.minimum of gpt-4o 1 in eastus2 is -1, not a number",
        ),
        (_model_entry(sku={"capacity": {"step": -1}}), "capacity.step of gpt-4o 1 in eastus2 is -1, not a number"),
        (
            _model_entry(sku={"capacity": {"maximum": -1}}),
            "capacity.maximum of gpt-4o 1 in eastus2 is -1, not a number",
        ),
        (
            _model_entry(sku={"capacity": {"default": -1}}),
            "capacity.default of gpt-4o 1 in eastus2 is -1, not a number",
        ),
    ],
    ids=[
        "no-model",
        "no-name",
        "empty-version",
        "no-sku-name",
        "empty-usage-name",
        "minimum",
        "step",
        "maximum",
        "default",
    ],
)
def test_each_malformed_model_field_is_named_with_the_model_and_region(arm, tls, entry, message):
    serve_region(arm, "eastus2", models={"value": [entry]})
    with pytest.raises(MalformedAnswerError) as raised:
        sync(arm, tls, ["eastus2"])
    assert str(raised.value).startswith(f"malformed answer from Azure: {message}")


def test_a_model_without_skus_or_capacity_adds_what_it_has(arm, tls):
    models = {"value": [_model_entry({"skus": None}), _model_entry({"name": "o3"}, {"capacity": None})]}
    serve_region(arm, "eastus2", models=models)
    (rule,) = sync(arm, tls, ["eastus2"])["regions"]["eastus2"]["capacities"]
    assert rule == {
        "model": "o3",
        "version": "1",
        "sku": "GlobalStandard",
        "usageName": "OpenAI.GlobalStandard.gpt-4o",
        "minimum": None,
        "maximum": None,
        "step": None,
        "default": None,
    }


def test_capacity_rules_are_sorted_by_model_then_version_then_type(arm, tls):
    models = {
        "value": [
            _model_entry({"version": "2"}, {"name": "DataZoneStandard"}),
            _model_entry({"version": "1"}, {"name": "GlobalStandard"}),
            _model_entry({"version": None}, {"name": "Standard"}),
        ]
    }
    serve_region(arm, "eastus2", models=models)
    rules = sync(arm, tls, ["eastus2"])["regions"]["eastus2"]["capacities"]
    assert [(r["version"], r["sku"]) for r in rules] == [
        (None, "Standard"),
        ("1", "GlobalStandard"),
        ("2", "DataZoneStandard"),
    ]


def test_the_snapshot_header_names_the_subscription_in_lower_case_the_time_api_and_endpoint(arm, tls):
    import datetime as dt

    sub = "ABCDEF00-2222-3333-4444-555555555555"
    base = f"/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/eastus2"
    arm.expect_request(f"{base}/usages", query_string=API).respond_with_json(USAGES)
    arm.expect_request(f"{base}/models", query_string=API).respond_with_json(MODELS)
    now = dt.datetime(2026, 12, 3, 7, 5, 9, tzinfo=dt.UTC)
    data = sync_quota(sub, ["eastus2"], StaticToken(), endpoint(arm), verify=str(tls[1]), retry_backoff=0.01, now=now)
    assert {k: v for k, v in data.items() if k != "regions"} == {
        "subscription": "abcdef00-2222-3333-4444-555555555555",
        "syncedAt": "2026-12-03T07:05:09Z",
        "apiVersion": "2025-06-01",
        "endpoint": endpoint(arm),
    }


def test_synced_at_is_utc_whatever_the_local_time_zone(arm, tls, monkeypatch):
    import datetime as dt

    serve_region(arm, "eastus2")
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: a local time would be the next day
    time.tzset()
    try:
        before = dt.datetime.now(dt.UTC).replace(microsecond=0)
        synced = dt.datetime.strptime(sync(arm, tls, ["eastus2"])["syncedAt"], "%Y-%m-%dT%H:%M:%SZ")
        after = dt.datetime.now(dt.UTC)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert before <= synced.replace(tzinfo=dt.UTC) <= after


def test_sync_passes_its_limits_and_the_default_backoff_to_the_client(arm, tls, client_calls):
    from foundry_iac.azure.client import Limits

    seen = client_calls
    page2 = f"{endpoint(arm)}{usages_path('eastus2')}?api-version=2025-06-01&page=2"
    arm.expect_request(usages_path("eastus2"), query_string=API).respond_with_json({**USAGES, "nextLink": page2})
    one_page = Limits(max_pages=1)
    with pytest.raises(Exception, match=r"^quota usages in eastus2 runs past 1 pages: refused"):
        sync_quota(SUB, ["eastus2"], StaticToken(), endpoint(arm), verify=str(tls[1]), limits=one_page)
    with pytest.raises(Exception, match=r"^quota usages in eastus2 runs past 1 pages: refused"):
        sync_quota(SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]), retry_backoff=0.3, limits=one_page)
    assert seen == [(0.8, one_page), (0.3, one_page)]  # azure-core's default backoff when the caller gives none


@pytest.mark.parametrize(("status", "verb"), [(401, "not authenticated"), (403, "denied")])
def test_explain_names_the_usages_reader_role_for_a_bare_401_or_403(status, verb):
    from azure.core.exceptions import HttpResponseError

    from foundry_iac.azure.quota_sync import explain

    exc = HttpResponseError(message="no")  # not a ClientAuthenticationError: the status alone decides
    exc.status_code = status
    assert str(explain(exc, SUB, "eastus2")) == (
        f"Azure {verb} reading quota of subscription {SUB} in eastus2 (HTTP {status}): sign in (az login, or OIDC "
        "in CI) and grant the identity the Cognitive Services Usages Reader (bba48692-92b0-4667-a9ad-c31c7b334ac2) "
        "role at subscription scope"
    )


def test_explain_turns_an_undecodable_answer_into_a_malformed_answer_naming_what_and_where():
    from azure.core.exceptions import DecodeError

    from foundry_iac.azure.quota_sync import explain

    error = explain(DecodeError("Expecting value: line 1 column 1"), SUB, "eastus2", "models")
    assert isinstance(error, MalformedAnswerError)
    assert str(error) == (
        "malformed answer from Azure: models in eastus2: Expecting value: line 1 column 1, nothing written"
    )


def test_an_http_error_after_retries_names_the_status_and_azures_error_code(arm, tls):
    arm.expect_request(usages_path("eastus2")).respond_with_json(
        {"error": {"code": "InternalServerError", "message": "boom"}}, status=500
    )
    with pytest.raises(QuotaSyncError) as raised:
        sync(arm, tls, ["eastus2"])
    assert str(raised.value) == (
        "Azure answered HTTP 500 InternalServerError for eastus2 after retries: (InternalServerError) boom "
        "Code: InternalServerError Message: boom"
    )  # azure-core's message spans three lines: the error stays one line


def test_an_http_error_without_an_error_code_is_one_line_with_single_spaces(arm, tls):
    arm.expect_request(usages_path("eastus2")).respond_with_data("upstream\n  timed out", status=500)
    with pytest.raises(QuotaSyncError) as raised:
        sync(arm, tls, ["eastus2"])
    message = str(raised.value)
    assert message.startswith("Azure answered HTTP 500 for eastus2 after retries: ")
    assert "\n" not in message and "  " not in message


def test_an_http_error_whose_message_is_blank_ends_at_after_retries():
    from azure.core.exceptions import HttpResponseError

    from foundry_iac.azure.quota_sync import explain

    exc = HttpResponseError(message=" \n ")
    exc.status_code = 502
    assert str(explain(exc, SUB, "eastus2")) == "Azure answered HTTP 502 for eastus2 after retries"


def test_a_network_failure_says_arm_cannot_be_reached_for_the_region():
    """A connection error carries no HTTP status (azure-core's ServiceRequestError has no status_code)."""
    from azure.core.exceptions import ServiceRequestError

    from foundry_iac.azure.quota_sync import explain

    error = explain(ServiceRequestError("connection refused"), SUB, "eastus2")
    assert str(error) == "cannot reach Azure Resource Manager for eastus2: connection refused"


def test_a_denied_quota_read_names_what_was_read_the_subscription_and_the_region(arm, tls):
    arm.expect_request(usages_path("swedencentral"), query_string=API).respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no"}}, status=403
    )
    with pytest.raises(QuotaSyncError) as raised:
        sync_quota(SUB, ["swedencentral"], StaticToken(), endpoint(arm), verify=str(tls[1]))
    assert str(raised.value) == (
        f"Azure denied reading quota of subscription {SUB} in swedencentral (HTTP 403): sign in (az login, or OIDC "
        "in CI) and grant the identity the Cognitive Services Usages Reader (bba48692-92b0-4667-a9ad-c31c7b334ac2) "
        "role at subscription scope"
    )


def test_read_regions_hands_the_client_the_callers_limits(arm, tls):
    """The client read_regions makes keeps the caller's deadline, never a default in its place: a read that asks the
    client alone (no page bound of its own) is refused once the caller's clock is past it."""
    from foundry_iac.azure.client import AzureAnswerError, Limits
    from foundry_iac.azure.quota_sync import read_regions

    arm.expect_request(usages_path("eastus2"), query_string=API).respond_with_json(USAGES)
    ticks = iter([0.0])  # the deadline is set at 0 s; every later reading of the clock is an hour on

    def clock() -> float:
        return next(ticks, 3600.0)

    def usage_names(client, region, limits):
        return [usage.name.value for usage in client.usages.list(region)]

    with pytest.raises(AzureAnswerError, match=r"^Azure did not answer within the 60 s deadline while "):
        read_regions(
            SUB,
            ["eastus2"],
            StaticToken(),
            usage_names,
            str,
            endpoint=endpoint(arm),
            verify=str(tls[1]),
            limits=Limits(timeout=60, clock=clock),
        )
    assert read_regions(
        SUB, ["eastus2"], StaticToken(), usage_names, str, endpoint=endpoint(arm), verify=str(tls[1])
    ) == {"eastus2": [u["name"]["value"] for u in USAGES["value"]]}


# --- usage names are plain and listed once --------------------------------------------------------------------------

GROK = "AIServices.DataZoneStandard.grok-4-1-fast-reasoning"


@pytest.mark.parametrize(
    "name", [f"{GROK}\u001b", f"{GROK}\u0000", "AIServices.GlobalStandard.gpt\u20114o", f"{GROK} "]
)
def test_a_usage_name_with_a_control_character_or_not_ascii_is_malformed_escaped_and_nothing_written(
    arm, tls, tmp_path, monkeypatch, capsys, name
):
    from foundry_iac.cli import commands

    usage = {"name": {"value": name}, "currentValue": 1.0, "limit": 5.0, "unit": "Count"}
    serve_region(arm, "eastus2", usages={"value": [usage]})
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    target = tmp_path / "snapshot.json"
    argv = ["quota", "sync", "--subscription", SUB, "--region", "eastus2", "--endpoint", endpoint(arm)]
    assert main([*argv, "--output", str(target)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("[")]
    assert len(err) == 1 and err[0].isprintable() and err[0].isascii()
    assert err[0].startswith("error: malformed answer from Azure: a usage's name in eastus2 is ")
    assert "not a name (printable ASCII without whitespace" in err[0]
    assert not target.exists()


def test_a_usage_listed_twice_is_malformed_naming_it_not_read_as_its_last_limit(arm, tls):
    usage = {"name": {"value": GROK}, "currentValue": 1.0, "limit": 450.0, "unit": "Count"}
    serve_region(arm, "eastus2", usages={"value": [usage, {**usage, "limit": 999999.0}]})
    with pytest.raises(MalformedAnswerError) as raised:
        sync(arm, tls, ["eastus2"])
    assert str(raised.value) == (
        f"malformed answer from Azure: quota usages in eastus2: usage {GROK} is listed twice, nothing written"
    )


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [("name", "gpt-4o\n", "a model's name in eastus2"), ("version", "2024\x1b", "the version of gpt-4o in eastus2")],
)
def test_a_model_name_or_version_that_is_not_plain_ascii_is_malformed(arm, tls, field, value, where):
    model = {**MODELS["value"][0], "model": {**MODELS["value"][0]["model"], field: value}}
    serve_region(arm, "eastus2", models={"value": [model]})
    with pytest.raises(MalformedAnswerError, match=f"^malformed answer from Azure: {where} is "):
        sync(arm, tls, ["eastus2"])


@pytest.fixture
def broken_chunks(tls):
    """An HTTPS server on 127.0.0.1 whose every answer is 200 with an invalid chunked body (a chunk size 'ZZZ')."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(30)

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:  # closed at the end of the test
                return
            try:
                with tls[0].wrap_socket(conn, server_side=True) as tls_conn:
                    tls_conn.recv(65536)
                    tls_conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"ZZZ\r\n{}\r\n0\r\n\r\n"
                    )
            except OSError:
                pass

    threading.Thread(target=serve, daemon=True).start()
    yield f"https://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_an_invalid_chunked_answer_is_one_malformed_answer_line_not_a_warning_per_attempt(
    broken_chunks, tls, tmp_path, monkeypatch, capsys, caplog
):
    from foundry_iac.cli import commands

    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    target = tmp_path / "snapshot.json"
    argv = ["quota", "sync", "--subscription", SUB, "--region", "eastus2", "--endpoint", broken_chunks]
    assert main([*argv, "--output", str(target)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: malformed answer from Azure: quota in eastus2: the answer could not be read (")
    assert "InvalidChunkLength" in line and line.endswith(", nothing written") and "HTTP None" not in line
    assert [r.getMessage() for r in caplog.records if r.name.startswith("azure.core")] == []  # no line per attempt
    assert not target.exists()


def test_a_network_failure_whose_text_spans_lines_or_holds_escapes_is_one_escaped_line():
    from azure.core.exceptions import ServiceRequestError

    from foundry_iac.azure.quota_sync import explain

    error = explain(ServiceRequestError("refused\n\x1b[31merror: forged"), SUB, "eastus2")
    assert str(error) == "cannot reach Azure Resource Manager for eastus2: refused \\x1b[31merror: forged"
