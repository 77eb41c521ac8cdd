"""The stack-size benchmark's chain shapes are what their labels say: accepted ones at the budget exactly,
refused ones one resource past it (the benchmark is measured, not tested, so a shape that drifted would
only show as figures for a different stack)."""

from __future__ import annotations

import importlib.util

import pytest

from components.config.limits import MAX_RESOURCES_PER_STACK, planned_resource_count
from components.stack import ConfigError, load_stack_file
from tests.conftest import ROOT


def bench():
    spec = importlib.util.spec_from_file_location("bench_limits", ROOT / "benchmarks" / "bench_limits.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("index", range(7))
def test_each_chain_shape_is_accepted_at_the_budget_or_refused_one_past_it(index, tmp_path):
    label, text, _ = bench().chain_shapes()[index]
    path = tmp_path / "Pulumi.shape.yaml"
    path.write_text(text)
    if label.startswith("accepted"):
        assert planned_resource_count(load_stack_file(path).config) == MAX_RESOURCES_PER_STACK
    else:
        with pytest.raises(ConfigError, match="foundry-iac judges at most"):
            load_stack_file(path)
