"""The policy config `foundry-iac preview|up` hands `pulumi --policy-pack-config`.

It is the stack's policies/config/<stack>.json as written, plus what the gate computed from the repository:
the quota-capacity `ledger` (quotas/ and the other stacks' units) and agent-storage-isolation's `otherStacks`
(the other stacks' agent storage). Both are declared read-only settings, so CrossGuard under
`pulumi preview|up` judges the same limits and the same other stacks as the offline gate. The file is
generated (under .foundry-iac/, which git ignores) on every run, never edited.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from components.inputs import read_strict_json

from .policy_config import PolicySettings

PACK_CONFIG_DIR = Path(".foundry-iac") / "policy-pack-config"


# The settings the gate computes from the repository (declared read-only in the policies' schemas).
COMPUTED = (
    ("quota-capacity", "ledger"),
    ("agent-storage-isolation", "otherStacks"),
    ("defender-for-ai", "ownedBy"),
)


def pack_config(written: Mapping[str, Any], settings: dict[str, PolicySettings]) -> dict[str, Any]:
    """The config Pulumi gets: what the file says, plus the settings the gate computed and judged with (the
    quota ledger, the other stacks' agent storage)."""
    out = dict(written)
    for policy, key in COMPUTED:
        policy_settings = settings.get(policy)
        computed = policy_settings.config.get(key) if policy_settings is not None else None
        if computed is not None:
            entry = out.get(policy) or {}
            entry = {"enforcementLevel": entry} if isinstance(entry, str) else dict(entry)
            out[policy] = {**entry, key: computed}
    return out


def write_pack_config(root: Path, stack: str, policy_file: Path, settings: dict[str, PolicySettings]) -> Path:
    """Write the generated config of `stack` (atomically) and return its path relative to `root`."""
    written = read_strict_json(policy_file, os.path.relpath(policy_file), "policy config")
    relative = PACK_CONFIG_DIR / f"{stack}.json"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(pack_config(written, settings), indent=2, sort_keys=True) + "\n")  # type: ignore[arg-type]
    temporary.replace(target)
    return relative
