"""Policy config errors: file, line and fix, one line each."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from foundry_iac.engine.policy_config import PolicyConfigError, load_policy_config
from policies.pack import POLICIES
from tests.conftest import BASE_POLICY_CONFIG, ROOT


def errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path, "policies/config/p.json", POLICIES)
    return err.value.messages


def pretty(config: dict) -> str:
    return json.dumps(config, indent=2)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("stack", ["dev", "prod-eu", "prod-us"])
def test_example_policy_configs_load(stack):
    settings = load_policy_config(ROOT / "policies" / "config" / f"{stack}.json", stack, POLICIES)
    assert set(settings) == {p.name for p in POLICIES}


def test_unknown_policy_id_names_file_line_and_fix(tmp_path):
    config = {**BASE_POLICY_CONFIG, "residency-deployment-typo": {"boundary": "EU"}}
    (message,) = errors(tmp_path, pretty(config))
    line = line_of(pretty(config), "residency-deployment-typo")
    assert message == (
        f"policies/config/p.json:{line}: unknown policy 'residency-deployment-typo'; "
        "did you mean 'residency-deployment-type'?"
    )


def test_waiver_without_expiry_is_an_error(tmp_path):
    config = {
        **BASE_POLICY_CONFIG,
        "residency-deployment-type": {
            "boundary": "EU",
            "waivers": [{"resource": "x", "reason": "because of a good reason", "approver": "a"}],
        },
    }
    (message,) = errors(tmp_path, pretty(config))
    line = line_of(pretty(config), '"waivers"') + 1  # the waiver object itself
    assert message == (
        f"policies/config/p.json:{line}: residency-deployment-type.waivers[0]: every waiver needs an "
        'expiry: add "expires": "YYYY-MM-DD"'
    )


@pytest.mark.parametrize(
    "waiver,expected",
    [
        ({"resource": "x", "approver": "a", "expires": "2027-01-01"}, "every waiver needs a reason"),
        ({"resource": "x", "reason": "short", "approver": "a", "expires": "2027-01-01"}, "must say why"),
        (
            {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "next year"},
            "expires must be a date YYYY-MM-DD (got 'next year')",
        ),
        (
            {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "2027-02-30"},
            "'2027-02-30' is not a real date",
        ),
        (  # a waiver that never expires in practice is not a dated exception
            {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "9999-12-31"},
            "expires: 9999-12-31 is outside the dates foundry-iac judges (2000-01-01 to 2999-12-31); use YYYY-MM-DD",
        ),
        (
            {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "0001-01-01"},
            "0001-01-01 is outside the dates foundry-iac judges",
        ),
    ],
)
def test_bad_waivers_are_errors(tmp_path, waiver, expected):
    config = {**BASE_POLICY_CONFIG, "cost-budget": {"maxBudgetUsd": 5, "waivers": [waiver]}}
    assert any(expected in m for m in errors(tmp_path, pretty(config)))


def test_misspelt_setting_is_an_error_not_silently_ignored(tmp_path):
    config = {**BASE_POLICY_CONFIG, "cost-budget": {"maxBudgetUSD": 5}}
    found = errors(tmp_path, pretty(config))
    assert any("unknown setting 'maxBudgetUSD'; did you mean 'maxBudgetUsd'?" in m for m in found)
    assert any('cost-budget needs "maxBudgetUsd": add it' in m for m in found)


def test_bad_enforcement_level(tmp_path):
    found = errors(tmp_path, pretty({**BASE_POLICY_CONFIG, "content-filter": "strict"}))
    assert any(
        "content-filter.enforcementLevel" in m
        and "must be one of advisory, mandatory, remediate, disabled (got 'strict')" in m
        for m in found
    )


def test_invalid_json_names_the_line(tmp_path):
    # Python 3.13's parser names the trailing comma itself (line 2); older ones the brace after it (line 3)
    line = 2 if sys.version_info >= (3, 13) else 3
    message = errors(tmp_path, '{\n  "all": "mandatory",\n}\n')[0]
    assert message.startswith(f"policies/config/p.json:{line}: not valid JSON"), message


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(tmp_path / "nope.json", "policies/config/nope.json", POLICIES)
    assert "create it (copy policies/config/dev.json) or pass --policy-config FILE" in err.value.messages[0]


def settings_of(tmp_path: Path, config: dict):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(config))
    return load_policy_config(path, "p.json", POLICIES)


def test_all_sets_the_level_of_every_policy_the_config_does_not_level_itself(tmp_path):
    config = {
        **BASE_POLICY_CONFIG,
        "all": "advisory",
        "content-filter": "mandatory",
        "cost-budget": {"enforcementLevel": "disabled", "maxBudgetUsd": 1},
    }
    settings = settings_of(tmp_path, config)
    assert settings["content-filter"].enforcement == "mandatory"
    assert settings["cost-budget"].enforcement == "disabled"
    assert settings["managed-identity"].enforcement == "advisory"  # {} takes `all`
    assert settings["account-reachable"].enforcement == "advisory"  # not named at all: takes `all`


def test_without_all_each_policy_keeps_the_packs_level(tmp_path):
    config = {k: v for k, v in BASE_POLICY_CONFIG.items() if k not in ("all", "cmk-required", "account-reachable")}
    settings = settings_of(tmp_path, config)
    assert settings["cmk-required"].enforcement == "disabled"  # the pack's default for cmk-required
    assert settings["account-reachable"].enforcement == "mandatory"
    assert settings["managed-identity"].enforcement == "mandatory"


def test_settings_know_their_lines(tmp_path):
    config = {k: v for k, v in BASE_POLICY_CONFIG.items() if k != "cost-budget"}
    text = json.dumps(config, indent=2)[:-2] + ',\n  "cost-budget": {\n    "maxBudgetUsd": 5\n  }\n}\n'
    path = tmp_path / "p.json"
    path.write_text(text)
    settings = load_policy_config(path, "p.json", POLICIES)
    first = line_of(text, '"cost-budget"')
    assert settings["cost-budget"].location("maxBudgetUsd") == f"p.json:{first + 1}"
    assert settings["cost-budget"].location("basis") == f"p.json:{first}"  # not written: the policy's entry


def config_text(extra: dict) -> str:
    """BASE_POLICY_CONFIG with some policies' settings replaced, as a platform engineer would write it."""
    config = {**BASE_POLICY_CONFIG}
    for policy, settings in extra.items():
        written = config.get(policy)
        config[policy] = {**(written if isinstance(written, dict) else {}), **settings}
    return pretty(config)


def _region_choices() -> list[str]:
    (policy,) = [p for p in POLICIES if p.name == "allowed-regions"]
    return list(policy.config_schema.properties["allowedRegions"]["items"]["enum"])


def _waiver(**fields: str) -> dict:
    return {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "2027-01-01", **fields}


@pytest.mark.parametrize(
    "extra, needle, expected",
    [
        (
            {"cost-budget": {"maxBudgetUsd": "five"}},
            '"maxBudgetUsd"',
            "cost-budget.maxBudgetUsd: must be a number (got 'five')",
        ),
        (
            {"model-lifecycle": {"deprecated": "block"}},
            '"deprecated"',
            "model-lifecycle.deprecated: must be one of mandatory, advisory (got 'block')",
        ),
        (  # more choices than a line holds: the first twelve, then "..."
            {"allowed-regions": {"allowedRegions": ["mars"]}},
            '"mars"',
            f"allowed-regions.allowedRegions[0]: must be one of {', '.join(_region_choices()[:12])}, ... (got 'mars')",
        ),
        ({"model-lifecycle": {"warnDays": -1}}, '"warnDays"', "model-lifecycle.warnDays: must be >= 0 (got -1)"),
        ({"model-lifecycle": {"warnDays": 4000}}, '"warnDays"', "model-lifecycle.warnDays: must be <= 3650 (got 4000)"),
        ({"cost-budget": {"maxBudgetUsd": 0}}, '"maxBudgetUsd"', "cost-budget.maxBudgetUsd: must be > 0 (got 0)"),
        (
            {"allowed-regions": {"allowedRegions": []}},
            '"allowedRegions"',
            "allowed-regions.allowedRegions: must list at least 1 entry",
        ),
        (
            {"cost-budget": {"maxBudgetUsd": 5, "waivers": [_waiver(resource="")]}},
            '"resource": ""',
            "cost-budget.waivers[0].resource: must have at least 1 character",
        ),
        (  # a pattern with a description: the description says what is wanted, never the regular expression
            {"cost-budget": {"maxBudgetUsd": 5, "waivers": [_waiver(approver="-")]}},
            '"approver": "-"',
            "cost-budget.waivers[0].approver: '-' is not a name (who approved the waiver) with at least one letter "
            "or digit",
        ),
    ],
)
def test_each_kind_of_schema_error_is_one_whole_line_at_the_setting(tmp_path, extra, needle, expected):
    text = config_text(extra)
    assert errors(tmp_path, text) == [f"policies/config/p.json:{line_of(text, needle)}: {expected}"]


def _schema_error(schema: dict, value: object) -> str:
    import jsonschema

    from foundry_iac.engine.policy_config import _describe

    (error,) = jsonschema.Draft7Validator(schema).iter_errors(value)
    return _describe(error)


def _choices(count: int) -> list[str]:
    return [f"c{i:02}" for i in range(count)]


@pytest.mark.parametrize(
    "schema, value, expected",
    [
        ({"type": ["number", "string"]}, [1], "must be a number or text (got [1])"),
        ({"type": "integer"}, 1.5, "must be a whole number (got 1.5)"),
        ({"type": "null"}, 1, "must be null (got 1)"),  # a type without words of its own keeps its name
        ({"enum": _choices(12)}, "x", f"must be one of {', '.join(_choices(12))} (got 'x')"),
        ({"enum": _choices(13)}, "x", f"must be one of {', '.join(_choices(12))}, ... (got 'x')"),
        ({"exclusiveMaximum": 10}, 10, "must be < 10 (got 10)"),
        ({"minItems": 2}, [1], "must list at least 2 entries"),
        ({"maxItems": 1}, [1, 2], "is longer than the 1 allowed"),
        ({"maxLength": 3}, "abcd", "is longer than the 3 allowed"),
        ({"minLength": 2}, "a", "must have at least 2 characters"),
        ({"pattern": "^[a-z]+$"}, "A1", "'A1' does not match the pattern ^[a-z]+$"),
        ({"pattern": "^[a-z]+$", "description": "a lower-case word"}, "A1", "'A1' is not a lower-case word"),
        # a kind without words of its own: jsonschema's message, quoted and kept short
        ({"const": "x"}, "y", "\"'x' was expected\""),
    ],
)
def test_a_schema_error_of_any_kind_a_policy_schema_may_state_reads_as_a_short_sentence(schema, value, expected):
    """Every JSON-schema keyword a policy's config schema may use, including those no policy uses today."""
    assert _schema_error(schema, value) == expected


def _catalog_pooling(usage: str, regions: list[str] | str, *scopes: str):
    """The catalog with `usage` counted per region in `regions`, and also under each of `scopes`."""
    from components.catalog import load_catalog

    catalog = load_catalog().model_copy(deep=True)  # the cached catalog stays as it is
    for model in catalog.models.values():
        offers: list = []
        for offer in model.offers:
            if offer.usage_name != usage:
                offers.append(offer)
                continue
            offers.append(offer.model_copy(update={"regions": regions, "quota_scope": "region"}))
            offers += [offer.model_copy(update={"quota_scope": scope}) for scope in scopes]
        model.offers[:] = offers  # the entry is frozen, its list is not
    return catalog


USAGE = "OpenAI.DataZoneStandard.gpt-4o"


def test_a_misplaced_limit_names_the_stacks_regions_first_then_a_few_more_and_every_other_pool(monkeypatch):
    import foundry_iac.engine.policy_config as policy_config

    regions = ["westus", "eastus2", "swedencentral", "japaneast", "francecentral", "uksouth"]
    monkeypatch.setattr(policy_config, "load_catalog", lambda: _catalog_pooling(USAGE, regions, "subscription"))
    problem = policy_config.pool_problem("dataZone:EU", USAGE, ["uksouth", "nowhere", "uksouth", "eastus2"])
    assert problem == (
        f"no deployment of '{USAGE}' is pooled per data zone (the catalog's quotaScope: Azure pools it per region "
        "and per subscription), so this limit would never apply; move it under a region key where it is deployed "
        "(uksouth, eastus2, francecentral, japaneast and 2 more) or subscription"
    )


def test_a_misplaced_limit_of_an_offer_in_every_region_names_the_catalogs_regions(monkeypatch):
    import foundry_iac.engine.policy_config as policy_config

    catalog = _catalog_pooling(USAGE, "all")
    monkeypatch.setattr(policy_config, "load_catalog", lambda: catalog)
    everywhere = sorted(catalog.regions)
    problem = policy_config.pool_problem("subscription", USAGE)
    assert problem and problem.endswith(
        f"move it under a region key where it is deployed ({', '.join(everywhere[:4])} and {len(everywhere) - 4} more)"
    )


def at_key(text: str, key: str) -> str:
    """'file:line' of the first line writing `key`."""
    return f"policies/config/p.json:{line_of(text, chr(34) + key + chr(34))}"


@pytest.mark.parametrize("missing", ["approver", "resource"])
def test_a_waiver_without_an_approver_or_resource_says_what_to_add(tmp_path, missing):
    waiver = {k: v for k, v in _waiver().items() if k != missing}
    text = config_text({"cost-budget": {"maxBudgetUsd": 5, "waivers": [waiver]}})
    (message,) = errors(tmp_path, text)
    line = line_of(text, '"waivers"') + 1  # the waiver object itself
    article = {"approver": "an", "resource": "a"}[missing]
    assert message == (
        f"policies/config/p.json:{line}: cost-budget.waivers[0]: "
        f'every waiver needs {article} {missing}: add "{missing}": "..."'
    )


@pytest.mark.parametrize(
    "unknown, named",
    [
        ({"zeta": 1, "alpha": 2}, "'alpha', 'zeta'"),
        ({f"k{i}": 1 for i in range(5)}, "'k0', 'k1', 'k2', 'k3'"),  # a few, never every one
    ],
)
def test_unknown_settings_are_named_on_one_line_with_what_is_allowed(tmp_path, unknown, named):
    text = config_text({"cost-budget": {"maxBudgetUsd": 5, **unknown}})
    assert errors(tmp_path, text) == [
        f"{at_key(text, 'cost-budget')}: cost-budget: unknown setting {named}; "
        "allowed: maxBudgetUsd,basis,inputShare,waivers,enforcementLevel"
    ]


def test_an_unknown_setting_whose_name_quotes_a_known_one_is_named_whole_with_the_known_one_suggested(tmp_path):
    text = config_text({"cost-budget": {"maxBudgetUsd": 5, "x'maxBudgetUsd'y": 1}})
    assert errors(tmp_path, text) == [  # the key whole, quoted as Python quotes it, never cut at its own quote
        f"{at_key(text, 'cost-budget')}: cost-budget: unknown setting \"x'maxBudgetUsd'y\"; "
        "did you mean 'maxBudgetUsd'?"
    ]


def test_an_unknown_setting_next_to_one_a_pattern_allows_is_named_alone():
    """A schema may allow keys by pattern (patternProperties): only the key no pattern allows is unknown."""
    import jsonschema

    from foundry_iac.engine.policy_config import _fix

    schema = {
        "type": "object",
        "properties": {"a": {}},
        "patternProperties": {"^x-": {}},
        "additionalProperties": False,
    }
    (error,) = jsonschema.Draft7Validator(schema).iter_errors({"a": 1, "x-ok": 1, "zz": 1})
    assert _fix(error, POLICIES[0]) == "unknown setting 'zz'; allowed: a"


def test_an_object_schema_that_lists_no_settings_refuses_every_key_on_one_line():
    """A policy may state an object of no settings at all: every key is unknown, none is allowed."""
    import jsonschema

    from foundry_iac.engine.policy_config import _fix

    (error,) = jsonschema.Draft7Validator({"type": "object", "additionalProperties": False}).iter_errors({"x": 1})
    assert _fix(error, POLICIES[0]) == "unknown setting 'x'; this policy takes no settings"


@pytest.mark.parametrize(
    "field, value, expected",
    [  # a waiver's expiry or reason of the wrong type is a type error, not a bad date or a short reason
        ("expires", 20270101, "expires: must be text (got 20270101)"),
        ("reason", 5, "reason: must be text (got 5)"),
    ],
)
def test_a_waiver_field_of_the_wrong_type_says_so(tmp_path, field, value, expected):
    text = config_text({"cost-budget": {"maxBudgetUsd": 5, "waivers": [_waiver(**{field: value})]}})
    assert errors(tmp_path, text) == [f"{at_key(text, field)}: cost-budget.waivers[0].{expected}"]


def test_a_short_reason_says_why_it_must_be_longer_and_what_it_must_hold(tmp_path):
    text = config_text({"cost-budget": {"maxBudgetUsd": 5, "waivers": [_waiver(reason="short")]}})
    at = f"{at_key(text, 'reason')}: cost-budget.waivers[0].reason"
    assert errors(tmp_path, text) == [
        f"{at}: a waiver's reason must say why (at least 10 characters)",
        f"{at}: 'short' is not a reason of at least 10 letters or digits",
    ]


@pytest.mark.parametrize(
    "scope, shown",
    [("s" * 60, "s" * 60), ("s" * 61, f"'{'s' * 27}...{'s' * 28}'")],  # a key over 60 characters: a short quote
)
def test_a_long_key_is_shown_whole_up_to_sixty_characters_in_an_errors_path(tmp_path, scope, shown):
    text = config_text({"quota-capacity": {"limits": {scope: {"OpenAI.DataZoneStandard.gpt-4o": 1}}}})
    (message,) = errors(tmp_path, text)
    assert message.startswith(f"policies/config/p.json:{line_of(text, scope)}: quota-capacity.limits.{shown}: ")


@pytest.mark.parametrize(
    "extra, name, head, fix",
    [
        (
            {"approved-models": {"approvedModels": {"gpt-4o": [], "gpt-4q": []}}},
            "gpt-4q",
            "approved-models.approvedModels.gpt-4q: unknown approvable model 'gpt-4q'; did you mean",
            "write the catalog's name (components/catalog.json), or a router's routed model as its documentation "
            "names it",
        ),
        (
            {"quota-capacity": {"limits": {"swedencentral": {"OpenAI.Standard.gpt-4x": 1}}}},
            "OpenAI.Standard.gpt-4x",
            "quota-capacity.limits.swedencentral.OpenAI.Standard.gpt-4x: unknown usage name 'OpenAI.Standard.gpt-4x'",
            "write the usage name as Azure spells it (the catalog's usageName; `foundry-iac quota show` lists them)",
        ),
    ],
)
def test_an_unknown_name_in_a_setting_is_refused_at_the_line_of_the_name(tmp_path, extra, name, head, fix):
    text = config_text(extra)
    (message,) = errors(tmp_path, text)
    assert message.startswith(f"{at_key(text, name)}: {head}")
    assert message.endswith(f"; {fix}")


def test_an_unknown_version_of_an_approved_model_is_refused_at_its_item_with_the_fix(tmp_path):
    text = config_text({"approved-models": {"approvedModels": {"gpt-4o": ["2024-11-20", "1999-01-01"]}}})
    (message,) = errors(tmp_path, text)
    assert message.startswith(
        f"{at_key(text, '1999-01-01')}: approved-models.approvedModels.gpt-4o[1]: unknown version of gpt-4o "
        "'1999-01-01'; known: "
    )
    assert message.endswith("; approve a version the catalog lists, or run `foundry-iac catalog sync`")


@pytest.mark.parametrize("filters", [["strict-filter"], None])
def test_an_allowed_filter_is_judged_against_the_stacks_own_filters_only_when_they_are_known(tmp_path, filters):
    """Without the stack's filters (its file did not load, and says so itself) allowedFilters is not judged."""
    # both near misses: of the stack's own filter, and of a built-in one (judged only when the stack's are known)
    filtres = ["Microsoft.DefaultV2", "strict-filtre", "microsoft.defaultv2"]
    text = config_text({"content-filter": {"allowedFilters": filtres}})
    path = tmp_path / "p.json"
    path.write_text(text)
    if filters is None:
        assert load_policy_config(path, "policies/config/p.json", POLICIES, filters)["content-filter"].config
        return
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path, "policies/config/p.json", POLICIES, filters)
    assert err.value.messages == [
        f"{at_key(text, 'strict-filtre')}: content-filter.allowedFilters[1]: unknown content filter 'strict-filtre'; "
        "did you mean 'strict-filter'?; write the filter's name exactly as the stack's contentFilters or Azure's "
        "built-in ones",
        f"{at_key(text, 'microsoft.defaultv2')}: content-filter.allowedFilters[2]: unknown content filter "
        "'microsoft.defaultv2' (differs in case; names must match exactly); did you mean 'Microsoft.DefaultV2' or "
        "'Microsoft.Default'?; write the filter's name exactly as the stack's contentFilters or Azure's built-in ones",
    ]


def test_a_kind_of_name_the_loader_does_not_know_is_a_programming_error_naming_the_kind():
    """A REFERENCES entry added with a new kind but no list of names fails loudly, saying which kind."""
    from foundry_iac.engine.policy_config import known_names

    with pytest.raises(ValueError, match="^model family$"):
        known_names("model family")


def test_an_unknown_level_for_all_is_one_line_at_all_with_the_levels(tmp_path):
    text = pretty({**BASE_POLICY_CONFIG, "all": "strict"})
    assert errors(tmp_path, text) == [
        f"{at_key(text, 'all')}: all: unknown enforcement level 'strict'; use one of advisory, mandatory, remediate, "
        "disabled"
    ]


def test_a_limit_under_an_unknown_scope_gets_one_line_about_the_scope_not_a_guess_about_its_pool(monkeypatch, tmp_path):
    """Where a usage is pooled is only judged once the scope and the usage both resolve."""
    import foundry_iac.engine.policy_config as policy_config
    from components.catalog import load_catalog

    catalog = load_catalog().model_copy(deep=True)
    for model in catalog.models.values():  # the usage counted per subscription only
        model.offers[:] = [
            o.model_copy(update={"quota_scope": "subscription"}) if o.usage_name == USAGE else o for o in model.offers
        ]
    monkeypatch.setattr(policy_config, "load_catalog", lambda: catalog)
    text = config_text({"quota-capacity": {"limits": {"swedencentrall": {USAGE: 1}}}})
    (message,) = errors(tmp_path, text)
    assert message.startswith(f"{at_key(text, 'swedencentrall')}: quota-capacity.limits.swedencentrall: unknown quota")


def test_an_unknown_policy_id_like_none_of_the_packs_says_where_the_ids_are(tmp_path):
    text = pretty({**BASE_POLICY_CONFIG, "zzzz-qqqq": {}})
    assert errors(tmp_path, text) == [
        f"{at_key(text, 'zzzz-qqqq')}: unknown policy 'zzzz-qqqq'; use a policy id from the table in docs/policies.md"
    ]


def test_a_policy_config_that_is_no_json_object_is_one_line_at_its_first_line(tmp_path):
    assert errors(tmp_path, "[1, 2]") == ["policies/config/p.json:1: a policy config is a JSON object of policy ids"]


def test_a_policy_config_that_is_not_utf8_names_the_file_and_what_it_is(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(b'{\n  "all": "\xff"\n}\n')
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path, "policies/config/p.json", POLICIES)
    (message,) = err.value.messages
    assert message.startswith("policies/config/p.json:2: the policy config is not UTF-8 text (")
    assert message.endswith("); save it as UTF-8")


def test_policy_entries_that_are_neither_a_level_nor_settings_are_each_refused_at_their_line(tmp_path):
    text = pretty({**BASE_POLICY_CONFIG, "cost-budget": 5, "content-filter": [1]})
    assert sorted(errors(tmp_path, text)) == sorted(
        f"{at_key(text, name)}: {name}: must be an enforcement level or an object of settings"
        for name in ("cost-budget", "content-filter")
    )


def test_a_waiver_expiry_out_of_range_is_refused_at_its_own_line_after_a_malformed_one(tmp_path):
    """Every waiver's expiry is judged: one written wrong does not hide a later one out of the judged range."""
    waivers = [_waiver(expires="2027-1-1"), _waiver(resource="other", expires="9999-12-31")]
    text = config_text({"cost-budget": {"maxBudgetUsd": 5, "waivers": waivers}})
    found = errors(tmp_path, text)
    assert len(found) == 2
    assert (
        f"policies/config/p.json:{line_of(text, '9999-12-31')}: cost-budget.waivers[1].expires: 9999-12-31 is outside "
        "the dates foundry-iac judges (2000-01-01 to 2999-12-31); use YYYY-MM-DD"
    ) in found


QUOTED_X = '"x"'


def test_a_waiver_that_is_no_object_is_one_schema_line_not_an_internal_error(tmp_path):
    text = config_text({"cost-budget": {"maxBudgetUsd": 5, "waivers": ["x"]}})
    assert errors(tmp_path, text) == [
        f"policies/config/p.json:{line_of(text, QUOTED_X)}: cost-budget.waivers[0]: must be an object (got 'x')"
    ]


def test_a_misplaced_limit_offers_the_stacks_own_region_first(tmp_path):
    """load_policy_config passes the stack's regions to the fix, so its region leads the list of places."""
    usage = "OpenAI.Standard.gpt-4o"
    text = config_text({"quota-capacity": {"limits": {"subscription": {usage: 10}}}})
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path, "policies/config/p.json", POLICIES, regions=["uksouth"])
    (message,) = err.value.messages
    assert message.startswith(f"policies/config/p.json:{line_of(text, usage)}: ")
    assert "move it under a region key where it is deployed (uksouth, " in message


def test_a_computed_setting_without_a_known_source_is_refused_as_computed_from_the_repository(tmp_path):
    """A policy may state a read-only setting that COMPUTED_FROM does not name yet: it is still refused, whole."""
    from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy

    policy = ResourceValidationPolicy(
        name="custom",
        description="a policy with a computed setting",
        validate=lambda args, report: None,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=PolicyConfigSchema(properties={"derived": {"type": "object", "readOnly": True}}),
    )
    text = pretty({"custom": {"derived": {}}})
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path, "policies/config/p.json", [policy])
    assert err.value.messages == [
        f"policies/config/p.json:{line_of(text, 'derived')}: custom.derived is computed by foundry-iac "
        "(from the repository), not written by hand; remove it"
    ]


def test_a_policy_without_a_config_schema_takes_a_level_and_refuses_any_setting(tmp_path):
    """CrossGuard lets a policy state no config schema: its entry is a level, and nothing else is allowed."""
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

    policy = ResourceValidationPolicy(
        name="plain", description="a policy without settings", validate=lambda args, report: None
    )
    policy.enforcement_level = EnforcementLevel.MANDATORY
    path = tmp_path / "p.json"
    path.write_text(pretty({"plain": "advisory"}))
    assert load_policy_config(path, "p.json", [policy])["plain"].enforcement == "advisory"
    path.write_text(pretty({"plain": {"threshold": 1}}))
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path, "p.json", [policy])
    assert err.value.messages == ["p.json:2: plain: unknown setting 'threshold'; allowed: enforcementLevel"]


def test_a_policy_without_a_level_of_its_own_runs_at_the_packs_level_as_crossguard_runs_it(tmp_path):
    """CrossGuard runs a policy that states no enforcement level at its pack's level (policies/__main__.py gives
    the pack PACK_ENFORCEMENT_LEVEL); the gate reads it the same, never as advisory."""
    from pulumi_policy import ResourceValidationPolicy

    from policies.pack import PACK_ENFORCEMENT_LEVEL

    policy = ResourceValidationPolicy(name="plain", description="no level", validate=lambda args, report: None)
    assert policy.enforcement_level is None
    path = tmp_path / "p.json"
    path.write_text("{}")
    assert load_policy_config(path, "p.json", [policy])["plain"].enforcement == "mandatory"
    assert PACK_ENFORCEMENT_LEVEL.value == "mandatory"
    main = (ROOT / "policies/__main__.py").read_text()
    assert "PolicyPack(name=PACK_NAME, policies=POLICIES, enforcement_level=PACK_ENFORCEMENT_LEVEL)" in main


def test_a_level_written_as_text_is_located_at_the_policys_own_line(tmp_path):
    """`"policy": "disabled"` writes no enforcementLevel key: its place is the policy's line, never the file alone."""
    text = pretty({**BASE_POLICY_CONFIG, "residency-deployment-type": "disabled"})
    path = tmp_path / "p.json"
    path.write_text(text)
    settings = load_policy_config(path, "p.json", POLICIES)["residency-deployment-type"]
    entry = line_of(text, '"residency-deployment-type"')
    assert settings.location("enforcementLevel") == f"p.json:{entry}"


def test_a_computed_setting_added_later_keeps_the_level_and_every_written_settings_place(tmp_path):
    text = config_text({"quota-capacity": {"limits": {"swedencentral": {"OpenAI.DataZoneStandard.gpt-4o": 10}}}})
    path = tmp_path / "p.json"
    path.write_text(text)
    loaded = load_policy_config(path, "p.json", POLICIES)["quota-capacity"]
    given = loaded.with_setting("ledger", {"swedencentral": {}})
    assert given.config == {**loaded.config, "ledger": {"swedencentral": {}}}
    assert given.enforcement == loaded.enforcement
    limits = line_of(text, '"limits"')
    assert given.location("limits") == f"p.json:{limits}"
    assert given.location("ledger") == given.location("") == loaded.location("")
    assert "ledger" not in loaded.config  # the loaded settings stay as the file wrote them


@pytest.mark.parametrize("written", ["\\ud83d\\ude00", "\\\\\\ud83d\\ude00"], ids=["emoji", "after-a-backslash"])
def test_an_emoji_escaped_as_json_writes_it_keeps_every_line_number(tmp_path, written):
    """json.dumps escapes a character beyond U+FFFF as a surrogate pair, which YAML (the line reader) refuses:
    the errors still name their line."""
    text = config_text({"cost-budget": {"maxBudgetUsd": 5, "note": "x"}}).replace('"x"', f'"{written}"')
    assert json.loads(text)["cost-budget"]["note"]  # valid JSON
    assert errors(tmp_path, text) == [
        f"{at_key(text, 'cost-budget')}: cost-budget: unknown setting 'note'; "
        "allowed: maxBudgetUsd,basis,inputShare,waivers,enforcementLevel"
    ]


def test_a_routed_model_the_catalog_knows_is_approved_only_by_the_catalogs_name(tmp_path):
    # the router's documentation writes Deepseek-v3.1; the policies compare the catalog's DeepSeek-V3.1, so the
    # documentation's spelling would be accepted and judge nothing
    text = config_text({"approved-models": {"approvedModels": {"Deepseek-v3.1": [], "claude-opus-4-1": []}}})
    (message,) = errors(tmp_path, text)
    assert message.startswith(
        f"policies/config/p.json:{line_of(text, 'Deepseek-v3.1')}: approved-models.approvedModels.Deepseek-v3.1: "
        "unknown approvable model 'Deepseek-v3.1' (differs in case; names must match exactly); did you mean "
        "'DeepSeek-V3.1'"
    ), message


def test_past_the_problems_a_command_prints_an_unknown_name_is_counted_without_its_nearest_names(tmp_path):
    from foundry_iac.engine.policy_config import DETAILED_PROBLEMS

    names = [f"gpt-4o-x{i:02d}" for i in range(DETAILED_PROBLEMS + 3)]
    text = config_text({"approved-models": {"approvedModels": {"gpt-4o": [], **{n: [] for n in names}}}})
    messages = errors(tmp_path, text)
    assert len(messages) == len(names)
    assert all("did you mean 'gpt-4o'" in m for m in messages[:DETAILED_PROBLEMS])
    assert messages[DETAILED_PROBLEMS:] == [
        f"policies/config/p.json:{line_of(text, n)}: approved-models.approvedModels.{n}: unknown approvable model {n!r}"
        for n in names[DETAILED_PROBLEMS:]
    ]
