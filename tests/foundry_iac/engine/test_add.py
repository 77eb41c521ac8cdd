"""`foundry-iac add`, and the finder and the gate agreeing: what `where` passes, `check` passes once added;
what it fails, `check` fails with the policy it named."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from components.catalog import load_catalog
from foundry_iac.cli.main import main
from foundry_iac.engine.add import AddRequest, edited_text, gate_text, plan_add
from foundry_iac.engine.stacks import resolve_stack
from foundry_iac.engine.where import WhereQuery, build_context, row, rows_of
from foundry_iac.errors import GateInputError
from policies import waivers
from tests.conftest import ROOT

TODAY = "2026-12-03"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", TODAY)


STACKS = ["dev", "prod-eu", "prod-us"]
MODELS = sorted(load_catalog().models)


def approved(stack: str) -> list[str]:
    config = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())
    return sorted(m for m in config["approved-models"]["approvedModels"] if m in MODELS)


def stack_rows(stack: str, model: str) -> list[tuple[str, str]]:
    """(region, type) rows of the model in regions where the stack has an account (where `add` can put it)."""
    ctx = build_context(WhereQuery(model=model, stack=resolve_stack(stack, ROOT)), ROOT, waivers.today())
    assert ctx.stack is not None
    return [(r, t) for r, t in rows_of(ctx.catalog, ctx.entry, ctx.version, []) if r in ctx.stack.accounts]


@st.composite
def additions(draw: st.DrawFn) -> tuple[str, str, str, str, int]:
    stack = draw(st.sampled_from(STACKS))
    # the stack's approved models most of the time: other models fail approval before anything else is judged
    model = draw(st.sampled_from(approved(stack)) | st.sampled_from(MODELS))
    pairs = stack_rows(stack, model)
    region, sku = draw(st.sampled_from(pairs)) if pairs else ("", "")
    return stack, model, region, sku, draw(st.integers(min_value=1, max_value=400))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(drawn=additions())
@example(drawn=("prod-us", "gpt-5.1", "eastus2", "DataZoneStandard", 20))  # passes
@example(drawn=("prod-us", "gpt-5.1", "eastus2", "DataZoneProvisionedManaged", 40))  # over the PTU limit of 50
@example(drawn=("prod-eu", "gpt-5.1", "swedencentral", "GlobalStandard", 10))  # outside EU
@example(drawn=("prod-eu", "grok-4-1-fast-reasoning", "swedencentral", "GlobalStandard", 10))
def test_where_and_check_agree_on_every_row(drawn):
    stack, model, region, sku, capacity = drawn
    if not region:
        return  # the stack has no account where the catalog offers the model: nothing `add` could write
    ref = resolve_stack(stack, ROOT)
    query = WhereQuery(model=model, stack=ref, capacity=capacity)
    ctx = build_context(query, ROOT, waivers.today())
    found = row(ctx, region, sku, query)
    plan = plan_add(AddRequest(ref, model, None, region, sku, capacity), ROOT, waivers.today())
    assert (plan.row.passed, plan.row.failed_policy) == (found.passed, found.failed_policy)
    try:
        gated = gate_text(ROOT, ref, edited_text(ref, plan))
    except GateInputError as exc:  # the stack file itself would be refused (exit 2)
        assert found.failed_policy == "stack-config", exc.messages
        return
    blocking = {v.policy for v in gated.violations if v.enforcement == "mandatory" and not v.waived}
    assert gated.passed == found.passed, (found.failed_policy, found.reason, blocking)
    if not found.passed:
        assert found.failed_policy in blocking, (found.reason, blocking)


BEST = ["add", "prod-us", "--model", "gpt-5.1", "--best", "--capacity", "20", "--monthly-tokens", "40000000,8000000"]
APPENDED = """\
        - name: gpt-5.1-DataZoneStandard
          model: gpt-5.1
          version: "2025-11-13"
          type: DataZoneStandard
          capacity: 20
          monthlyTokens: {input: 40000000, output: 8000000}
"""


def test_add_best_write_appends_exactly_the_entry_and_the_stack_then_passes_check(repo, monkeypatch, capsys):
    path = repo / "stacks" / "Pulumi.prod-us.yaml"
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    assert main([*BEST, "--write"]) == 0
    out = capsys.readouterr().out
    assert path.read_bytes() == before + APPENDED.encode()  # every other byte (comments, quoting) kept
    assert out.startswith(
        "add prod-us: DataZoneStandard in eastus2 (fdy-prod-us-core), 20 units, expected 143.00 USD/month, "
    )
    assert "+          capacity: 20\n" in out
    assert "\ngate after the change: PASS\nprod-us: changed, pass\n" in out
    assert "  quota eastus2 OpenAI.DataZoneStandard.gpt-5.1: 80 -> 100 (+20)\n" in out
    assert "  cost expected +143.00 USD/month (14,353.50 -> 14,496.50)" in out
    assert out.endswith("\nwrote stacks/Pulumi.prod-us.yaml\n")
    assert main(["check", "prod-us"]) == 0


def test_without_write_nothing_is_written(repo, monkeypatch, capsys):
    path = repo / "stacks" / "Pulumi.prod-us.yaml"
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    assert main(BEST) == 0
    assert path.read_bytes() == before
    assert capsys.readouterr().out.endswith("add --write to write it\n")


def test_a_deployment_the_gate_refuses_is_never_written(repo, monkeypatch, capsys):
    path = repo / "stacks" / "Pulumi.prod-us.yaml"
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    argv = ["add", "prod-us", "--model", "gpt-5.1", "--region", "eastus2", "--type", "GlobalStandard"]
    assert main([*argv, "--capacity", "20", "--write"]) == 1
    out = capsys.readouterr().out
    assert path.read_bytes() == before
    assert "gate after the change: FAIL" in out and "NEW mandatory residency-deployment-type" in out
    assert out.endswith("not written: the gate fails for prod-us with this deployment\n")


def test_a_region_without_an_account_prints_the_account_block_and_exits_2(repo, monkeypatch, capsys):
    path = repo / "stacks" / "Pulumi.prod-us.yaml"
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    argv = ["add", "prod-us", "--model", "gpt-5.1", "--region", "westus3", "--type", "DataZoneStandard"]
    assert main([*argv, "--capacity", "20", "--write"]) == 2
    out, err = capsys.readouterr()
    assert path.read_bytes() == before
    assert out == (
        "    - name: fdy-prod-us-westus3\n"
        "      location: westus3\n"
        "      deployments:\n"
        "        - model: gpt-5.1\n"
        '          version: "2025-11-13"\n'
        "          type: DataZoneStandard\n"
        "          capacity: 20\n"
    )
    assert err == (
        "error: stacks/Pulumi.prod-us.yaml: prod-us has no account in westus3; add this account under "
        "foundry-iac:accounts (printed on standard output) and run add again\n"
    )


def test_best_without_a_passing_row_exits_1_and_writes_nothing(repo, monkeypatch, capsys):
    path = repo / "stacks" / "Pulumi.prod-eu.yaml"
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    # Grok's data zone is US only and GlobalStandard leaves the EU: nothing passes under prod-eu
    assert main(["add", "prod-eu", "--model", "grok-4-1-fast-reasoning", "--best", "--capacity", "10", "--write"]) == 1
    out, err = capsys.readouterr()
    assert path.read_bytes() == before and out == ""
    assert err == (
        "error: --best: no (region, type) passes for grok-4-1-fast-reasoning in prod-eu; run "
        "`foundry-iac where grok-4-1-fast-reasoning --stack prod-eu` to see why\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--best", "--region", "eastus2", "--type", "DataZoneStandard"], "give --region R --type T, or --best"),
        (["--region", "eastus2"], "give --region R --type T, or --best"),
        (["--region", "eastus22", "--type", "DataZoneStandard"], "unknown region 'eastus22'; did you mean 'eastus2'"),
        (["--region", "eastus2", "--type", "DataZoneStandard", "--name", "gpt-5.1"], "already has a deployment named"),
        (["--region", "swedencentral", "--type", "DataZoneStandard", "--version", "1"], "unknown version of gpt-5.1"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(repo, monkeypatch, capsys, argv, message):
    path = repo / "stacks" / "Pulumi.prod-us.yaml"
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    assert main(["add", "prod-us", "--model", "gpt-5.1", "--capacity", "20", "--write", *argv]) == 2
    out, err = capsys.readouterr()
    assert path.read_bytes() == before and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_a_crlf_stack_file_gets_the_entry_with_crlf_line_ends_and_keeps_every_other_byte(repo, monkeypatch, capsys):
    path = repo / "stacks" / "Pulumi.prod-us.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    assert main([*BEST, "--write"]) == 0
    capsys.readouterr()
    assert path.read_bytes() == before + APPENDED.replace("\n", "\r\n").encode()


def test_a_stack_file_that_is_not_utf8_is_one_line_with_its_line_and_nothing_is_written(repo, monkeypatch, capsys):
    path = repo / "stacks" / "Pulumi.prod-us.yaml"
    path.write_bytes(path.read_bytes() + b"# caf\xe9\n")
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    assert main([*BEST, "--write"]) == 2
    err = capsys.readouterr().err
    lines = before.count(b"\n")
    assert err.count("\n") == 1 and "internal error" not in err
    assert f"Pulumi.prod-us.yaml:{lines}: the stack file is not UTF-8 text" in err
    assert path.read_bytes() == before


def test_tokens_is_the_same_option_as_where_and_monthly_tokens_its_other_name():
    from foundry_iac.cli.commands import build_parser

    parser = build_parser()
    for option in ("--tokens", "--monthly-tokens"):
        args = parser.parse_args([*BEST[:7], option, "40000000,8000000"])
        assert args.monthly_tokens == parser.parse_args(BEST).monthly_tokens
