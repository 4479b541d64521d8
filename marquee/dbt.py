"""Run dbt in-process (dbtRunner) against a target, with the project's profile.

The profile is `profiles.yml.example` itself: it is copied, unchanged, to a
private profiles directory under `target/` on every call, so there is one
profile definition and nothing to edit. All settings come from the
environment (see the file).
"""

from __future__ import annotations

import contextlib
import logging
import os
from datetime import datetime, timezone
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingestion.errors import MarqueeError, first_line
from ingestion.settings import PROJECT_DIR
from marquee.engines import Engine

log = logging.getLogger(__name__)

PROFILE_TEMPLATE = PROJECT_DIR / "profiles.yml.example"


@dataclass
class DbtOutcome:
    """What a dbt command did: the invocation id and each node's status."""

    invocation_id: str | None
    statuses: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def built(self) -> set[str]:
        """The names of the nodes that were built or passed."""
        return {uid.split(".")[-1] for uid, status in self.statuses.items() if status in ("success", "pass")}


def target_dir() -> Path:
    """Where dbt writes its artifacts (manifest, run results, catalog): dbt's own
    DBT_TARGET_PATH when set (relative to the project), else target/."""
    path = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return path if path.is_absolute() else PROJECT_DIR / path


def profiles_dir() -> Path:
    directory = target_dir() / "profiles"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROFILE_TEMPLATE, directory / "profiles.yml")
    return directory


# The marts' schema of a dbt command marquee runs (macros/utils/generate_schema_name.sql, marts_schema()).
MARTS_SCHEMA_VARIABLE = "MARQUEE_MARTS_SCHEMA"


def marts_schema_for(command: str) -> str:
    """Where a dbt command's marts are: a build (or run) writes them into a new version schema,
    named after the time to the microsecond; every other command reads schema `marts`."""
    if command in ("build", "run"):
        return "marts_v" + datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
    return "marts"


@contextlib.contextmanager
def _environment_set(values: dict[str, str | None]) -> Iterator[None]:
    """The process environment with `values` set (None: unset) for one dbt invocation, then as it was
    (a dbt started later from this process, say by a test, must not inherit them)."""
    before = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _environment(target: Engine) -> None:
    target.before_dbt()
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def _progress(event: Any) -> None:
    """One compact line per finished node (the default, quiet log)."""
    if event.info.name != "NodeFinished":
        return
    node = event.data.node_info
    if node.resource_type not in ("model", "snapshot", "seed", "test", "unit_test"):
        return
    status = node.node_status
    if node.resource_type in ("test", "unit_test") and status in ("pass", "success", "skipped"):
        return  # passing and skipped tests are not listed
    log.info("  %-7s %-9s %s", status, node.resource_type, node.node_name)


def run_dbt(
    command: list[str],
    target: Engine,
    quiet: bool = False,
    variables: dict[str, str] | None = None,
    node_failures_ok: bool = False,
    silent: bool = False,
) -> DbtOutcome:
    """Invoke `dbt <command>` for the target; raise MarqueeError naming what failed.

    By default dbt's own log is silenced and one line per built node is
    logged instead; with `marquee --verbose` dbt logs as usual. With
    `node_failures_ok`, nodes that failed are reported in the outcome (the
    caller decides) and only a run that failed as a whole raises.

    Every command reuses dbt's last parse (partial parsing): dbt parses again only what changed,
    and the marts, whose schema this function names for the command (MARQUEE_MARTS_SCHEMA: a new
    version schema for a build, see marts_schema_for). macros/publishing/check_marts_schema.sql
    refuses a build whose marts would go anywhere but a new version schema.
    """
    import json

    from dbt.cli.main import dbtRunner

    _environment(target)
    args = [
        *command,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(profiles_dir()),
        "--target",
        target.name,
    ]
    if variables:
        args += ["--vars", json.dumps(variables)]
    args += ["--partial-parse"]
    if silent:  # the caller reports the results itself (from dbt's artifacts), errors included
        args += ["--log-level", "none"]
    verbose = log.getEffectiveLevel() <= logging.DEBUG
    if quiet or not verbose:
        args += ["--quiet"]
    errors: list[str] = []

    def collect_errors(event: Any) -> None:  # what dbt reports at level error, even under --quiet
        if event.info.level == "error" and event.info.msg:
            errors.append(str(event.info.msg))

    callbacks = ([] if verbose or quiet else [_progress]) + [collect_errors]
    environment = {**target.dbt_environment(), MARTS_SCHEMA_VARIABLE: marts_schema_for(command[0])}
    try:
        with _environment_set(environment):
            result = dbtRunner(callbacks=callbacks).invoke(args)
    finally:
        target.after_dbt()
    outcome = _outcome(result)
    if not result.success:
        if outcome.failures and node_failures_ok:
            return outcome
        if outcome.failures:
            raise MarqueeError(f"dbt {command[0]} failed: {'; '.join(outcome.failures[:5])}")
        if result.exception:
            reason = first_line(result.exception)
        elif errors:
            reason = _error_message(errors[-1])
        else:
            reason = "see the log above"
        raise MarqueeError(f"dbt {command[0]} failed: {reason}")
    return outcome


def _outcome(result: Any) -> DbtOutcome:
    outcome = DbtOutcome(invocation_id=None)
    run_result = result.result
    results = getattr(run_result, "results", None) or []
    for node_result in results:
        node = getattr(node_result, "node", None)
        if node is None:  # a run-operation's result names no node
            continue
        status = str(node_result.status)
        outcome.statuses[node.unique_id] = status
        if status in ("error", "fail", "runtime error"):
            message = _error_message(node_result.message) if node_result.message else status
            outcome.failures.append(f"{node.name} ({status}: {message})")
    args = getattr(run_result, "args", None) or {}
    outcome.invocation_id = args.get("invocation_id") if isinstance(args, dict) else None
    if outcome.invocation_id is None:
        try:
            from dbt_common.invocation import get_invocation_id

            outcome.invocation_id = get_invocation_id()
        except ImportError:  # pragma: no cover - older dbt-common
            pass
    return outcome


def _error_message(value: Any) -> str:
    """The informative line of a dbt node error (not its 'X Error in model m (path)' header)."""
    lines = [line.strip() for line in str(value).splitlines() if line.strip()]
    if len(lines) > 1 and re.match(r"^(Compilation|Runtime|Database) Error in ", lines[0]):
        return f"{lines[0].split(' in ')[0]}: {lines[1]}"
    return lines[0] if lines else ""

BUILT_TYPES = ("model", "seed", "snapshot", "unit_test")
# The profile target node listings use (profiles.yml.example): no warehouse, a parse of its own.
SELECTION_TARGET = "selection"


def selection_with_tests(select: str) -> list[str]:
    """The nodes `select` builds, and the data tests whose every parent is among them.

    dbt's own indirect selection does not give that: a graph selector such as
    `source:tmdb+` reaches the tests of a selected model directly, even one that
    also reads an unselected model (show_history's relationship to master_shows),
    and no mode or exclusion drops it. The result is a list of node names for
    `dbt build --select ... --indirect-selection empty`; empty when nothing matches.
    """
    import io
    import json

    from dbt.cli.main import dbtRunner

    # The listing has a profile and artifacts of its own (profiles.yml.example, target
    # `selection`): the node ids and tests do not depend on the warehouse or the marts' schema,
    # and so the parse is reused from one listing to the next (a build's parse, whose vars and
    # profile differ, never overwrites it).
    listing = target_dir() / SELECTION_TARGET
    args = ["ls", "--select", select, "--resource-type", *BUILT_TYPES, "--output", "json",
            "--output-keys", "unique_id", "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(profiles_dir()), "--target", SELECTION_TARGET, "--quiet",
            "--target-path", str(listing), "--partial-parse"]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()):
        result = dbtRunner().invoke(args)
    if not result.success:
        raise MarqueeError(f"dbt ls failed: {first_line(result.exception) if result.exception else select}")
    built = {json.loads(line)["unique_id"] for line in result.result or []}
    manifest = json.loads((listing / "manifest.json").read_text())
    tests = [
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "test"
        and all(parent in built or parent.startswith("source.") for parent in node["depends_on"]["nodes"])
        and any(parent in built for parent in node["depends_on"]["nodes"])
    ]
    nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    return sorted(nodes[uid]["name"] for uid in built | set(tests) if uid in nodes)


def tagged_relation(tag: str) -> str:
    """`schema.relation` of the one model carrying `tag` (how Python finds what a model marks for it)."""
    import json

    manifest = json.loads((target_dir() / "manifest.json").read_text())
    found = [node for node in manifest["nodes"].values() if node["resource_type"] == "model" and tag in node["tags"]]
    if len(found) != 1:
        raise MarqueeError(f"expected one dbt model tagged {tag!r}, found {len(found)}")
    return f"{found[0]['schema']}.{found[0]['alias'] or found[0]['name']}"
