"""`foundry-iac where`: one row per (region, type) the catalog offers, judged by the policy pack's own checks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.catalog import load_catalog
from components.cost import HOURS_PER_MONTH
from foundry_iac.cli.main import main
from foundry_iac.engine.report_model import SCHEMA_FILE
from foundry_iac.engine.where import judged_capacity, rows_of
from tests.conftest import ROOT

TODAY = "2026-12-03"
PROD_US_SUB = "4d8a1c6e-9b2f-4e7d-a3c5-1f6b8e0d2c97"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", TODAY)


def where(capsys, monkeypatch, *argv: str, cwd: Path = ROOT) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(["where", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def where_json(capsys, monkeypatch, *argv: str, cwd: Path = ROOT) -> dict:
    code, out, err = where(capsys, monkeypatch, *argv, "--format", "json", cwd=cwd)
    assert code == 0, err
    return json.loads(out)


def row_of(report: dict, region: str, sku: str) -> dict:
    return next(r for r in report["rows"] if r["region"] == region and r["deployment_type"] == sku)


GPT51_PROD_EU = ["gpt-5.1", "--stack", "prod-eu", "--capacity", "200", "--tokens", "400000000,80000000"]


def test_gpt51_under_prod_eu_json_follows_the_schema_with_one_row_per_offer(capsys, monkeypatch):
    report = where_json(capsys, monkeypatch, *GPT51_PROD_EU)
    schema = json.loads((ROOT / SCHEMA_FILE).read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    cat = load_catalog()
    entry = cat.models["gpt-5.1"]
    assert {(r["region"], r["deployment_type"]) for r in report["rows"]} == set(rows_of(cat, entry, "2025-11-13", []))
    assert len(report["rows"]) == len(rows_of(cat, entry, "2025-11-13", []))
    assert (report["stack"], report["boundary"], report["version"]) == ("prod-eu", "EU", "2025-11-13")
    # the stack's own pool: its policy config's limit, its 40 units used, 260 left, 200 fit
    sweden = row_of(report, "swedencentral", "DataZoneStandard")
    assert sweden["quota"] == {
        "scope": "swedencentral",
        "usage_name": "OpenAI.DataZoneStandard.gpt-5.1",
        "limit": 300,
        "limit_source": "policy config limits",
        "used": {"prod-eu": 40},
        "headroom": 260,
        "requested": 200,
        "fits": "yes",
    }
    price = entry.prices["dataZone"]
    assert sweden["monthly_expected"] == pytest.approx((400e6 * price.input + 80e6 * price.output) / 1e6)
    assert sweden["monthly_ceiling"] == pytest.approx(
        200 * 1000 * 43_800 * (0.75 * price.input + 0.25 * price.output) / 1e6
    )
    assert sweden["account"] == "fdy-prod-eu-core" and sweden["approved"] is True
    # prod-eu's budget is on the ceiling basis: 200 units of gpt-5.1 take it over
    assert (sweden["passed"], sweden["failed_policy"]) == (False, "cost-budget")
    assert "exceeds the stack's budget" in sweden["reason"]
    globally = row_of(report, "swedencentral", "GlobalStandard")
    assert (globally["residency"], globally["failed_policy"]) == ("outside", "residency-deployment-type")
    assert "may process prompts in any Azure region" in globally["residency_reason"]
    tokyo = row_of(report, "japaneast", "GlobalStandard")
    assert tokyo["account"] is None and tokyo["failed_policy"] == "allowed-regions"


def test_every_failing_row_names_its_first_mandatory_check_and_passing_rows_come_first_cheapest_first(
    capsys, monkeypatch
):
    report = where_json(
        capsys, monkeypatch, "gpt-5.1", "--stack", "prod-us", "--capacity", "20", "--tokens", "4000000,800000"
    )
    rows = report["rows"]
    passing = [r for r in rows if r["passed"]]
    assert passing and rows[: len(passing)] == passing
    costs = [r["monthly_expected"] for r in passing]
    assert costs == sorted(costs)
    for r in rows[len(passing) :]:
        first = next(c for c in r["checks"] if c["enforcement"] == "mandatory")
        assert (r["failed_policy"], r["reason"]) == (first["policy"], first["message"])
    for r in passing:
        assert r["reason"] == "" and all(c["enforcement"] == "advisory" for c in r["checks"])


def test_the_text_table_shows_the_pool_limit_use_headroom_and_why_rows_fail(capsys, monkeypatch):
    code, out, _ = where(capsys, monkeypatch, *GPT51_PROD_EU)
    assert code == 0
    assert out.startswith(
        "where: gpt-5.1 2025-11-13, stack prod-eu, on 2026-12-03, capacity 200, "
        "tokens 400,000,000 in / 80,000,000 out per month\n"
    )
    line = next(ln for ln in out.splitlines() if ln.startswith("swedencentral") and " DataZoneStandard " in ln)
    assert line.split()[7:12] == ["OpenAI.DataZoneStandard.gpt-5.1", "@", "swedencentral", "300", "40"]
    assert "why not:\n" in out
    assert "  swedencentral GlobalStandard: residency-deployment-type: " in out


def test_markdown_is_a_table_with_a_row_per_offer(capsys, monkeypatch):
    code, out, _ = where(capsys, monkeypatch, "gpt-5.1", "--residency", "EU", "--format", "markdown")
    rows = [ln for ln in out.splitlines() if ln.startswith("| ") and not ln.startswith("| region")]
    cat = load_catalog()
    assert code == 0 and len(rows) == len(rows_of(cat, cat.models["gpt-5.1"], "2025-11-13", []))


def test_provisioned_capacity_is_rounded_up_to_the_offers_minimum_and_step(capsys, monkeypatch):
    report = where_json(
        capsys, monkeypatch, "gpt-5.1", "--residency", "US", "--type", "DataZoneProvisionedManaged", "--capacity", "7"
    )
    rate = load_catalog().models["gpt-5.1"].ptu_hour["dataZone"].usd_per_ptu_hour
    us = [r for r in report["rows"] if r["data_zone"] == "US"]
    assert us and all(r["passed"] for r in us)
    for r in us:
        assert r["capacity"] == 15 and r["capacity_note"] == "15 PTU (asked 7, rounded up to minimum 15, step 5)"
        assert r["quota"]["requested"] == 15
        assert r["monthly_ceiling"] == pytest.approx(15 * rate * HOURS_PER_MONTH)
    assert [r["data_zone"] for r in report["rows"] if not r["passed"]] == ["EU"] * (len(report["rows"]) - len(us))
    assert all(r["failed_policy"] == "residency-deployment-type" for r in report["rows"] if not r["passed"])


@given(asked=st.integers(min_value=1, max_value=5000))
def test_rounding_gives_the_least_capacity_the_quota_policy_accepts(asked):
    entry = load_catalog().models["gpt-5.1"]
    for sku in ("DataZoneProvisionedManaged", "ProvisionedManaged", "GlobalProvisionedManaged"):
        minimum, step = entry.ptu_rules(sku, "2025-11-13")  # type: ignore[misc]
        capacity, _ = judged_capacity(entry, sku, "2025-11-13", asked)
        assert capacity >= asked and capacity >= minimum and capacity % step == 0
        assert capacity - step < max(asked, minimum)  # none smaller would do
    assert judged_capacity(entry, "DataZoneStandard", "2025-11-13", asked)[0] == asked


def test_grok_has_no_data_zone_ptu_offer_so_the_type_is_refused_naming_the_offered_ones(capsys, monkeypatch):
    code, out, err = where(
        capsys,
        monkeypatch,
        "grok-4-1-fast-reasoning",
        "--residency",
        "US",
        "--type",
        "DataZoneProvisionedManaged",
        "--capacity",
        "7",
    )
    assert (code, out) == (2, "")
    assert err == (
        "error: --type DataZoneProvisionedManaged: the catalog does not offer grok-4-1-fast-reasoning 1 as "
        "DataZoneProvisionedManaged (offered types: DataZoneStandard, GlobalStandard); pick one of those\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["gpt5.1"], "unknown model 'gpt5.1'; did you mean 'gpt-5.1'"),
        (["gpt-5.1", "--version", "2025-11-31"], "--version: unknown version of gpt-5.1 '2025-11-31'; did you mean"),
        (
            ["gpt-5.1", "--type", "DataZone"],
            "--type: unknown deployment type for gpt-5.1 2025-11-13 'DataZone'; did you mean 'DataZoneStandard'",
        ),
        (["gpt-5.1", "--residency", "eu"], "--residency: unknown residency boundary 'eu' (differs in case"),
        (["gpt-5.1", "--residency", "swedencentrl"], "did you mean 'swedencentral'"),
        (["gpt-5.1", "--stack", "prod-eu", "--residency", "EU"], "not allowed with argument"),
        (["gpt-5.1", "--capacity", "0"], "is not a capacity"),
        (["gpt-5.1", "--tokens", "400000000"], "is not INPUT,OUTPUT"),
        (["gpt-5.1", "--subscription", "abc"], "is not a subscription id"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(capsys, monkeypatch, argv, message):
    code, out, err = where(capsys, monkeypatch, *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err, err


def test_without_a_stack_a_pool_nobody_states_a_limit_for_is_unknown_not_a_failure(capsys, monkeypatch):
    report = where_json(capsys, monkeypatch, "gpt-5.1", "--residency", "US", "--type", "GlobalStandard")
    for r in report["rows"]:
        assert r["approved"] is None and r["account"] is None
        assert (r["quota"]["limit"], r["quota"]["fits"]) == (None, "unknown")
        assert any(c["policy"] == "quota-capacity" and c["enforcement"] == "advisory" for c in r["checks"])
        assert r["failed_policy"] == "residency-deployment-type"  # GlobalStandard never stays inside US


SIBLING = f"""\
config:
  azure-native:subscriptionId: {PROD_US_SUB}
  azure-native:location: eastus2
  foundry-iac:environment: nonproduction
  foundry-iac:accounts:
    - name: fdy-team-b
      deployments:
        - model: gpt-5.1
          version: "2025-11-13"
          type: DataZoneStandard
          capacity: 100
"""


def test_the_pool_counts_every_stack_of_the_subscription_and_fits_up_to_the_headroom(capsys, monkeypatch, repo):
    (repo / "stacks" / "Pulumi.team-b.yaml").write_text(SIBLING)
    base = ["gpt-5.1", "--stack", "prod-us", "--type", "DataZoneStandard"]
    report = where_json(capsys, monkeypatch, *base, "--capacity", "270", cwd=repo)
    eastus2 = row_of(report, "eastus2", "DataZoneStandard")
    assert eastus2["quota"]["used"] == {"prod-us": 80, "team-b": 100}
    assert (eastus2["quota"]["limit"], eastus2["quota"]["headroom"], eastus2["quota"]["fits"]) == (450, 270, "yes")
    over = row_of(where_json(capsys, monkeypatch, *base, "--capacity", "271", cwd=repo), "eastus2", "DataZoneStandard")
    assert (over["quota"]["fits"], over["passed"]) == ("no", False)
    (quota,) = [c for c in over["checks"] if c["policy"] == "quota-capacity"]
    assert quota["enforcement"] == "mandatory"
    assert "needs 351 units" in quota["message"]
    assert "plus 100 for other stacks in this subscription (team-b: 100), over the limit of 450" in quota["message"]
