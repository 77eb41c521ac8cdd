"""`foundry-iac:defender`: validated at its line; ownership of the subscription's plan is one pure rule."""

from __future__ import annotations

import pytest

from components.config_errors import ConfigError
from components.defender.args import defender_args, plan_owner
from components.stack.loader import load_stack_file
from tests.conftest import ROOT

PROD_EU = ROOT / "stacks" / "Pulumi.prod-eu.yaml"
PROD_US = ROOT / "stacks" / "Pulumi.prod-us.yaml"
DEFENDER_AT = next(
    i for i, text in enumerate(PROD_EU.read_text(encoding="utf-8").splitlines(), 1) if "foundry-iac:defender:" in text
)


def loaded_as(tmp_path, name: str, text: str):
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_stack_file(path, path.name, name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("{ai: yes}", "must be true or false"), ("{ai: true, servers: true}", "servers"), ("{}", "ai")],
)
def test_a_bad_defender_value_is_refused_at_its_line(tmp_path, value, expected):
    text = PROD_EU.read_text(encoding="utf-8").replace("defender: {ai: true}", f"defender: {value}")
    with pytest.raises(ConfigError) as err:
        loaded_as(tmp_path, "bad", text)
    (issue,) = err.value.issues
    assert issue.line == DEFENDER_AT and expected in issue.message


def test_the_owner_is_the_declaring_stack_of_the_subscription_whose_name_sorts_first(tmp_path):
    text = PROD_EU.read_text(encoding="utf-8")
    prod_eu = load_stack_file(PROD_EU, "stacks/Pulumi.prod-eu.yaml", "prod-eu")
    prod_us = load_stack_file(PROD_US, "stacks/Pulumi.prod-us.yaml", "prod-us")
    early = loaded_as(tmp_path, "a-early", text)
    late = loaded_as(tmp_path, "z-late", text)
    silent = loaded_as(tmp_path, "0-silent", text.replace("defender: {ai: true}", "defender: {ai: false}"))
    owner = plan_owner(late, [prod_us, prod_eu, early, silent])
    assert owner is not None and (owner.stack, owner.line) == ("a-early", DEFENDER_AT)
    assert defender_args(late, owner) is None
    args = defender_args(early, plan_owner(early, [prod_eu, late]))
    assert args is not None and (args.pricing_name, args.pricing_tier) == ("AI", "Standard")
    assert args.scope_id == "subscriptions/9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34"
    assert plan_owner(prod_us, [prod_eu, early, late]).stack == "prod-us"  # its own subscription
    assert plan_owner(silent, [prod_us]) is None
