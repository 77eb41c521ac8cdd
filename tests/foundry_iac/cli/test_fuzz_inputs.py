"""Hypothesis fuzz over stack files and policy configs (issue 10): whatever a pull request writes, the gate
answers with a verdict or a one-line input error, never an internal error, and passes only valid input."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.source import read_yaml
from components.stack import ConfigError, load_stack_file
from foundry_iac.cli.main import main
from foundry_iac.engine.policy_config import PolicyConfigError, load_policy_config
from policies.pack import POLICIES
from tests.conftest import ROOT

PROD_EU = ROOT / "stacks" / "Pulumi.prod-eu.yaml"
PROD_EU_POLICY = ROOT / "policies" / "config" / "prod-eu.json"

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["yes", "off", "EU", "eu", "0.0.0.0/0", "::/0", "10.0.0.0/8", "2026-02-30", "x" * 300, ""]),
    st.lists(st.integers(min_value=-3, max_value=3), max_size=3),
    st.dictionaries(st.sampled_from(["a", "name", "value"]), st.integers(min_value=0, max_value=3), max_size=2),
)


def paths(tree: object, prefix: tuple = ()) -> list[tuple]:
    """Every path into a tree of dicts and lists (the root excluded)."""
    out = []
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else []
    for key, value in items:
        out.append(prefix + (key,))
        out += paths(value, prefix + (key,))
    return out


def mutate(tree: object, path: tuple, op: str, value: object) -> object:
    """A copy of `tree` with the node at `path` replaced, deleted, or given an unknown sibling key."""
    tree = json.loads(json.dumps(tree))
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if op == "delete":
        del parent[last]
    elif op == "sibling" and isinstance(parent, dict):
        parent["unknownKey"] = value
    else:
        parent[last] = value
    return tree


def non_finite(value: object) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def gate(tmp_path: Path, stack_text: str, policy_text: str) -> tuple[int, str]:
    stack = tmp_path / "Pulumi.fuzz.yaml"
    stack.write_text(stack_text, encoding="utf-8")
    policy = tmp_path / "policy.json"
    policy.write_text(policy_text, encoding="utf-8")
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", str(stack), "--policy-config", str(policy), "--format", "json"])
    return code, err.getvalue()


def error_or_verdict(line: str, code: int) -> bool:
    """A line on stderr is an error, or (with exit 1) the FAIL verdict of a JSON report on standard output."""
    return line.startswith("error: ") or (code == 1 and line.startswith("FAIL: fuzz did not pass"))


def valid_stack(path: Path) -> bool:
    try:
        load_stack_file(path, "fuzz")
    except ConfigError:
        return False
    return True


def valid_policy(path: Path) -> bool:
    try:
        load_policy_config(path, "fuzz", POLICIES)
    except PolicyConfigError:
        return False
    return True


FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(data=st.data(), op=st.sampled_from(["replace", "delete", "sibling"]), value=HOSTILE)
def test_a_mutated_stack_file_is_a_verdict_or_an_input_error(tmp_path, data, op, value):
    tree = read_yaml(PROD_EU.read_text(), "x").value
    path = data.draw(st.sampled_from(paths(tree)))
    text = yaml.safe_dump(mutate(tree, path, op, value), sort_keys=False, allow_unicode=True)
    code, err = gate(tmp_path, text, PROD_EU_POLICY.read_text())
    assert code in (0, 1, 2) and "internal error" not in err and "Traceback" not in err, err
    assert all(error_or_verdict(line, code) and len(line) < 600 for line in err.splitlines()), err
    if code == 0:
        assert valid_stack(tmp_path / "Pulumi.fuzz.yaml") and not (op != "delete" and non_finite(value)), (path, value)
    if code == 2 and err.startswith("error: fuzz"):
        pytest.fail(err)


@FUZZ
@given(data=st.data(), op=st.sampled_from(["replace", "delete", "sibling"]), value=HOSTILE)
def test_a_mutated_policy_config_is_a_verdict_or_an_input_error(tmp_path, data, op, value):
    tree = json.loads(PROD_EU_POLICY.read_text())
    path = data.draw(st.sampled_from(paths(tree)))
    text = json.dumps(mutate(tree, path, op, value), indent=2)  # NaN and Infinity as JSON writers emit them
    code, err = gate(tmp_path, PROD_EU.read_text(), text)
    assert code in (0, 1, 2) and "internal error" not in err and "Traceback" not in err, err
    assert all(error_or_verdict(line, code) and len(line) < 600 for line in err.splitlines()), err
    if code == 0:
        assert valid_policy(tmp_path / "policy.json") and not (op != "delete" and non_finite(value)), (path, value)
