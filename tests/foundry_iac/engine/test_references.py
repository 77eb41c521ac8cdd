"""Every value that names something else resolves or is refused (issue 23): through `foundry-iac check`, a
near miss of any such name (case, whitespace, Unicode look-alikes, typos) is exit 2 with one line at its
file and line, never a pass that silently ignores it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.catalog import load_catalog
from components.content_safety.filter_settings import BUILTIN_FILTERS
from components.roles import BUILTIN_ROLES
from foundry_iac.cli.main import main
from foundry_iac.engine.policy_config import FREE_NAMES, REFERENCES, known_names
from policies.pack import POLICIES
from policies.waivers import TODAY_ENV
from tests.components.test_refs import EDIT, near_miss
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2026-11-23")
    monkeypatch.chdir(ROOT)


@dataclass(frozen=True)
class Site:
    """One place a name is written: the example it is in, the file (stack or config) and the text around it."""

    example: str
    file: str
    fragment: str
    name: str

    def valid(self) -> set[str]:
        """Every name a near miss must not land on (it would then be that other, valid name)."""
        cat = load_catalog()
        names = {*cat.models, *cat.regions, *known_names("approvable model"), *known_names("usage name")}
        names |= {*BUILTIN_ROLES, *BUILTIN_FILTERS, "strict-eu", "none", "EU", "US", "production", "nonproduction"}
        names |= {v for m in cat.models.values() for v in m.versions}
        return names | {"gpt-5.1-ptu", "DeepSeek-V3.2", "grok-4-1-fast-reasoning"}

    def write(self, tmp_path: Path, miss: str) -> tuple[Path, Path]:
        """The example's stack file and policy config, the name replaced by `miss` in one of them."""
        stack = (ROOT / "stacks" / f"Pulumi.{self.example}.yaml").read_text()
        config = (ROOT / "policies" / "config" / f"{self.example}.json").read_text()
        if self.file == "stack":
            assert self.fragment in stack
            key = self.fragment[: self.fragment.rindex(self.name)]
            stack = stack.replace(self.fragment, key + json.dumps(miss), 1)  # YAML reads JSON's escapes
        else:
            assert self.fragment in config
            config = config.replace(self.fragment, self.fragment.replace(f'"{self.name}"', json.dumps(miss)), 1)
        stack_path = tmp_path / f"Pulumi.{self.example}.yaml"
        config_path = tmp_path / f"{self.example}.json"
        stack_path.write_text(stack, encoding="utf-8")
        config_path.write_text(config, encoding="utf-8")
        return stack_path, config_path


SITES = {
    "stack location": Site("prod-us", "stack", "azure-native:location: eastus2", "eastus2"),
    "stack residency": Site("prod-us", "stack", "foundry-iac:residency: US", "US"),
    "deployment model": Site("prod-us", "stack", "- model: grok-4-1-fast-reasoning", "grok-4-1-fast-reasoning"),
    "deployment version": Site("prod-us", "stack", 'version: "2025-11-13"', "2025-11-13"),
    "spillover target": Site("prod-us", "stack", "spilloverTo: gpt-5.1", "gpt-5.1"),
    "member role": Site("prod-us", "stack", "role: Foundry Project Manager", "Foundry Project Manager"),
    "deployment filter": Site("prod-eu", "stack", "contentFilter: strict-eu", "strict-eu"),
    "agent resource region": Site("prod-eu", "stack", "              location: swedencentral", "swedencentral"),
    "approved model": Site("prod-us", "config", '"DeepSeek-V4-Pro": ["2026-04-23"]', "DeepSeek-V4-Pro"),
    "approved version": Site("prod-us", "config", '"DeepSeek-V4-Pro": ["2026-04-23"]', "2026-04-23"),
    "per-model cost cap": Site("prod-us", "config", '"perModel": {"DeepSeek-V3.2"', "DeepSeek-V3.2"),
    "allowed region": Site("prod-us", "config", '"allowedRegions": ["eastus2", "eastus", "westus3"]', "westus3"),
    "agent allowed region": Site("prod-eu", "config", '"allowedRegions": ["swedencentral"]}', "swedencentral"),
    "allowed filter": Site("prod-eu", "config", '"allowedFilters": ["Microsoft.DefaultV2", "strict-eu"]', "strict-eu"),
    "quota limit scope": Site("prod-us", "config", '"limits": {"eastus2"', "eastus2"),
    "quota limit usage name": Site(
        "prod-us", "config", '"OpenAI.DataZoneStandard.gpt-5.1": 450', "OpenAI.DataZoneStandard.gpt-5.1"
    ),
    "residency boundary": Site("prod-us", "config", '"boundary": "US"', "US"),
    "waiver resource": Site(
        "prod-us",
        "config",
        '"resource": "fdy-prod-us-core-deployment-DeepSeek-V3.2"',
        "fdy-prod-us-core-deployment-DeepSeek-V3.2",
    ),
}


def check(capsys, stack: Path, config: Path) -> tuple[int, str]:
    code = main(["check", str(stack), "--policy-config", str(config)])
    return code, capsys.readouterr().err


def assert_refused_at_a_line(code: int, err: str, site: Site, stack: Path, config: Path) -> None:
    where = stack if site.file == "stack" else config
    assert code == 2, err
    assert re.search(rf"^error: {re.escape(str(where))}:\d+: ", err, re.M), err
    assert "Traceback" not in err and "internal error" not in err


def test_the_examples_pass_unchanged(capsys, tmp_path):
    for site in {s.example: s for s in SITES.values()}.values():
        stack, config = site.write(tmp_path, site.name)
        assert check(capsys, stack, config)[0] == 0


@pytest.mark.parametrize("label", list(SITES))
def test_a_name_differing_only_in_case_or_whitespace_is_refused_at_its_line(capsys, tmp_path, label):
    site = SITES[label]
    miss = site.name.swapcase() if site.name.swapcase() != site.name else site.name + " "
    stack, config = site.write(tmp_path, miss)
    code, err = check(capsys, stack, config)
    assert_refused_at_a_line(code, err, site, stack, config)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(list(SITES)), EDIT, st.integers(min_value=0, max_value=60))
def test_no_near_miss_of_any_reference_passes(capsys, tmp_path, label, edit, at):
    site = SITES[label]
    miss = near_miss(site.name, edit, at)
    if miss == site.name or miss in site.valid():
        return  # the edit changed nothing (a swap of equal letters) or landed on another valid name
    stack, config = site.write(tmp_path, miss)
    code, err = check(capsys, stack, config)
    assert_refused_at_a_line(code, err, site, stack, config)


def test_every_setting_that_holds_names_is_resolved_or_declared_free():
    """A new setting whose keys or items are names must join REFERENCES (resolved) or FREE_NAMES."""
    holders = set()
    for policy in POLICIES:
        for setting, schema in (policy.config_schema.properties or {}).items():
            if setting == "waivers" or schema.get("readOnly"):
                continue
            items = schema.get("items") or {}
            names_items = schema.get("type") == "array" and items.get("type", "string") == "string"
            names_keys = schema.get("type") == "object" and "additionalProperties" in schema
            enumerated = "enum" in items or "enum" in (schema.get("propertyNames") or {})  # the schema checks them
            if ((names_items or names_keys) and not enumerated) or setting == "allowedRegions":
                holders.add((policy.name, setting))
    assert holders == set(REFERENCES) | FREE_NAMES


def test_a_waiver_under_a_disabled_policy_is_still_checked(capsys, tmp_path):
    site = SITES["waiver resource"]
    stack, config = site.write(tmp_path, site.name)
    data = json.loads(config.read_text())
    data["residency-deployment-type"]["enforcementLevel"] = "disabled"
    data["residency-deployment-type"]["waivers"][0]["expires"] = "2027-02-30"
    config.write_text(json.dumps(data, indent=2))
    code, err = check(capsys, stack, config)
    assert code == 2 and "residency-deployment-type.waivers[0].expires: '2027-02-30' is not a real date" in err
    data["residency-deployment-type"]["waivers"][0] = {"resource": "x", "reason": "short"}
    config.write_text(json.dumps(data, indent=2))
    code, err = check(capsys, stack, config)
    assert code == 2 and "every waiver needs an expiry" in err and "at least 10 characters" in err


def test_a_disabled_policy_needs_no_settings(capsys, tmp_path):
    site = SITES["approved model"]
    stack, config = site.write(tmp_path, site.name)
    data = json.loads(config.read_text())
    data["approved-models"] = "disabled"  # its required approvedModels is not needed
    config.write_text(json.dumps(data))
    assert check(capsys, stack, config)[0] == 0


def test_the_region_key_with_a_trailing_space_is_refused_not_normalised(capsys, tmp_path):
    site = SITES["quota limit scope"]
    stack, config = site.write(tmp_path, "eastus2 ")
    code, err = check(capsys, stack, config)
    (line,) = err.splitlines()
    at = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if '"eastus2 "' in text)
    assert code == 2 and line == (
        f"error: {config}:{at}: quota-capacity.limits.eastus2 : unknown quota scope 'eastus2 ' (has whitespace "
        "around it; names must match exactly); did you mean 'eastus2' or 'eastus' or 'westus2'?; a region name, "
        "dataZone:EU, dataZone:US or subscription"
    )


def test_a_cost_cap_for_a_model_in_other_case_is_refused(capsys, tmp_path):
    site = SITES["per-model cost cap"]
    stack, config = site.write(tmp_path, "deepseek-v3.2")
    code, err = check(capsys, stack, config)
    assert (
        code == 2 and "deployment-cost-ceiling.perModel.deepseek-v3.2: unknown model 'deepseek-v3.2' (differs in" in err
    )
    assert "did you mean 'DeepSeek-V3.2'" in err


def test_a_cost_cap_for_a_model_the_catalog_lacks_is_refused_however_unlike_any_it_is(capsys, tmp_path):
    site = SITES["per-model cost cap"]
    stack, config = site.write(tmp_path, "in-house-model")  # the catalog is a closed set: no near miss needed
    code, err = check(capsys, stack, config)
    assert code == 2 and "unknown model 'in-house-model'" in err


def test_an_allowed_filter_the_stack_does_not_define_is_allowed_but_a_near_miss_is_not(capsys, tmp_path):
    site = SITES["allowed filter"]
    stack, config = site.write(tmp_path, site.name)
    config.write_text(config.read_text().replace('"strict-eu"]', '"strict-eu", "team-approved-filter"]'))
    assert check(capsys, stack, config)[0] == 0  # a filter the stack may add later: no near miss
    stack, config = site.write(tmp_path, "Strict-EU")
    code, err = check(capsys, stack, config)
    assert code == 2 and "unknown content filter 'Strict-EU' (differs in case" in err


@pytest.mark.parametrize(
    "key, value",
    [
        ("azure-native:subscriptionId", "4d8a1c6e-9b2f-4e7d-a3c5-1f6b8e0d2c97"),
        ("azure-native:location", "eastus2"),
        ("foundry-iac:resourceGroup", "rg-foundry-prod-us"),
    ],
)
def test_a_secret_that_places_the_stack_is_refused_with_the_reason(capsys, tmp_path, key, value):
    text = (ROOT / "stacks" / "Pulumi.prod-us.yaml").read_text()
    text = text.replace(f"  {key}: {value}\n", f"  {key}:\n    secure: v1:AAAABBBBCCCCDDDD\n")
    stack = tmp_path / "Pulumi.prod-us.yaml"
    stack.write_text(text)
    code = main(["check", str(stack), "--policy-config", "policies/config/prod-us.json"])
    err = capsys.readouterr().err
    (line,) = err.splitlines()
    assert code == 2 and line.startswith(f"error: {stack}:")
    assert "places the stack, so it must not be secret: the gate and the cross-stack quota ledger must read it" in line


def test_an_account_location_written_as_a_secret_is_refused_alone(capsys, tmp_path):
    text = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text()
    text = text.replace("              location: swedencentral\n", "              location: {secure: v1:AAAA}\n", 1)
    stack = tmp_path / "Pulumi.prod-eu.yaml"
    stack.write_text(text)
    code = main(["check", str(stack), "--policy-config", "policies/config/prod-eu.json"])
    (line,) = capsys.readouterr().err.splitlines()  # the placeholder's "unknown region" is not said as well
    assert code == 2 and ".agents.cosmosDb.location: places the stack" in line


def snapshot_text(region: str, usage: str) -> str:
    data = {
        "subscription": "4d8a1c6e-9b2f-4e7d-a3c5-1f6b8e0d2c97",
        "syncedAt": "2026-11-20T08:00:00Z",
        "apiVersion": "2025-06-01",
        "endpoint": "https://management.azure.com",
        "regions": {
            region: {
                "usages": {
                    usage: {"limit": 10, "current": 0, "unit": "Count"},
                    "OpenAI.Some.usage-the-catalog-does-not-know": {"limit": 5, "current": 0},
                },
            }
        },
    }
    return json.dumps(data, indent=2)


@pytest.mark.parametrize(
    "region, usage, expected",
    [
        (
            "eastus2 ",
            "OpenAI.GlobalStandard.gpt-5.1",
            ":7: regions.eastus2 : unknown region 'eastus2 ' (has whitespace",
        ),
        ("eastus2", "openai.globalstandard.gpt-5.1", ":9: regions.eastus2.usages: unknown usage name "),
        ("eastus2", "OpenAI.GlobalStandard.gpt\u20105.1", ":9: regions.eastus2.usages: unknown usage name "),
    ],
)
def test_a_quota_snapshot_key_that_only_looks_right_is_refused_at_its_line(tmp_path, region, usage, expected):
    from foundry_iac.engine.quota_snapshot import SnapshotError, load_snapshot

    path = tmp_path / "snap.json"
    path.write_text(snapshot_text(region, usage))
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path, "quotas/x.json")
    (line,) = caught.value.lines()
    assert line.startswith("quotas/x.json" + expected), line


def test_a_quota_snapshot_keeps_the_usage_names_azure_reports_beyond_the_catalog(tmp_path):
    from foundry_iac.engine.quota_snapshot import load_snapshot

    path = tmp_path / "snap.json"
    path.write_text(snapshot_text("eastus2", "OpenAI.GlobalStandard.gpt-5.1"))
    snapshot = load_snapshot(path, "quotas/x.json")
    assert snapshot.limit("eastus2", "OpenAI.Some.usage-the-catalog-does-not-know").limit == 5


def limits_config(tmp_path: Path, example: str, scope: str, usage: str) -> Path:
    data = json.loads((ROOT / "policies" / "config" / f"{example}.json").read_text())
    data["quota-capacity"]["limits"][scope] = {usage: 1}
    config = tmp_path / f"{example}.json"
    config.write_text(json.dumps(data, indent=2))
    return config


@pytest.mark.parametrize(
    "scope, usage, pooled",
    [
        ("dataZone:EU", "OpenAI.DataZoneStandard.gpt-4o", "per data zone"),
        ("dataZone:US", "OpenAI.DataZoneStandard.gpt-4o", "per data zone"),
        ("subscription", "OpenAI.Standard.text-embedding-3-large", "per subscription"),
    ],
)
def test_a_limit_under_a_scope_the_catalog_does_not_pool_that_usage_in_is_refused(
    capsys, tmp_path, scope, usage, pooled
):
    assert {o.quota_scope for m in load_catalog().models.values() for o in m.offers if o.usage_name == usage} == {
        "region"
    }
    config = limits_config(tmp_path, "prod-eu", scope, usage)
    code, err = check(capsys, ROOT / "stacks" / "Pulumi.prod-eu.yaml", config)
    at = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if f'"{scope}"' in text) + 1
    (line,) = err.splitlines()
    assert code == 2 and line.startswith(f"error: {config}:{at}: quota-capacity.limits.{scope}.{usage}: "), line
    assert (
        f"no deployment of '{usage}' is pooled {pooled} (the catalog's quotaScope: Azure pools it per region)" in line
    )
    # the fix names the region the stack's deployments are counted in first
    assert "so this limit would never apply; move it under a region key where it is deployed (swedencentral, " in line


def test_the_same_limit_under_the_stacks_region_applies(capsys, tmp_path):
    config = limits_config(tmp_path, "prod-eu", "swedencentral", "OpenAI.DataZoneStandard.gpt-4o")
    code = main(["check", str(ROOT / "stacks" / "Pulumi.prod-eu.yaml"), "--policy-config", str(config)])
    out = capsys.readouterr().out
    assert code == 1 and "over the limit of 1 (policy config limits)" in out


def test_a_limit_under_a_pooled_scope_applies_when_the_catalog_pools_the_usage_there(monkeypatch, capsys, tmp_path):
    import foundry_iac.engine.policy_config as policy_config

    catalog = load_catalog().model_copy(deep=True)  # the cached catalog stays as it is
    usage = "OpenAI.DataZoneStandard.gpt-4o"
    offers = [o for m in catalog.models.values() for o in m.offers if o.usage_name == usage]
    pooled = [o.model_copy(update={"quota_scope": "dataZone"}) for o in offers]
    for model in catalog.models.values():
        model.offers[:] = [pooled[offers.index(o)] if o in offers else o for o in model.offers]
    monkeypatch.setattr(policy_config, "load_catalog", lambda: catalog)
    assert policy_config.pool_problem("dataZone:EU", usage) is None
    problem = policy_config.pool_problem("swedencentral", usage)
    assert problem and "is pooled per region (the catalog's quotaScope: Azure pools it per data zone)" in problem
    assert problem.endswith("move it under dataZone:EU or dataZone:US")


@pytest.mark.parametrize("where", ["scope", "usage"])
def test_a_huge_key_under_limits_gives_a_short_error_line(capsys, tmp_path, where):
    huge = "X" * 900_000
    data = json.loads((ROOT / "policies" / "config" / "prod-eu.json").read_text())
    if where == "scope":
        data["quota-capacity"]["limits"][huge] = {"a": 1}
    else:
        data["quota-capacity"]["limits"]["swedencentral"][huge] = 1
    config = tmp_path / "prod-eu.json"
    config.write_text(json.dumps(data))
    code, err = check(capsys, ROOT / "stacks" / "Pulumi.prod-eu.yaml", config)
    assert code == 2 and err and all(len(line) < 1000 for line in err.splitlines()), [len(x) for x in err.splitlines()]
    assert "'XXXXXXXXXXXXXXXXXXXXXXXXXXX...XXXXXXXXXXXXXXXXXXXXXXXXXXXX'" in err


def test_a_huge_unknown_setting_gives_a_short_error_line(capsys, tmp_path):
    data = json.loads((ROOT / "policies" / "config" / "prod-eu.json").read_text())
    data["quota-capacity"]["Z" * 900_000] = 1
    config = tmp_path / "prod-eu.json"
    config.write_text(json.dumps(data))
    code, err = check(capsys, ROOT / "stacks" / "Pulumi.prod-eu.yaml", config)
    assert code == 2 and "unknown setting 'ZZZZ" in err and all(len(line) < 1000 for line in err.splitlines())


def snapshot_refusal(tmp_path, usage: str) -> str:
    """The one line a snapshot holding `usage` in eastus2 is refused with."""
    from foundry_iac.engine.quota_snapshot import SnapshotError, load_snapshot

    path = tmp_path / "snap.json"
    path.write_text(snapshot_text("eastus2", usage))
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path, "quotas/x.json")
    (line,) = caught.value.lines()
    return line


@pytest.mark.parametrize(
    "usage, nearest",
    [
        ("OpenAI.GlobalStandard.gpt4o", "OpenAI.GlobalStandard.gpt-4o"),
        ("OpenAI.DataZoneStandard.gpt4o", "OpenAI.DataZoneStandard.gpt-4o"),
        ("OpenAI.Standard.gpt-4.1", "OpenAI.Standard.gpt4.1"),
        ("OpenAI.GlobalStandard.gpt_5.1", "OpenAI.GlobalStandard.gpt-5.1"),
    ],
)
def test_a_snapshot_usage_name_differing_only_in_separators_is_refused_with_the_nearest(tmp_path, usage, nearest):
    line = snapshot_refusal(tmp_path, usage)
    assert line.startswith(f"quotas/x.json:9: regions.eastus2.usages: unknown usage name {usage!r}"), line
    assert f"did you mean {nearest!r}" in line


@pytest.mark.parametrize(
    "usage,why",
    [
        ("AIServices.DataZoneStandard.grok-4.7\u001b", "it holds '\\x1b' (U+001B)"),
        ("AIServices.DataZoneStandard.grok-4.7\u0000", "it holds '\\x00' (U+0000)"),
        ("AIServices.DataZoneStandard.grok-4.7 (x)", "it holds ' ' (U+0020)"),
        ("AIServices.DataZoneStandard.grok-4.7\u00e9", "it holds '\u00e9' (U+00E9)"),
        ("AlServices.DataZoneStandard.grok-4.7", "unknown provider part 'AlServices'; did you mean 'AIServices'?"),
        ("OpenAl.GlobalStandard.gpt-5.3", "unknown provider part 'OpenAl'; did you mean 'OpenAI'?"),
        ("OpenAI.GlobalStandrd.gpt-5.3", "unknown deployment type part 'GlobalStandrd'; did you mean 'GlobalStandard'"),
        ("OpenAI.GlobalProvisionedManagd", "unknown deployment type part 'GlobalProvisionedManagd'; did you mean "),
        ("AIServices.DataZoneStandard.grok-4.7" + " " * 200, "it holds ' ' (U+0020)"),
        ("AIServices.DataZoneStandard.grok-4.7" + "x" * 200, "longer than 200 characters, as no usage name Azure"),
    ],
    ids=["escape", "nul", "suffix", "non-ascii", "l-for-i", "openal", "type-typo", "ptu-pool-typo", "padded", "long"],
)
def test_a_snapshot_usage_name_no_azure_name_could_be_is_refused_at_its_line(tmp_path, usage, why):
    # these passed before: the catalog's pool then had no limit of its own and was judged at the catalog default
    line = snapshot_refusal(tmp_path, usage)
    from components.text import short

    assert line.startswith(f"quotas/x.json:9: regions.eastus2.usages: unknown usage name {short(usage)}: {why}"), line
    assert line.endswith("re-create the snapshot with `foundry-iac quota sync`, or correct the key"), line


@pytest.mark.parametrize(
    "usage",
    [
        "OpenAI.GlobalStandard.gpt-5.3",  # a version the catalog does not know yet
        "OpenAI.GlobalStandard.o3-mini",
        "OpenAI.Standard.gpt-4",
        "OpenAI.GlobalStandard.gpt-4o-0513",
        "OpenAI.DataZoneStandard.gpt-4.1-dz",
        "OpenAI.GlobalBatch.gpt-4.1-nano",
        "OpenAI.Standard.gpt4.1",  # the catalog's own spelling (Azure's, without the hyphen)
        "OpenAI.GlobalStandard.gpt-4o",
    ],
)
def test_a_snapshot_keeps_real_usage_names_that_differ_by_more_than_separators(tmp_path, usage):
    from foundry_iac.engine.quota_snapshot import load_snapshot

    path = tmp_path / "snap.json"
    path.write_text(snapshot_text("eastus2", usage))
    assert load_snapshot(path, "quotas/x.json").limit("eastus2", usage).limit == 10


def test_a_snapshot_usage_name_the_models_api_itself_reports_is_kept(tmp_path):
    from foundry_iac.engine.quota_snapshot import load_snapshot

    data = json.loads(snapshot_text("eastus2", "OpenAI.Standard.gpt-4.1"))
    data["regions"]["eastus2"]["capacities"] = [
        {"model": "gpt-4.1", "version": "2025-04-14", "sku": "Standard", "usageName": "OpenAI.Standard.gpt-4.1"}
    ]
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(data))
    assert load_snapshot(path, "quotas/x.json").limit("eastus2", "OpenAI.Standard.gpt-4.1").limit == 10


def test_a_snapshot_value_of_the_wrong_shape_is_named_with_its_field_and_line(tmp_path):
    from foundry_iac.engine.quota_snapshot import SnapshotError, load_snapshot

    path = tmp_path / "snap.json"
    path.write_text(snapshot_text("eastus2", "OpenAI.GlobalStandard.gpt-4o").replace('"limit": 10', '"limit": -1'))
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path, "quotas/x.json")
    assert caught.value.lines() == [
        "quotas/x.json:10: not a quota snapshot (regions.eastus2.usages.OpenAI.GlobalStandard.gpt-4o.limit: Input "
        "should be greater than or equal to 0); re-create it with `foundry-iac quota sync`"
    ]
