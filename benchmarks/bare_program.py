"""The floor for bench_plan.py: register the same Azure resources as a generated stack, nothing else.

No config model, no components, no recording, no policies: plain azure-native resources with the same
props (tags included), the same per-account depends_on chain, under the SDK's own MockMonitor, in a
fresh process like `foundry-iac plan`.
Usage: python bare_program.py N [--components] [--lean] [--list]
  --components: parent each account's resources under a FoundryAccount component, as foundry-iac
                does, to separate the cost of that structure from the cost of foundry-iac's own code.
  --lean:       the same program with every lean setting of foundry-iac's runner (foundry_iac/engine/sdk.py:
                provider aliases dropped, no stack traces, no cyclic GC, the monitor answered inline,
                service packages loaded by module): the SDK's own floor, which no change to foundry-iac's
                code can go below. Without it the program runs exactly as before.
  --list:       print the type and name of each resource the mocks were asked for (tests compare modes).
"""

from __future__ import annotations

import asyncio
import gc
import sys
from pathlib import Path

import pulumi
from pulumi.runtime import mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

if "--lean" in sys.argv[2:]:  # before the service packages are imported: load them by module
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from foundry_iac.engine import sdk

    sdk.load_services_by_module(["authorization", "cognitiveservices", "resources"])

from pulumi_azure_native import authorization, cognitiveservices, resources  # noqa: E402

SUB = "11111111-2222-3333-4444-555555555555"
PER_ACCOUNT = 25
TAGS = {"foundry-iac-stack": "bench", "managed-by": "foundry-iac", "owner": "bench"}
TOKEN_TAGS = {"foundry-iac-monthly-input-tokens": "0", "foundry-iac-monthly-output-tokens": "0"}
PARENT: list[pulumi.Resource | None] = [None]  # the current account's component, when --components
ROLE = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/53ca6127-db72-4b80-b1b0-d745d6d5456d"


class Echo(mocks.Mocks):
    """Resources echo their inputs, as the foundry-iac runner's mocks do."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def new_resource(self, args):
        self.created.append(f"{args.typ} {args.name}")
        return f"{args.name}-id", args.inputs

    def call(self, args):
        return {}, None


def account(name: str, rg: pulumi.Resource) -> pulumi.Resource:
    return cognitiveservices.Account(
        f"{name}-account",
        account_name=name,
        resource_group_name="rg-bench",
        location="eastus2",
        kind="AIServices",
        sku={"name": "S0"},
        identity={"type": "SystemAssigned"},
        tags=TAGS,
        properties={
            "allowProjectManagement": True,
            "customSubDomainName": f"{name}-abcdef",
            "disableLocalAuth": True,
            "publicNetworkAccess": "Disabled",
            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"},
        },
        opts=pulumi.ResourceOptions(parent=PARENT[0], depends_on=[rg]),
    )


def project(name: str, after: pulumi.Resource) -> pulumi.Resource:
    created = cognitiveservices.Project(
        f"{name}-project-team",
        account_name=name,
        resource_group_name="rg-bench",
        project_name="team",
        location="eastus2",
        identity={"type": "SystemAssigned"},
        properties={"displayName": "team"},
        tags=TAGS,
        opts=pulumi.ResourceOptions(parent=PARENT[0], depends_on=[after]),
    )
    scope = f"/subscriptions/{SUB}/resourceGroups/rg-bench/providers/Microsoft.CognitiveServices/accounts/{name}"
    authorization.RoleAssignment(
        f"{name}-project-team-role",
        role_assignment_name="0f0e0d0c-0b0a-4909-8807-060504030201",
        principal_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        principal_type="Group",
        role_definition_id=ROLE,
        scope=f"{scope}/projects/team",
        opts=pulumi.ResourceOptions(parent=PARENT[0], depends_on=[created]),
    )
    return created


def deployment(name: str, index: int, after: pulumi.Resource) -> pulumi.Resource:
    return cognitiveservices.Deployment(
        f"{name}-deployment-d{index:02d}",
        account_name=name,
        resource_group_name="rg-bench",
        deployment_name=f"d{index:02d}",
        sku={"name": "GlobalStandard", "capacity": 10},
        tags=TOKEN_TAGS,
        properties={
            "model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"},
            "raiPolicyName": "Microsoft.DefaultV2",
            "versionUpgradeOption": "NoAutoUpgrade",
        },
        opts=pulumi.ResourceOptions(parent=PARENT[0], depends_on=[after]),
    )


def program(n: int, components: bool) -> None:
    """The resource group, then per 25 deployments an account, a project with one member, and the chain."""
    rg = resources.ResourceGroup("resource-group", resource_group_name="rg-bench", location="eastus2", tags=TAGS)
    for a in range((n + PER_ACCOUNT - 1) // PER_ACCOUNT):
        name = f"fdy-bench-{a:03d}"
        PARENT[0] = pulumi.ComponentResource("foundry-iac:foundry:FoundryAccount", name) if components else None
        previous = project(name, account(name, rg))
        for d in range(min(PER_ACCOUNT, n - a * PER_ACCOUNT)):
            previous = deployment(name, d, previous)


class _InlineMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, answering without the event loop (as foundry-iac's lean runner does)."""

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        return sdk.register_resource_now(self, request)[0]


def lean(n: int, components: bool) -> Echo:
    """The program under foundry-iac's lean settings."""
    gc.disable()
    loop = asyncio.new_event_loop()
    loop.set_default_executor(sdk.InlineExecutor())
    asyncio.set_event_loop(loop)
    echo = Echo()
    mocks.set_mocks(echo, project="foundry-iac", stack="bench", preview=True, monitor=_InlineMonitor(echo))

    def run() -> None:
        sdk.register_stack_transformation(sdk.drop_provider_aliases)
        program(n, components)

    with sdk.lean_offline_run(freeze=True):
        _sync_await(run_pulumi_func(run))
    return echo


def main() -> None:
    """Run the program under the SDK's mocks."""
    n = int(sys.argv[1])
    components = "--components" in sys.argv[2:]
    if "--lean" in sys.argv[2:]:
        echo = lean(n, components)
    else:
        echo = Echo()
        mocks.set_mocks(echo, project="foundry-iac", stack="bench", preview=True)
        _sync_await(run_pulumi_func(lambda: program(n, components)))
    if "--list" in sys.argv[2:]:
        print("\n".join(sorted(echo.created)))


if __name__ == "__main__":
    main()
