"""The Mermaid diagrams of the markdown reports, read back from their text: one node per drawn resource
with safe labels, a tree of edges, the diff's statuses as classes, and bounds that keep any estate
within Mermaid's limits (the real Mermaid renders them in test_mermaid_rendering.py)."""

from __future__ import annotations

import copy
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import resource_types as types
from foundry_iac.cli.main import main
from foundry_iac.engine.diff import stack_diff
from foundry_iac.engine.pool import build_report
from foundry_iac.engine.report_model import StackReport, as_data
from foundry_iac.engine.stacks import all_stacks
from foundry_iac.render.mermaid import MAX_LINE, MAX_NODES, diff_diagram, escape, estate_diagram, estate_section
from tests.conftest import ROOT

MERMAID_MAX_TEXT = 50_000  # Mermaid's default maxTextSize, which GitHub keeps
MERMAID_MAX_EDGES = 500  # Mermaid's default maxEdges
DRAWN = (
    types.ACCOUNT,
    types.PROJECT,
    types.DEPLOYMENT,
    types.RAI_POLICY,
    types.RAI_BLOCKLIST,
    types.PRIVATE_ENDPOINT,
    types.ACCOUNT_CAPABILITY_HOST,
    types.PROJECT_CAPABILITY_HOST,
    types.CONNECTION,
)
NODE = re.compile(r'^  (n\d+)[\[\(\{/\\]+"([^"]*)"[\]\)\}/\\]+$')
SPECIAL = '"#&<>;[](){}|`\\\n\r\t'  # what Mermaid or markdown would read as syntax


def decode(label: str) -> str:
    """What Mermaid shows for an escaped label: entity codes as characters, <br/> as line breaks."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label.replace("<br/>", "\n"))


def parse(text: str) -> tuple[dict[str, str], list[tuple[str, str]], dict[str, str]]:
    """(labels by node id, edges, class by node id) of a diagram."""
    labels, edges, classes = {}, [], {}
    for line in text.splitlines():
        if m := NODE.match(line):
            labels[m.group(1)] = decode(m.group(2))
        elif m := re.match(r"^  (n\d+) --> (n\d+)$", line):
            edges.append((m.group(1), m.group(2)))
        elif m := re.match(r"^  class (\S+) (\w+)$", line):
            classes.update(dict.fromkeys(m.group(1).split(","), m.group(2)))
    return labels, edges, classes


@pytest.fixture(scope="module")
def examples() -> dict[str, StackReport]:
    """The example stacks' reports."""
    return {entry.stack: entry for entry in build_report(all_stacks(ROOT), ROOT).stacks}


def name_of(kind: str, props: dict) -> str:
    key = {
        types.ACCOUNT: "accountName",
        types.PROJECT: "projectName",
        types.DEPLOYMENT: "deploymentName",
        types.RAI_POLICY: "raiPolicyName",
        types.RAI_BLOCKLIST: "raiBlocklistName",
        types.PRIVATE_ENDPOINT: "privateEndpointName",
        types.CONNECTION: "connectionName",
    }.get(kind, "capabilityHostName")
    return str(props[key])


def first_lines(entry: StackReport) -> list[str]:
    """The first line of every node the report's drawn resources should get: kind and Azure name."""
    from foundry_iac.render.common import TYPE_LABELS

    hosts = (types.ACCOUNT_CAPABILITY_HOST, types.PROJECT_CAPABILITY_HOST)
    words = {types.RAI_POLICY: "content filter", types.ACCOUNT: "account"} | dict.fromkeys(hosts, "capability host")
    drawn = [r for r in entry.resources if r.type in DRAWN]
    return sorted(f"{words.get(r.type, TYPE_LABELS[r.type])} {name_of(r.type, r.props)}" for r in drawn)


@given(st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(), max_size=200))
def test_escaped_labels_hold_no_mermaid_syntax_and_read_back_as_written(text):
    escaped = escape(text)
    assert not re.search(r'["<>\[\](){}|`\n\r\t\\&]', escaped)
    outside_entities = re.sub(r"#\d+;", "", escaped)
    assert "#" not in outside_entities and ";" not in outside_entities
    shown = decode(escaped)
    expected = text.replace("\n", " ").replace("\r", " ").replace("\t", " ").replace("\\", "\u29f5")
    assert shown == (expected if len(text) <= MAX_LINE else expected[: MAX_LINE - 1] + "…")


@pytest.mark.parametrize("stack", ["dev", "prod-eu", "prod-us"])
def test_every_account_project_deployment_filter_endpoint_and_agent_resource_is_one_node(examples, stack):
    entry = examples[stack]
    labels, edges, classes = parse(estate_diagram(entry))
    assert sorted(label.split("\n")[0] for label in labels.values()) == first_lines(entry)
    accounts = [i for i, label in labels.items() if label.startswith("account ")]
    # a tree: every node but the accounts hangs under exactly one node
    assert sorted(child for _, child in edges) == sorted(set(labels) - set(accounts))
    for r in entry.resources:
        if r.type == types.DEPLOYMENT:
            (label,) = [v for v in labels.values() if v.startswith(f"deployment {r.props['deploymentName']}\n")]
            assert f"{r.props['sku']['name']} × {r.props['sku']['capacity']}" in label.split("\n")
    assert classes == {}  # styles are the diff's


def test_prod_eu_hangs_connections_and_the_capability_host_under_their_project(examples):
    labels, edges, _ = parse(estate_diagram(examples["prod-eu"]))
    by_label = {label.split("\n")[0]: node for node, label in labels.items()}
    parent = {child: up for up, child in edges}
    entry = examples["prod-eu"]
    for r in entry.resources:
        if r.type in (types.CONNECTION, types.PROJECT_CAPABILITY_HOST):
            node = [n for first, n in by_label.items() if first.endswith(" " + name_of(r.type, r.props))]
            assert labels[parent[node[0]]].startswith(f"project {r.props['projectName']}\n")
        elif r.type in (types.DEPLOYMENT, types.PROJECT, types.PRIVATE_ENDPOINT, types.RAI_POLICY):
            node = by_label[[f for f in by_label if f.endswith(" " + name_of(r.type, r.props))][0]]
            assert labels[parent[node]].startswith(f"account {r.props.get('accountName', 'fdy-prod-eu-core')}\n")


def test_the_diagram_does_not_depend_on_the_order_resources_were_registered(examples):
    entry = examples["prod-eu"]
    shuffled = list(entry.resources)
    random.Random(7).shuffle(shuffled)
    assert estate_diagram(entry.model_copy(update={"resources": shuffled})) == estate_diagram(entry)


def with_deployments(entry: StackReport, count: int, prefix: str = "bulk") -> StackReport:
    """The entry with `count` more deployments on its first account, named prefix-0000..."""
    template = next(r for r in entry.resources if r.type == types.DEPLOYMENT)
    extra = []
    for i in range(count):
        props = copy.deepcopy(template.props)
        props["deploymentName"] = f"{prefix}-{i:04d}"
        extra.append(template.model_copy(update={"urn": f"{template.urn}-{prefix}-{i:04d}", "props": props}))
    return entry.model_copy(update={"resources": [*entry.resources, *extra]})


def assert_within_mermaid_limits(text: str) -> None:
    assert len(text) < MERMAID_MAX_TEXT
    assert text.count(" --> ") < MERMAID_MAX_EDGES


def test_a_thousand_deployments_stay_within_mermaids_limits_and_the_rest_is_counted(examples):
    entry = with_deployments(examples["prod-eu"], 1000)
    text = estate_diagram(entry)
    assert_within_mermaid_limits(text)
    labels, _, classes = parse(text)
    deployments = sum(1 for r in entry.resources if r.type == types.DEPLOYMENT)
    drawn = sum(1 for label in labels.values() if label.startswith("deployment "))
    (more,) = [label for node, label in labels.items() if classes.get(node) == "more"]
    assert f"{deployments - drawn} deployments" in more.split("\n")
    drawn_resources = sum(1 for node in labels if classes.get(node) != "more")
    assert drawn_resources <= MAX_NODES
    total = sum(1 for r in entry.resources if r.type in DRAWN)
    assert f"The diagram draws {drawn_resources} of {total} resources" in "\n".join(estate_section(entry))


def test_many_accounts_are_bounded_like_many_deployments(examples):
    base = examples["dev"]
    resources = []
    for a in range(300):
        for r in base.resources:
            props = {**r.props, "accountName": f"acct-{a:03d}"} if r.type == types.ACCOUNT else r.props
            parent = f"{r.parent}-{a}" if r.parent else None
            resources.append(r.model_copy(update={"urn": f"{r.urn}-{a}", "parent": parent, "props": props}))
    text = estate_diagram(base.model_copy(update={"resources": resources}))
    assert_within_mermaid_limits(text)
    labels, _, classes = parse(text)
    accounts = sum(1 for label in labels.values() if label.startswith("account "))
    assert any(label.split("\n")[1] == f"{300 - accounts} accounts" for label in labels.values() if "more" in label)


def test_long_hostile_names_are_shortened_escaped_and_bounded(examples):
    entry = with_deployments(examples["prod-eu"], 200, prefix='"]; end; click x "<script>#1` ' * 20)
    text = estate_diagram(entry)
    assert_within_mermaid_limits(text)
    assert "<script>" not in text and "`" not in text
    labels, _, _ = parse(text)
    assert len(labels) == sum(1 for line in text.splitlines() if re.match(r"^  n\d+[\[({]", line))  # every node parsed
    assert any(label.startswith('deployment "]; end; click') for label in labels.values())


def edited(entry: StackReport) -> tuple[dict, dict]:
    """prod-eu before and after a change that adds, changes, replaces and removes one resource each."""
    before = as_data(entry)
    after = copy.deepcopy(before)
    deployments = [r for r in after["resources"] if r["type"] == types.DEPLOYMENT]
    added = copy.deepcopy(deployments[0])
    added["urn"] = added["urn"].replace("gpt-4o", "gpt-5.4")
    added["props"]["deploymentName"] = "gpt-5.4"
    added["props"]["properties"]["model"].update(name="gpt-5.4", version="2026-03-05")
    after["resources"].append(added)
    deployments[0]["props"]["sku"]["capacity"] = 60  # gpt-4o, in place
    deployments[1]["props"]["properties"]["model"]["name"] = "gpt-5.4"  # gpt-5.1: a new model is a replacement
    after["resources"] = [
        r for r in after["resources"] if not (r["type"] == types.CONNECTION and r["name"].endswith("support-documents"))
    ]
    return before, after


def test_the_diff_styles_added_changed_replaced_and_removed_resources_apart(examples):
    before, after = edited(examples["prod-eu"])
    change = stack_diff("prod-eu", before, after)
    text = diff_diagram(change, StackReport.model_validate(before), StackReport.model_validate(after))
    labels, _, classes = parse(text)
    styled = {labels[node].split("\n")[0]: css for node, css in classes.items()}
    assert styled == {
        "deployment gpt-5.4": "added",
        "deployment gpt-4o": "changed",
        "deployment gpt-5.1": "replaced",
        "connection support-documents": "removed",
    }
    (raised,) = [label for label in labels.values() if label.startswith("deployment gpt-4o\n")]
    assert "DataZoneStandard × 50 → DataZoneStandard × 60" in raised.split("\n")
    for css in ("added", "changed", "replaced", "removed"):
        assert re.search(rf"^    legend\d\[.*\]:::{css}$", text, re.M) and f"  classDef {css} " in text
    # the removed connection still hangs under its project
    assert len(labels) == len(first_lines(examples["prod-eu"])) + 1


def test_changed_resources_are_drawn_first_when_the_estate_is_collapsed(examples):
    before = as_data(with_deployments(examples["prod-eu"], 500))
    after = copy.deepcopy(before)
    last = [r for r in after["resources"] if r["type"] == types.DEPLOYMENT][-1]  # bulk-0499 sorts last
    last["props"]["sku"]["capacity"] = 1
    change = stack_diff("prod-eu", before, after)
    text = diff_diagram(change, StackReport.model_validate(before), StackReport.model_validate(after))
    assert_within_mermaid_limits(text)
    labels, _, classes = parse(text)
    styled = {labels[node].split("\n")[0]: css for node, css in classes.items() if css != "more"}
    assert styled == {"deployment bulk-0499": "changed"}


def test_a_removed_stack_is_drawn_all_removed(examples):
    before = as_data(examples["prod-us"])
    change = stack_diff("prod-us", before, None)
    labels, _, classes = parse(diff_diagram(change, examples["prod-us"], None))
    assert labels and all(classes[node] == "removed" for node in labels)


def test_plan_markdown_is_the_gate_comment_with_the_estate(capsys, examples):
    assert main(["plan", "prod-eu", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!-- foundry-iac-gate -->\n## ✅ foundry-iac plan passed: 1 stack(s)")
    (block,) = re.findall(r"^```mermaid\n(.*?)^```$", out, re.S | re.M)
    assert block == estate_diagram(examples["prod-eu"])
