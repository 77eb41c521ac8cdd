"""Changes between two sides of a stack that Azure cannot make, though Pulumi would try: `diff` fails on each.

- An account's managed network isolation disabled (its setting removed, or set to Disabled) while the account
  stays: "Managed virtual network isolation cannot be disabled after enabling"; the setting is retained on delete,
  so Pulumi would only forget it (docs/reference/managed-network.md).
- An account's agents moved from its own subnet to a managed network: "There is no upgrade path from custom
  virtual network set-up to managed virtual network. A Foundry resource redeployment is required" (same page).
- An account replaced (a new location, kind or custom subdomain under the same name): Pulumi creates the
  replacement first, under a name Azure still holds, and a deleted account stays soft-deleted, so re-creating
  its name fails (FlagMustBeSetForRestore) until it is purged (docs/reference/resource-model.md).
- A resource renamed only in case: Azure names are case-insensitive, so the "new" resource is the old one; Pulumi
  would create it over the existing one (or be refused) and then delete it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components import resource_types as types

ACCOUNT = types.ACCOUNT
MANAGED_NETWORK = types.MANAGED_NETWORK

NO_DISABLE = (
    "the managed network isolation of account {account} cannot be disabled once enabled: {how}, but Azure keeps "
    "the account {mode} (the setting is retained on delete: Pulumi only forgets it). Keep `managedNetwork:` with "
    "a mode Azure can still change to, or move the agents to a new account and delete this one"
)
NO_UPGRADE_PATH = (
    "account {account} moves its agents from its own subnet ({subnets}) to a managed network, and Azure has no "
    "upgrade path from a custom virtual network to a managed one (the account must be redeployed): keep "
    "`agentNetwork:`, or put the managed network on a new account (a new name) and move the agents there"
)
ACCOUNT_REPLACED = (
    "account {account} would be replaced under the same name ({paths} changed): Pulumi creates the new one "
    "before deleting the old, and Azure refuses a second account of that name; a deleted account also stays "
    "soft-deleted, so its name cannot be re-created until it is purged (FlagMustBeSetForRestore). Give the "
    "account a new name (a new account), move the deployments there, then remove the old one"
)
CASE_RENAME = (
    "{kind} {old} is renamed {new}, which differs only in case: Azure names are case-insensitive, so this is the "
    "same resource, and Pulumi would create it over the existing one and then delete it. Keep the spelling {old}"
)

Resources = Mapping[str, Mapping[str, Any]]


def _account_key(props: Mapping[str, Any]) -> tuple[str, str]:
    return str(props.get("resourceGroupName", "")).lower(), str(props.get("accountName", "")).lower()


def _isolation(resource: Mapping[str, Any] | None) -> str:
    """The isolation mode a managed network setting writes ("Disabled" when there is none)."""
    network = (resource or {}).get("props", {}).get("properties", {}).get("managedNetwork", {})
    return str(network.get("isolationMode") or "Disabled")


def _injections(account: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [i for i in (account["props"].get("properties") or {}).get("networkInjections") or [] if i]


def injected_subnets(account: Mapping[str, Any]) -> list[str]:
    return [
        str(i["subnetArmId"]) for i in _injections(account) if i.get("scenario") == "agent" and i.get("subnetArmId")
    ]


def _managed(account: Mapping[str, Any]) -> bool:
    return any(i.get("scenario") == "agent" and i.get("useMicrosoftManagedNetwork") for i in _injections(account))


def _entry(resource: Mapping[str, Any], message: str) -> dict[str, Any]:
    return {"urn": resource["urn"], "type": resource["type"], "name": resource["name"], "message": message}


def _disabled_networks(old: Resources, new: Resources, kept: set[tuple[str, str]]) -> list[dict[str, Any]]:
    out = []
    for urn, resource in old.items():
        mode = _isolation(resource)
        if resource["type"] != MANAGED_NETWORK or mode == "Disabled" or _isolation(new.get(urn)) != "Disabled":
            continue
        if _account_key(resource["props"]) not in kept:
            continue
        how = "the change removes `managedNetwork:`" if urn not in new else "the change sets isolation Disabled"
        text = NO_DISABLE.format(account=resource["props"]["accountName"], how=how, mode=mode)
        out.append(_entry(resource, text))
    return out


def _accounts(old: Resources, new: Resources, replaced: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    out = []
    for urn, after in new.items():
        before = old.get(urn)
        if after["type"] != ACCOUNT or before is None:
            continue
        name = after["props"].get("accountName", after["name"])
        if urn in replaced:
            out.append(_entry(after, ACCOUNT_REPLACED.format(account=name, paths=", ".join(replaced[urn]))))
        elif injected_subnets(before) and _managed(after):
            subnets = ", ".join(injected_subnets(before))
            out.append(_entry(after, NO_UPGRADE_PATH.format(account=name, subnets=subnets)))
    return out


def _case_renames(old: Resources, new: Resources) -> list[dict[str, Any]]:
    """Resources whose URN changes only in case (their children, renamed with them, are left to the parent)."""
    gone = {urn.lower(): urn for urn in old if urn not in new}
    renamed = {urn: gone[urn.lower()] for urn in new if urn not in old and urn.lower() in gone}
    out = []
    for urn, was in renamed.items():
        if new[urn].get("parent") in renamed:
            continue
        kind = str(new[urn]["type"]).rsplit(":", 1)[-1]
        out.append(_entry(old[was], CASE_RENAME.format(kind=kind, old=old[was]["name"], new=new[urn]["name"])))
    return out


def irreversible_changes(old: Resources, new: Resources, replaced: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    """Every change between the sides that Azure cannot make (`replaced`: the URNs replaced, with the property
    paths that force it), one entry each: urn, type, name and the message with its fix."""
    kept = {
        _account_key(r["props"])
        for urn, r in new.items()
        if r["type"] == ACCOUNT and urn in old and urn not in replaced
    }
    return [*_disabled_networks(old, new, kept), *_accounts(old, new, replaced), *_case_renames(old, new)]
