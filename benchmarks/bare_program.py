"""The floor for bench_plan.py: register the same Azure resources as a generated stack, nothing else.

No config model, no components, no recording: plain azure-native resources under the SDK's own
MockMonitor, with the same props, the same per-account depends_on chain, and the same process start.
Usage: python bare_program.py N
"""

from __future__ import annotations

import sys

import pulumi
from pulumi.runtime import mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await
from pulumi_azure_native import authorization, cognitiveservices, resources

SUB = "11111111-2222-3333-4444-555555555555"
PER_ACCOUNT = 25


class Echo(mocks.Mocks):
    def new_resource(self, args):
        return f"{args.name}-id", args.inputs

    def call(self, args):
        return {}, None


def program(n: int) -> None:
    rg = resources.ResourceGroup(
        "resource-group", resource_group_name="rg-bench", location="eastus2", tags={"owner": "bench"}
    )
    for a in range((n + PER_ACCOUNT - 1) // PER_ACCOUNT):
        name = f"fdy-bench-{a:03d}"
        account = cognitiveservices.Account(
            f"{name}-account",
            account_name=name,
            resource_group_name="rg-bench",
            location="eastus2",
            kind="AIServices",
            sku={"name": "S0"},
            identity={"type": "SystemAssigned"},
            properties={
                "allowProjectManagement": True,
                "customSubDomainName": f"{name}-abcdef",
                "disableLocalAuth": True,
                "publicNetworkAccess": "Disabled",
                "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"},
            },
            tags={"owner": "bench"},
            opts=pulumi.ResourceOptions(depends_on=[rg]),
        )
        scope = f"/subscriptions/{SUB}/resourceGroups/rg-bench/providers/Microsoft.CognitiveServices/accounts/{name}"
        project = cognitiveservices.Project(
            f"{name}-team-project",
            account_name=name,
            resource_group_name="rg-bench",
            project_name="team",
            location="eastus2",
            identity={"type": "SystemAssigned"},
            properties={"displayName": "team"},
            tags={"owner": "bench"},
            opts=pulumi.ResourceOptions(depends_on=[account]),
        )
        authorization.RoleAssignment(
            f"{name}-team-role",
            role_assignment_name="0f0e0d0c-0b0a-4909-8807-060504030201",
            principal_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            principal_type="Group",
            role_definition_id=f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
            "53ca6127-db72-4b80-b1b0-d745d6d5456d",
            scope=f"{scope}/projects/team",
            opts=pulumi.ResourceOptions(depends_on=[project]),
        )
        previous: pulumi.Resource = project
        for d in range(min(PER_ACCOUNT, n - a * PER_ACCOUNT)):
            previous = cognitiveservices.Deployment(
                f"{name}-deployment-d{d:02d}",
                account_name=name,
                resource_group_name="rg-bench",
                deployment_name=f"d{d:02d}",
                sku={"name": "GlobalStandard", "capacity": 10},
                properties={
                    "model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"},
                    "raiPolicyName": "Microsoft.DefaultV2",
                    "versionUpgradeOption": "NoAutoUpgrade",
                },
                opts=pulumi.ResourceOptions(depends_on=[previous]),
            )


def main() -> None:
    n = int(sys.argv[1])
    mocks.set_mocks(Echo(), project="foundry-iac", stack="bench", preview=True)
    _sync_await(run_pulumi_func(lambda: program(n)))


if __name__ == "__main__":
    main()
