"""The `foundry-iac` subcommands (contract: docs/cli.md); `cli.main` finds the repository and calls `run`.

Exit codes: 0 no mandatory violation, 1 at least one, 2 bad input or any internal error (fail closed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from components.errors import FoundryIacError
from components.text import clip, short

from ..engine.report_model import DiffReport, Report, as_json
from ..errors import OutputError, UsageError
from ..exit_codes import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS
from ..version import version, version_text
from . import add, lifecycle, upgrade, where
from .command_io import CommandIO, CommandModule, endpoint_url, timeout_option
from .console import say, stderr_is_terminal

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

    from ..engine.stacks import StackRef

R = TypeVar("R", Report, DiffReport)

# Commands in a module of their own: each has `add_parser(sub)` and `run(args, io)` (cli/command_io.py).
MODULE_COMMANDS: dict[str, CommandModule] = {"upgrade": upgrade, "lifecycle": lifecycle, "where": where, "add": add}


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(
            f"{message}; see 'foundry-iac {self.prog.split()[-1]} --help'"
            if " " in self.prog
            else f"{message}; see 'foundry-iac --help'"
        )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(prog="foundry-iac", description="Azure AI Foundry as code: offline plan and policy gate.")
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    plan = sub.add_parser("plan", help="the resources `pulumi up` would create, with cost, quota and verdicts")
    plan.add_argument("stack", help="stack name (stacks/Pulumi.<name>.yaml) or stack file path")
    plan.add_argument(
        "--format",
        choices=["text", "markdown", "json", "arm"],
        default="text",
        help="text (a tree), markdown (the gate's comment with a Mermaid diagram of the estate), json (the report) "
        "or arm (an ARM deployment template, for other scanners)",
    )
    plan.add_argument("--output", help="write the plan there instead of stdout")
    plan.add_argument("--policy-config", help="policy config file instead of policies/config/<stack>.json")
    check = sub.add_parser("check", help="the gate: policy verdicts, cost and quota for stacks (default: all)")
    check.add_argument("stacks", nargs="*", metavar="STACK", help="stack names or stack file paths")
    check.add_argument("--format", choices=["text", "markdown", "json", "sarif"], default="text")
    check.add_argument("--output", help="write the report there instead of stdout")
    check.add_argument(
        "--policy-config", help="policy config file instead of policies/config/<stack>.json (one STACK only)"
    )
    diff = sub.add_parser("diff", help="what the work tree changes against a base ref, per stack")
    diff.add_argument("--base", required=True, help="git ref to compare with (e.g. origin/main, HEAD~1)")
    diff.add_argument("stacks", nargs="*", metavar="STACK", help="stack names (default: every stack on either side)")
    diff.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    diff.add_argument("--output", help="write the diff there instead of stdout")
    prices = sub.add_parser("prices", help="model prices in the catalog").add_subparsers(
        dest="prices_command", required=True, parser_class=_Parser
    )
    prices_sync = prices.add_parser("sync", help="refresh catalog prices from the Azure Retail Prices API")
    prices_sync.add_argument("--region", default="eastus2", help="region whose meters are read (default eastus2)")
    prices_sync.add_argument("--catalog", help="catalog file to update (default components/catalog.json)")
    prices_sync.add_argument(
        "--endpoint", default=None, type=endpoint_url, help="Retail Prices API URL (default the public one)"
    )
    prices_sync.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    timeout_option(prices_sync)
    catalog = sub.add_parser("catalog", help="the model catalog").add_subparsers(
        dest="catalog_command", required=True, parser_class=_Parser
    )
    catalog_sync = catalog.add_parser(
        "sync", help="merge versions, lifecycle, offers and usage names from Azure's Models API into the catalog"
    )
    catalog_sync.add_argument("--subscription", required=True, help="subscription id")
    catalog_sync.add_argument("--region", required=True, nargs="+", dest="regions", metavar="REGION")
    catalog_sync.add_argument(
        "--endpoint", default=None, type=endpoint_url, help="Azure Resource Manager URL (default public cloud)"
    )
    catalog_sync.add_argument("--catalog", help="catalog file to update (default components/catalog.json)")
    catalog_sync.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    timeout_option(catalog_sync)
    quota = sub.add_parser("quota", help="quota snapshots and headroom").add_subparsers(
        dest="quota_command", required=True, parser_class=_Parser
    )
    quota_sync = quota.add_parser("sync", help="read quota usages and model capacity rules from Azure")
    quota_sync.add_argument("--subscription", required=True, help="subscription id")
    quota_sync.add_argument("--region", required=True, nargs="+", dest="regions", metavar="REGION")
    quota_sync.add_argument(
        "--endpoint", default=None, type=endpoint_url, help="Azure Resource Manager URL (default public cloud)"
    )
    quota_sync.add_argument("--output", help="snapshot file (default quotas/<subscription>.json)")
    timeout_option(quota_sync)
    quota_show = quota.add_parser("show", help="headroom per usage name across the stacks")
    quota_show.add_argument("stacks", nargs="*", metavar="STACK", help="stacks to count (default: all)")
    quota_show.add_argument("--subscription", help="only this subscription")
    preflight = sub.add_parser(
        "preflight", help="live, read-only checks of the stacks against their subscription (default: all stacks)"
    )
    preflight.add_argument("stacks", nargs="*", metavar="STACK", help="stack names or stack file paths")
    preflight.add_argument("--format", choices=["text", "markdown", "json", "sarif"], default="text")
    preflight.add_argument("--output", help="write the report there instead of stdout")
    preflight.add_argument(
        "--endpoint",
        default=None,
        type=endpoint_url,
        help="Azure Resource Manager URL (default $FOUNDRY_IAC_ARM_ENDPOINT, else public cloud)",
    )
    timeout_option(preflight)
    for action in ("preview", "up"):
        rollout = sub.add_parser(
            action,
            help=f"gate STACK offline, then `pulumi {action}` with the policy pack and policies/config/STACK.json",
        )
        rollout.add_argument("stack", help="stack name (stacks/Pulumi.<name>.yaml); not a path")
        if action == "up":
            timeout_option(rollout)  # for the live preflight
        rollout.add_argument(
            "pulumi_args", nargs=argparse.REMAINDER, metavar="-- PULUMI ARGS", help="passed on to pulumi (e.g. --yes)"
        )
    for module in MODULE_COMMANDS.values():
        module.add_parser(sub)
    return parser


def write_stdout(text: str) -> None:
    """Write to standard output; a closed or full one is an OutputError (exit 2), not an internal error."""
    if sys.stdout is None:  # started with standard output closed
        raise OutputError.stdout(ValueError("it is closed"))
    try:
        sys.stdout.write(text)
    except (OSError, ValueError) as exc:  # ValueError: standard output was closed
        raise OutputError.stdout(exc) from None


def _write(text: str, output: str | None) -> None:
    """Write a report to stdout, or to `output` whole: a regular file is replaced atomically; a symlink is
    written through to its target (as a shell's `>` would); a device or pipe is written in place, never
    replaced by a file."""
    if output is None:
        write_stdout(text)
        return
    target = Path(os.path.realpath(output))
    if target.is_dir():
        raise UsageError(f"--output {output}: a directory; name a file to write the report to")
    try:
        if target.exists() and not target.is_file():
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(text)
            return
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write: {exc.strerror or exc}") from None
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"--output {output}: cannot write: {exc.strerror or exc}") from None


def _policy_config(value: str | None) -> tuple[Path, str] | None:
    if value is None:
        return None
    path = Path(value)
    if not path.is_file():
        what = "no such file" if not path.exists() else "not a regular file"
        raise UsageError(f"--policy-config {value}: {what}; give the path of a policy config JSON file")
    return path.resolve(), value


def _report(stacks: list[str], policy_config: str | None) -> Report:
    from ..engine.pool import build_report
    from ..engine.stacks import project_root, resolve_stacks

    root = project_root()
    refs = resolve_stacks(list(stacks or []), root)
    if not refs:
        raise UsageError("no stacks: stacks/ has no Pulumi.<stack>.yaml; add one or name a stack file")
    if policy_config and len(refs) != 1:
        raise UsageError(
            "--policy-config applies to one STACK; name exactly one stack, or drop --policy-config "
            "to use policies/config/<stack>.json for each"
        )
    return build_report(refs, root, _policy_config(policy_config))


def _verdict(report: Report | DiffReport) -> int:
    return EXIT_OK if report.passed else EXIT_VIOLATIONS


def _failing(report: Report | DiffReport) -> list[str]:
    return [s.stack for s in report.stacks if s.passed is False]


def _tell_verdict(report: Report | DiffReport, args: argparse.Namespace) -> None:
    """One line on standard error with the verdict when the report went to a file, and with a FAIL when a
    report for machines (JSON, ARM, SARIF) went to standard output: a person running the command still sees
    that it failed and where to read why. A passing report on standard output adds nothing."""
    if args.output is None and (report.passed or args.format in ("text", "markdown")):
        return
    where = args.output if args.output is not None else "standard output"
    if report.passed:
        say(f"PASS: the {args.format} report is in {where}")
    else:
        say(f"FAIL: {', '.join(_failing(report))} did not pass; the {args.format} report is in {where}")


def cmd_plan(args: argparse.Namespace) -> int:
    """foundry-iac plan STACK: the tree (or the JSON report) of one stack."""
    from ..render.plan import render_plan

    report = _report([args.stack], args.policy_config)
    if args.format == "json":
        _write(as_json(report), args.output)
    elif args.format == "arm":
        from ..engine.arm_export import arm_template

        template = arm_template(report.stacks[0], version())
        _write(json.dumps(template, indent=2, sort_keys=True, allow_nan=False) + "\n", args.output)
    elif args.format == "markdown":
        from ..render.markdown import render_markdown

        _write(render_markdown(report, "plan"), args.output)
    else:
        _write(render_plan(report.stacks[0]), args.output)
    _tell_verdict(report, args)
    return _verdict(report)


def cmd_check(args: argparse.Namespace) -> int:
    """foundry-iac check [STACK ...]: the gate over the stacks, in the chosen format."""
    from ..render.markdown import render_markdown
    from ..render.sarif import render_sarif
    from ..render.text import render_text

    report = _report(args.stacks, args.policy_config)
    renderers = {"markdown": render_markdown, "sarif": render_sarif, "text": render_text}
    _write(_render(report, args.format, renderers), args.output)
    _tell_verdict(report, args)
    return _verdict(report)


def _render(report: R, fmt: str, renderers: Mapping[str, Callable[[R], str]]) -> str:
    """JSON, or the output of the renderer registered for the format."""
    if fmt == "json":
        return as_json(report)
    return renderers[fmt](report)


def cmd_diff(args: argparse.Namespace) -> int:
    """foundry-iac diff --base REF [STACK ...]."""
    from ..engine.diff import compare
    from ..engine.stacks import project_root
    from ..render.diff import render_diff_markdown, render_diff_text

    found = compare(project_root(), args.base, args.stacks)
    report = found.report
    renderers = {"markdown": lambda r: render_diff_markdown(r, found.sides), "text": render_diff_text}
    _write(_render(report, args.format, renderers), args.output)
    _tell_verdict(report, args)
    return _verdict(report)


def cmd_prices(args: argparse.Namespace) -> int:
    """foundry-iac prices sync."""
    from components.catalog import CATALOG_PATH

    from ..azure.client import Limits
    from ..azure.prices_sync import RETAIL_ENDPOINT, PriceSyncError, render_result, sync_prices

    catalog = Path(args.catalog) if args.catalog else CATALOG_PATH
    if not catalog.is_file():
        raise UsageError(f"--catalog {args.catalog}: no such file")
    try:
        result = sync_prices(
            catalog, args.region, args.endpoint or RETAIL_ENDPOINT, dry_run=args.dry_run, limits=Limits(args.timeout)
        )
    except PriceSyncError as exc:
        raise PriceSyncError(f"prices sync: {exc}; {catalog} was not changed") from None
    write_stdout(render_result(result, args.region, args.catalog or os.path.relpath(catalog), args.dry_run))
    return EXIT_OK


def cmd_quota(args: argparse.Namespace) -> int:
    """foundry-iac quota sync | show."""
    from ..engine.stacks import project_root, resolve_stacks

    if args.quota_command == "show":
        from ..render.quota import quota_rows, render_quota

        root = project_root()
        refs = resolve_stacks(list(args.stacks or []), root)
        write_stdout(render_quota(quota_rows(root, refs, args.subscription)))
        return EXIT_OK
    import re

    from ..azure.client import Limits
    from ..azure.quota_sync import ARM_ENDPOINT, QuotaSyncError, sync_quota, write_snapshot
    from ..engine.quota_snapshot import snapshot_path

    if not re.fullmatch(r"[0-9a-fA-F-]{36}", args.subscription):
        raise UsageError(f"--subscription {args.subscription!r} is not a subscription id (a GUID)")
    target = Path(args.output) if args.output else snapshot_path(project_root(), args.subscription)
    credential = default_credential()
    try:
        data = sync_quota(
            args.subscription,
            args.regions,
            credential,
            args.endpoint or ARM_ENDPOINT,
            progress=say,
            limits=Limits(args.timeout),
        )
    except QuotaSyncError as exc:
        raise QuotaSyncError(f"quota sync: {exc}; {target} was not changed") from None
    finally:
        _close(credential)
    write_snapshot(target, data)
    say(f"wrote {target}: {len(data['regions'])} region(s)")
    return EXIT_OK


def cmd_catalog(args: argparse.Namespace) -> int:
    """foundry-iac catalog sync."""
    import re

    from components.catalog import CATALOG_PATH

    from ..azure.catalog_sync import CatalogSyncError, render_result, sync_catalog
    from ..azure.client import Limits
    from ..azure.quota_sync import ARM_ENDPOINT

    if not re.fullmatch(r"[0-9a-fA-F-]{36}", args.subscription):
        raise UsageError(f"--subscription {args.subscription!r} is not a subscription id (a GUID)")
    catalog = Path(args.catalog) if args.catalog else CATALOG_PATH
    if not catalog.is_file():
        raise UsageError(f"--catalog {args.catalog}: no such file")
    credential = default_credential()
    try:
        result = sync_catalog(
            catalog,
            args.subscription,
            args.regions,
            credential,
            args.endpoint or ARM_ENDPOINT,
            progress=say,
            dry_run=args.dry_run,
            limits=Limits(args.timeout),
        )
    except CatalogSyncError as exc:
        raise CatalogSyncError(f"catalog sync: {exc}; {catalog} was not changed") from None
    finally:
        _close(credential)
    write_stdout(render_result(result, args.catalog or os.path.relpath(catalog), args.dry_run))
    return EXIT_OK


def pulumi_command(action: str, stack: str, pack_config: Path, extra: Sequence[str]) -> list[str]:
    """The Pulumi CLI call for a stack, with the policy pack and the config the gate generated for it."""
    return [
        "pulumi",
        action,
        "--stack",
        stack,
        "--policy-pack",
        "policies",
        "--policy-pack-config",
        pack_config.as_posix(),
        *extra,
    ]


def cmd_rollout(args: argparse.Namespace) -> int:
    """foundry-iac preview|up STACK [pulumi args]: the gate first; Pulumi only when it passes.

    `up` also runs the live preflight between the gate and Pulumi (FOUNDRY_IAC_PREFLIGHT=off skips it).
    Exit codes: Pulumi's own; 1 when the gate or the preflight finds a mandatory violation (Pulumi is not
    run); 2 for bad input or a missing Pulumi CLI.
    """
    import shutil
    import subprocess

    from ..engine.gate import default_policy_config, gate_stack
    from ..engine.pack_config import write_pack_config
    from ..engine.stacks import project_root, resolve_stack
    from ..render.text import render_text

    action, stack = args.command, args.stack
    extra = [a for a in args.pulumi_args if a != "--"] if args.pulumi_args[:1] == ["--"] else args.pulumi_args
    if "/" in stack or stack.endswith((".yaml", ".yml")):
        raise UsageError(f"{stack}: foundry-iac {action} takes a stack name (stacks/Pulumi.<name>.yaml), not a path")
    if shutil.which("pulumi") is None:
        raise UsageError(
            "the Pulumi CLI is not on PATH: install it (scripts/install-pulumi-cli, or "
            "https://www.pulumi.com/docs/install/) and run again"
        )
    root = project_root()
    ref = resolve_stack(stack, root)
    gated = gate_stack(ref, root)
    report = Report(passed=gated.entry.passed, stacks=[gated.entry])
    write_stdout(render_text(report))
    if not report.passed:
        say(f"error: the gate failed for {stack}: not running pulumi {action}")
        return EXIT_VIOLATIONS
    if action == "up" and os.environ.get(PREFLIGHT_ENV, "on") != "off":
        # live, read-only: Azure accepts the stack today (capacity, quota, names, filters) before anything is written
        checked = run_preflight([ref], report, None, args.timeout)
        write_stdout(preflight_renderers()["text"](checked))
        if not checked.passed:
            say(f"error: the preflight failed for {stack}: not running pulumi {action}")
            return EXIT_VIOLATIONS
    policy_file, _ = default_policy_config(root, ref)
    command = pulumi_command(action, stack, write_pack_config(root, stack, policy_file, gated.settings), extra)
    say(f"+ {' '.join(command)}")  # flushed: before Pulumi's own output
    return subprocess.run(command, cwd=root, check=False).returncode


def default_credential() -> TokenCredential:
    """azure-identity's DefaultAzureCredential without the browser prompt (az login, OIDC, managed identity)."""
    import logging

    from azure.identity import DefaultAzureCredential

    # azure-identity logs every credential it tried as a warning; the failed read names the sign-in problem in
    # one line instead (live_arm), so its multi-line log would only bury the findings
    logging.getLogger("azure.identity").setLevel(logging.ERROR)
    return DefaultAzureCredential(exclude_interactive_browser_credential=True)


def _close(credential: TokenCredential) -> None:
    close = getattr(credential, "close", None)
    if close:
        close()


ARM_ENDPOINT_ENV = "FOUNDRY_IAC_ARM_ENDPOINT"
PREFLIGHT_ENV = "FOUNDRY_IAC_PREFLIGHT"


def run_preflight(refs: list[StackRef], gated: Report | None, endpoint: str | None, timeout: float) -> Report:
    """Preflight the stacks against their live subscriptions (DefaultAzureCredential), with progress on a terminal;
    every call to Azure within one deadline of `timeout` seconds."""
    from components.clock import default_today

    from ..azure.client import Limits
    from ..azure.live_arm import LiveArm
    from ..azure.preflight import preflight
    from ..azure.quota_sync import ARM_ENDPOINT
    from ..engine.stacks import project_root

    arm_endpoint = endpoint or os.environ.get(ARM_ENDPOINT_ENV) or ARM_ENDPOINT
    limits = Limits(timeout)
    credential = default_credential()
    try:
        return preflight(
            refs,
            project_root(),
            lambda subscription: LiveArm(credential, subscription, arm_endpoint, limits=limits),
            default_today(),
            progress=say if stderr_is_terminal() else None,
            gated=gated,
        )
    finally:
        _close(credential)


def preflight_renderers() -> dict[str, Callable[[Report], str]]:
    """The gate's renderers, titled 'preflight'."""
    from ..render.markdown import render_markdown
    from ..render.sarif import render_sarif
    from ..render.text import render_text

    return {
        "markdown": lambda r: render_markdown(r, "preflight", diagrams=False),
        "sarif": render_sarif,
        "text": lambda r: render_text(r, "preflight"),
    }


def cmd_preflight(args: argparse.Namespace) -> int:
    """foundry-iac preflight [STACK ...]: live checks in the gate's report formats and exit codes."""
    from ..engine.stacks import project_root, resolve_stacks

    root = project_root()
    refs = resolve_stacks(list(args.stacks or []), root)
    if not refs:
        raise UsageError("no stacks: stacks/ has no Pulumi.<stack>.yaml; add one or name a stack file")
    report = run_preflight(refs, None, args.endpoint, args.timeout)
    _write(_render(report, args.format, preflight_renderers()), args.output)
    return _verdict(report)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "preflight": cmd_preflight,
    "preview": cmd_rollout,
    "up": cmd_rollout,
    "plan": cmd_plan,
    "check": cmd_check,
    "diff": cmd_diff,
    "prices": cmd_prices,
    "quota": cmd_quota,
    "catalog": cmd_catalog,
}


def run(argv: Sequence[str] | None = None) -> int:
    """Parse and run one command; never lets a traceback reach the user (fail closed)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help or --version (usage errors raise UsageError): 0 when it was told
        return EXIT_OK if exc.code == 0 else EXIT_ERROR
    except UsageError as exc:
        _say_error(exc.lines())
        return EXIT_ERROR
    try:
        module = MODULE_COMMANDS.get(args.command)
        if module is not None:
            return module.run(args, CommandIO(_write, default_credential, os.environ.get(ARM_ENDPOINT_ENV)))
        return COMMANDS[args.command](args)
    except SystemExit as exc:  # code that exits mid-command (a policy, a component): never a verdict
        _say_error([ended_without_verdict(args.command, exc.code)])
        return EXIT_ERROR
    except KeyboardInterrupt:
        _say_error(["interrupted"])
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - every failure is exit 2, never a pass
        _say_error(error_lines(exc))
        return EXIT_ERROR
    except BaseException as exc:  # noqa: BLE001 - GeneratorExit or a BaseException subclass: never a verdict
        _say_error(
            [
                f"foundry-iac {args.command} ended before its verdict ({type(exc).__name__} was raised while it "
                "ran); nothing was judged: raise an Exception subclass for a problem, never a BaseException"
            ]
        )
        return EXIT_ERROR


def ended_without_verdict(command: str, code: object) -> str:
    """The line for a command that raised SystemExit (any code: 0, 1, None, text, an object) before its verdict."""
    return (
        f"foundry-iac {command} ended before its verdict (SystemExit({short(code)}) was raised while it ran); "
        "nothing was judged: remove the sys.exit() call from the code it ran"
    )


MAX_ERROR_LINES = 20  # a file with thousands of mistakes: the first ones, in file order, and how many more


def _say_error(lines: list[str]) -> None:
    """Print `error: ...` lines to standard error (at most MAX_ERROR_LINES, then how many more); if it is
    closed or full, the exit code alone tells."""
    for line in lines[:MAX_ERROR_LINES]:
        say(f"error: {line}")
    if len(lines) > MAX_ERROR_LINES:
        say(f"error: and {len(lines) - MAX_ERROR_LINES} more problems; fix these first")


def error_lines(exc: Exception) -> list[str]:
    """The one-line messages of a failure: input problems as they are, anything else as an internal error."""
    if isinstance(exc, FoundryIacError):
        return exc.lines()
    text = clip(str(exc))
    return [f"internal error ({type(exc).__name__}: {text}); this is a foundry-iac bug, please report it"]
