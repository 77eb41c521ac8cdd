"""Which stack of the repository registers the subscription's Defender for AI plan, read from stacks/.

The program asks this before registering the plan, so `pulumi up` of any stack agrees with the gate (which
hands the same answer to defender-for-ai). Only a stack that declares the plan reads the other stack files; an
unreadable one is an error at its first problem (fail closed: the owner cannot be known without it).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config.loaded import LoadedConfig
from ..config_errors import ConfigError, ConfigIssue
from ..defender.args import PlanOwner, declares_ai, plan_owner
from .loader import load_stack_file, stack_name_of


def repository_configs(stacks_dir: Path, skip: str, why: str) -> list[LoadedConfig]:
    """The validated configs of the stack files in `stacks_dir` but `skip`; a ConfigError names the first problem of
    each unreadable one and says `why` it was read."""
    loaded, issues = [], []
    for path in sorted(stacks_dir.glob("Pulumi.*.yaml")):
        name = stack_name_of(path)
        if name is None or name == skip:
            continue
        display = os.path.relpath(path)
        try:
            loaded.append(load_stack_file(path, display, name))
        except ConfigError as exc:
            first = exc.issues[0]
            message = (
                f"{why} ({len(exc.issues)} config error(s), first: {first.message}); fix it: run "
                f"`foundry-iac check {name}`"
            )
            issues.append(ConfigIssue(first.file, first.line, "", message))
    if issues:
        raise ConfigError(issues)
    return loaded


def repository_owner(loaded: LoadedConfig, root: Path | None = None) -> PlanOwner | None:
    """The owner of the stack's subscription's AI plan among the stacks of the project at `root` (default: the
    working directory, where Pulumi and the offline runner run the program); None when this stack does not
    declare the plan (it registers nothing then, and reads nothing)."""
    if not declares_ai(loaded):
        return None
    stacks_dir = (root or Path.cwd()) / "stacks"
    others = repository_configs(stacks_dir, loaded.stack, "cannot be read to know which stack owns the Defender plan")
    return plan_owner(loaded, others)
