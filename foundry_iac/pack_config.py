"""The policy config `foundry-iac preview|up` hands `pulumi --policy-pack-config`.

It is the stack's policies/config/<stack>.json as written, plus the quota-capacity `ledger` the gate
computed from quotas/ and the other stacks. The ledger is a declared setting of quota-capacity, so
CrossGuard under `pulumi preview|up` judges the same limits and the same other stacks' units as the
offline gate. The file is generated (under .foundry-iac/, which git ignores) on every run, never edited.
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


def pack_config(written: Mapping[str, Any], settings: dict[str, PolicySettings]) -> dict[str, Any]:
    """The config Pulumi gets: what the file says, plus the ledger the gate judged quota-capacity with."""
    out = dict(written)
    quota = settings.get("quota-capacity")
    ledger = quota.config.get("ledger") if quota is not None else None
    if ledger is not None:
        entry = out.get("quota-capacity") or {}
        entry = {"enforcementLevel": entry} if isinstance(entry, str) else dict(entry)
        out["quota-capacity"] = {**entry, "ledger": ledger}
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
