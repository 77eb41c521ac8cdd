"""`where --live` reads Azure's own view per region through the safe client, here a fake ARM on https://127.0.0.1:
one region refuses the read (403) and one has no capacity left; neither may show "fits"."""

from __future__ import annotations

import json
import re

import pytest
from werkzeug import Response

from foundry_iac.cli import commands
from foundry_iac.cli.main import main
from tests.conftest import ROOT
from tests.foundry_iac.azure.conftest import StaticToken, endpoint

SUB = "11111111-2222-3333-4444-555555555555"
PROVIDERS = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices"
DENIED = "eastus"
FULL = "westus3"
USED = {"centralus": 290.0}  # 290 of 300 used: 20 more is over Azure's limit


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _region(request) -> str:
    return request.path.split("/locations/")[1].split("/")[0]


def models(request) -> Response:
    region = _region(request)
    if region == DENIED:
        error = {"error": {"code": "AuthorizationFailed", "message": "no read access"}}
        return _json(error, 403)
    sku = {"name": "DataZoneStandard", "usageName": "OpenAI.DataZoneStandard.gpt-5.1", "capacity": {"maximum": 1000}}
    model = {"format": "OpenAI", "name": "gpt-5.1", "version": "2025-11-13", "skus": [sku]}
    return _json({"value": [{"kind": "AIServices", "skuName": "S0", "model": model}]})


def capacities(request) -> Response:
    region = _region(request)
    item = {
        "id": f"{PROVIDERS}/locations/{region}/modelCapacities/gpt-5.1",
        "location": region,
        "properties": {
            "model": {"format": "OpenAI", "name": "gpt-5.1", "version": "2025-11-13"},
            "skuName": "DataZoneStandard",
            "availableCapacity": 0.0 if region == FULL else 500.0,
        },
    }
    return _json({"value": [item]})


def usages(request) -> Response:
    region = _region(request)
    usage = {
        "name": {"value": "OpenAI.DataZoneStandard.gpt-5.1"},
        "currentValue": USED.get(region, 0.0),
        "limit": 300.0,
        "unit": "Count",
    }
    return _json({"value": [usage]})


@pytest.fixture
def live(arm, tls, monkeypatch):
    arm.expect_request(re.compile(rf"{PROVIDERS}/locations/\w+/models")).respond_with_handler(models)
    arm.expect_request(re.compile(rf"{PROVIDERS}/locations/\w+/modelCapacities")).respond_with_handler(capacities)
    arm.expect_request(re.compile(rf"{PROVIDERS}/locations/\w+/usages")).respond_with_handler(usages)
    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", "2026-12-03")
    monkeypatch.chdir(ROOT)
    return arm


ARGS = ["where", "gpt-5.1", "--residency", "US", "--type", "DataZoneStandard", "--capacity", "20"]


def test_live_rows_say_fits_only_where_azure_answered_with_room(live, capsys):
    code = main([*ARGS, "--subscription", SUB, "--live", "--endpoint", endpoint(live), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    by_region = {r["region"]: r["live"] for r in report["rows"] if r["data_zone"] == "US"}
    assert set(by_region) == {"centralus", "eastus", "eastus2", "northcentralus", "southcentralus", "westus", FULL}
    assert by_region[DENIED]["status"] == "unknown" and "403" in by_region[DENIED]["reason"]
    assert by_region[DENIED]["available_capacity"] is None
    assert by_region[FULL]["status"] == "no" and by_region[FULL]["available_capacity"] == 0
    assert "0 of 20 units left" in by_region[FULL]["reason"]
    assert by_region["centralus"]["status"] == "no" and "over Azure's limit 300" in by_region["centralus"]["reason"]
    fits = {region for region, view in by_region.items() if view["status"] == "fits"}
    assert fits == {"eastus2", "northcentralus", "southcentralus", "westus"}
    assert by_region["eastus2"] == {
        "status": "fits",
        "offered": True,
        "available_capacity": 500,
        "usage_current": 0,
        "usage_limit": 300,
        "reason": "500 units left; 0 of 300 quota units used",
    }


def test_live_text_names_the_denied_and_the_full_region(live, capsys):
    code = main([*ARGS, "--subscription", SUB, "--live", "--endpoint", endpoint(live)])
    out = capsys.readouterr().out
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith(("eastus ", "westus3 "))}
    assert "live unknown" in lines[DENIED] and "live no" in lines[FULL]
    assert f"{DENIED} DataZoneStandard: live unknown: Azure denied reading the models offered in {DENIED}" in out


def test_live_without_a_subscription_is_a_usage_error(live, capsys):
    assert main([*ARGS, "--live"]) == 2
    assert "--live needs a subscription" in capsys.readouterr().err
