"""Unattended runs (marquee/orchestration/, marquee/serve.py), offline, on DuckDB.

- The code location loads; its graph holds every landing, dbt node and exposure, in run order.
- Retries: a transient landing failure is retried with backoff and the run lands; a permanent one
  is tried once; a landing that gives up is recorded and the rest of the run goes on; a failed
  build step fails the run, and the webhook hears of it, without a secret.
- The schedule follows its settings; the feed sensor starts one run per change (URL validators,
  body hash, new files in a directory) and none for an unchanged feed.
- `marquee serve`: credentials (none, wrong, bearer, HMAC), oversized bodies, one run for two
  triggers, against a real Dagster webserver; no secret in a log.
The run that publishes what `marquee run` publishes is in tests/test_sample_run.py (it compares
with the sample run made there).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from tests.conftest import Warehouse, run_cli, write_feed
from tests.fakes.http_server import Request, scripted_server
from tests.test_shows_pipeline import FEED_A

CANARY = "canary-trigger-secret-7c41"
FEED_TOKEN = "canary-feed-token-d93e"
FAST_RETRIES = {"ORCHESTRATION__BACKOFF_BASE_SECONDS": "0.05", "ORCHESTRATION__BACKOFF_MAX_SECONDS": "0.2"}


def _feed_bytes(tmp_path: Path, records: list[dict[str, Any]]) -> bytes:
    return Path(write_feed(tmp_path / "feed.json", records)).read_bytes()


def _events(result: dg.ExecuteInProcessResult, kind: str) -> list[dg.DagsterEvent]:
    return [event for event in result.all_events if event.event_type_value == kind]


def _everything_logged(instance: dg.DagsterInstance, run_id: str) -> str:
    """Every event-log entry of a run (messages, errors, metadata) and its tags, as one text."""
    run = instance.get_run_by_id(run_id)
    entries = [entry.to_json() if hasattr(entry, "to_json") else repr(entry) for entry in instance.all_logs(run_id)]
    return "\n".join(entries) + json.dumps(dict(run.tags if run else {}))


@pytest.fixture
def instance() -> Any:
    with dg.instance_for_test() as test_instance:
        yield test_instance


# ---- the code location ----------------------------------------------------------------


def test_definitions_hold_the_whole_lineage_in_run_order() -> None:
    from marquee.orchestration import assets
    from marquee.orchestration.definitions import defs
    from marquee.orchestration.manifest import load_manifest

    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    manifest = load_manifest()
    built = [node for node in manifest["nodes"].values() if node["resource_type"] in ("model", "seed", "snapshot")]
    dbt_keys = {key.to_user_string() for key in assets.dbt_shows_build.keys | assets.dbt_media_build.keys}
    assert len(dbt_keys) == len(built)  # every model, seed and snapshot, once
    assert {"shows/shows", "tmdb/tmdb_titles", "app/app_users", "app/app_row_keys", "marts/master_shows",
            "marts/media", "exposure/showtimes_dashboard", "exposure/tmdb_enrichment"} <= keys  # fmt: skip
    assert len([k for k in keys if k.startswith("app/")]) == 11
    assert len([k for k in keys if k.startswith("exposure/")]) == len(manifest["exposures"]) == 4
    assert dg.AssetKey(["marts", "master_shows"]) in graph.get(dg.AssetKey(["exposure", "showtimes_dashboard"])).parent_keys
    # the steps of a sync run, and what each waits for
    job = defs.resolve_job_def("marquee_sync")
    after = {
        name: sorted({out.node.name for outs in job.graph.dependency_structure.input_to_upstream_outputs_for_node(name).values() for out in outs})
        for name in job.graph.node_dict
    }  # fmt: skip
    assert after == {
        "land_shows": [], "land_app": [],
        "dbt_shows_build": ["land_app", "land_shows"],
        "fetch_tmdb": ["dbt_shows_build"],
        "dbt_media_build": ["dbt_shows_build", "fetch_tmdb"],
    }  # fmt: skip
    assert "marts/media" in {k.to_user_string() for k in assets.dbt_media_build.keys}
    assert "marts/show_history" in {k.to_user_string() for k in assets.dbt_shows_build.keys}
    # what the fetch log feeds is built again after the fetch (master_shows' tmdb_id)
    assert {k.to_user_string() for k in assets.FETCH_LOG_FED} >= {"marts/master_shows", "intermediate/int_tmdb_work_list"}
    assert job.tags["marquee/warehouse"] == "duckdb"


# ---- retries and failures -----------------------------------------------------------------


def test_a_transient_landing_failure_is_retried_and_lands(
    duckdb_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instance: dg.DagsterInstance
) -> None:
    from marquee.orchestration import assets

    body = _feed_bytes(tmp_path, FEED_A[:3])
    answers = iter([(503, {}, b"busy"), (502, {}, b"bad gateway")])

    def respond(request: Request) -> tuple[int, dict[str, str], bytes]:
        return next(answers, (200, {"Content-Type": "application/json"}, body))

    with scripted_server(respond) as server:
        for name, value in {**FAST_RETRIES, "ORCHESTRATION__SHOWS_SOURCES": json.dumps([f"{server.url}/feed.json?token={FEED_TOKEN}"])}.items():
            monkeypatch.setenv(name, value)
        result = dg.materialize([assets.land_shows], instance=instance, raise_on_error=False)
    assert result.success
    assert len(server.requests) == 3  # two failures, then the feed
    assert len(_events(result, "STEP_UP_FOR_RETRY")) == 2
    checks = [e.event_specific_data for e in _events(result, "ASSET_CHECK_EVALUATION")]
    assert [(c.check_name, c.passed) for c in checks] == [("landed", True)]
    assert duckdb_warehouse.sql("select count(*), count(distinct _dlt_load_id) from raw.shows") == [(3, 1)]
    assert FEED_TOKEN not in _everything_logged(instance, result.run_id)


def test_a_permanent_landing_failure_is_tried_once_and_the_run_goes_on(
    duckdb_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch, instance: dg.DagsterInstance
) -> None:
    from marquee.orchestration import assets
    from marquee.orchestration.steps import FAILED_LANDINGS_TAG

    with scripted_server(lambda request: (404, {}, b"no such feed")) as server:
        for name, value in {**FAST_RETRIES, "ORCHESTRATION__SHOWS_SOURCES": f"{server.url}/gone.json?token={FEED_TOKEN}"}.items():
            monkeypatch.setenv(name, value)
        # the app lands although the feed cannot: one source's trouble does not stop the other
        result = dg.materialize([assets.land_shows, assets.land_app], instance=instance, raise_on_error=False)
    assert result.success
    assert len(server.requests) == 1 and not _events(result, "STEP_UP_FOR_RETRY")
    checks = {
        (c.asset_key.to_user_string(), c.passed)
        for e in _events(result, "ASSET_CHECK_EVALUATION")
        if (c := e.event_specific_data)
    }
    assert ("shows/shows", False) in checks and ("app/app_users", True) in checks
    failed = json.loads(instance.get_run_by_id(result.run_id).tags[FAILED_LANDINGS_TAG])
    assert list(failed) == ["land_shows"]
    assert failed["land_shows"].startswith("shows feed http://127.0.0.1:") and "HTTP 404" in failed["land_shows"]
    assert duckdb_warehouse.scalar("select count(*) from raw.app_users") > 0
    assert duckdb_warehouse.sql("select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'shows'") == [(0,)]
    assert FEED_TOKEN not in _everything_logged(instance, result.run_id)  # the feed is named without its query


def test_a_landing_that_stays_down_gives_up_after_its_attempts(
    duckdb_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch, instance: dg.DagsterInstance
) -> None:
    from marquee.orchestration import assets
    from marquee.orchestration.steps import FAILED_LANDINGS_TAG

    with scripted_server(lambda request: (503, {}, b"down")) as server:
        for name, value in {**FAST_RETRIES, "ORCHESTRATION__SHOWS_SOURCES": f"{server.url}/feed.json"}.items():
            monkeypatch.setenv(name, value)
        result = dg.materialize([assets.land_shows], instance=instance, raise_on_error=False)
    assert result.success  # recorded, not raised: the rest of a run would go on
    assert len(server.requests) == 3 and len(_events(result, "STEP_UP_FOR_RETRY")) == 2
    failed = json.loads(instance.get_run_by_id(result.run_id).tags[FAILED_LANDINGS_TAG])
    assert "HTTP 503" in failed["land_shows"]


def test_each_feed_lands_on_its_own_and_a_retry_lands_only_what_has_not(
    duckdb_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instance: dg.DagsterInstance
) -> None:
    """Four feeds: a good one, one that fails once (503), one that is gone (404), a good one.
    Every feed but the gone one lands exactly once; the retry asks only the one that may pass."""
    from marquee.orchestration import assets
    from marquee.orchestration.steps import FAILED_LANDINGS_TAG

    first = write_feed(tmp_path / "first.json", FEED_A[:2])
    last = write_feed(tmp_path / "last.json", FEED_A[4:7])
    flaky_body = _feed_bytes(tmp_path, FEED_A[2:4])
    flaky = iter([(503, {}, b"busy")])

    def respond(request: Request) -> tuple[int, dict[str, str], bytes]:
        if request.path.startswith("/gone.json"):
            return 404, {}, b"no such feed"
        return next(flaky, (200, {"Content-Type": "application/json"}, flaky_body))

    with scripted_server(respond) as server:
        feeds = [first, f"{server.url}/flaky.json?token={FEED_TOKEN}", f"{server.url}/gone.json", last]
        for name, value in {**FAST_RETRIES, "ORCHESTRATION__SHOWS_SOURCES": json.dumps(feeds)}.items():
            monkeypatch.setenv(name, value)
        result = dg.materialize([assets.land_shows], instance=instance, raise_on_error=False)
    assert result.success  # a landing that gives up is recorded; the run goes on
    assert [r.path.split("?")[0] for r in server.requests] == ["/flaky.json", "/gone.json", "/flaky.json"]
    assert len(_events(result, "STEP_UP_FOR_RETRY")) == 1
    # three loads, one per feed that landed, each once: 2 + 2 + 3 records
    loads = duckdb_warehouse.sql("select count(*) from raw.shows group by _dlt_load_id order by min(_dlt_load_id)")
    assert loads == [(2,), (3,), (2,)]  # first, last (attempt 1), then flaky (attempt 2)
    failed = json.loads(instance.get_run_by_id(result.run_id).tags[FAILED_LANDINGS_TAG])
    assert failed["land_shows"].startswith("1 of 4 did not land: shows feed http://127.0.0.1:")
    assert "HTTP 404" in failed["land_shows"] and "flaky" not in failed["land_shows"]
    (check,) = [e.event_specific_data for e in _events(result, "ASSET_CHECK_EVALUATION")]
    assert (check.check_name, check.passed) == ("landed", False)
    assert FEED_TOKEN not in _everything_logged(instance, result.run_id)


def test_run_step_retries_only_what_may_pass(
    duckdb_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch, instance: dg.DagsterInstance
) -> None:
    """A build step (not a landing): transient errors retried, then success; permanent: failed at once."""
    from ingestion.errors import MarqueeError
    from marquee.orchestration.steps import run_step

    for name, value in FAST_RETRIES.items():
        monkeypatch.setenv(name, value)
    calls: list[str] = []

    def flaky(engine: Any) -> str:
        calls.append("flaky")
        if len(calls) < 3:
            raise MarqueeError("another marquee or dbt run is using the warehouse", transient=True)
        return "built"

    @dg.asset(name="flaky_build")
    def flaky_build(context):  # noqa: ANN001 - Dagster reads the annotation, which postponed evaluation hides
        return dg.MaterializeResult(metadata={"result": run_step(context, "flaky_build", flaky)})

    @dg.asset(name="bad_build")
    def bad_build(context):  # noqa: ANN001 - as above
        def broken(engine: Any) -> None:
            calls.append("bad")
            raise MarqueeError("dbt build failed: a data test failed")

        run_step(context, "bad_build", broken)

    flaky_result = dg.materialize([flaky_build], instance=instance)
    assert flaky_result.success and calls == ["flaky"] * 3
    assert len(_events(flaky_result, "STEP_UP_FOR_RETRY")) == 2
    bad_result = dg.materialize([bad_build], instance=instance, raise_on_error=False)
    assert not bad_result.success and calls.count("bad") == 1
    (failure,) = _events(bad_result, "STEP_FAILURE")
    assert failure.step_failure_data.user_failure_data.description == "bad_build failed: dbt build failed: a data test failed"


def test_a_failed_build_fails_the_run_and_the_webhook_hears_of_it(
    duckdb_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch, instance: dg.DagsterInstance
) -> None:
    from marquee.orchestration import alerts, assets

    monkeypatch.setenv("MARQUEE_KEEP_LOADS", "three")  # refused before anything is built: a permanent error
    monkeypatch.setenv("TMDB_API_KEY", CANARY)
    result = dg.materialize([assets.dbt_shows_build], instance=instance, raise_on_error=False, selection=[dg.AssetKey(["staging", "stg_shows__shows"])])
    assert not result.success and not _events(result, "STEP_UP_FOR_RETRY")
    received: list[Request] = []
    with scripted_server(lambda request: (received.append(request), (204, {}, b""))[1]) as webhook:
        monkeypatch.setenv("MARQUEE_ALERT_WEBHOOK_URL", f"{webhook.url}/hook/{CANARY}")
        run = instance.get_run_by_id(result.run_id)
        failure = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)[0].dagster_event
        context = dg.build_run_status_sensor_context(
            sensor_name="marquee_alert_failed_run", dagster_instance=instance, dagster_run=run, dagster_event=failure
        ).for_run_failure()
        alerts.alert_failed_run(context)
    (posted,) = received
    message = json.loads(posted.body)
    assert message == {
        "source": "marquee", "run_id": result.run_id, "job": run.job_name, "status": "failure",
        "failed_step": "dbt_shows_build",
        "error": "dbt_shows_build failed: MARQUEE_KEEP_LOADS must be a whole number of loads (0 keeps every load), not 'three'",
        "url": f"http://127.0.0.1:3000/runs/{result.run_id}",
    }  # fmt: skip
    assert CANARY not in posted.body.decode() and CANARY not in _everything_logged(instance, result.run_id)


def test_a_landing_that_gave_up_is_alerted_too(monkeypatch: pytest.MonkeyPatch, instance: dg.DagsterInstance) -> None:
    from marquee.orchestration import alerts
    from marquee.orchestration.steps import FAILED_LANDINGS_TAG

    run = instance.create_run_for_job(
        dg.GraphDefinition(name="marquee_sync", node_defs=[]).to_job(),
        tags={FAILED_LANDINGS_TAG: json.dumps({"land_shows": "shows feed x: server answered HTTP 404"})},
    )
    received: list[Request] = []
    with scripted_server(lambda request: (received.append(request), (200, {}, b"ok"))[1]) as webhook:
        monkeypatch.setenv("MARQUEE_ALERT_WEBHOOK_URL", webhook.url)
        context = dg.build_run_status_sensor_context(
            sensor_name="marquee_alert_failed_landing", dagster_instance=instance, dagster_run=run,
            dagster_event=dg.DagsterEvent(dg.DagsterEventType.RUN_SUCCESS.value, job_name="marquee_sync"),
        )  # fmt: skip
        alerts.alert_failed_landing(context)
    assert [json.loads(r.body)["failed_step"] for r in received] == ["land_shows"]
    assert json.loads(received[0].body)["status"] == "landing_failed"


# ---- schedule and sensor ----------------------------------------------------------------------


def test_the_schedule_follows_its_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timezone

    from marquee.orchestration.definitions import sync_job
    from marquee.orchestration.settings import OrchestrationSettings
    from marquee.orchestration.triggers import sync_schedule

    monkeypatch.setenv("ORCHESTRATION__SCHEDULE_CRON", "30 5 * * 1-5")
    monkeypatch.setenv("ORCHESTRATION__SCHEDULE_TIMEZONE", "Europe/Berlin")
    schedule = sync_schedule(sync_job, OrchestrationSettings.load())
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 5 * * 1-5", "Europe/Berlin")
    ticks = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=datetime(2026, 12, 2, 4, 30, tzinfo=timezone.utc)))
    assert len(ticks.run_requests) == 1


def _tick(sensor: dg.SensorDefinition, cursor: str | None) -> tuple[list[dg.RunRequest], str | None, str | None]:
    result = sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor))
    return list(result.run_requests or []), result.cursor, result.skip_message


def test_the_sensor_starts_one_run_per_change_of_a_feed_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from marquee.orchestration.definitions import sync_job
    from marquee.orchestration.settings import OrchestrationSettings
    from marquee.orchestration.triggers import feed_sensor

    feed = {"etag": '"v1"', "body": b'{"data": {"allShows": []}}'}

    def respond(request: Request) -> tuple[int, dict[str, str], bytes]:
        if feed["etag"] is None:  # a server without validators
            return 200, {}, feed["body"]
        if request.headers.get("if-none-match") == feed["etag"]:
            return 304, {"ETag": feed["etag"]}, b""
        return 200, {"ETag": feed["etag"]}, feed["body"]

    with scripted_server(respond) as server:
        monkeypatch.setenv("ORCHESTRATION__WATCH", f"{server.url}/feed.json")
        sensor = feed_sensor(sync_job, OrchestrationSettings.load())
        first, cursor, _ = _tick(sensor, None)
        assert len(first) == 1 and first[0].run_config["ops"]["land_shows"]["config"]["sources"] == [f"{server.url}/feed.json"]
        again, same_cursor, skipped = _tick(sensor, cursor)
        assert again == [] and "HTTP 304" in skipped and server.requests[-1].headers["if-none-match"] == '"v1"'
        feed["etag"] = '"v2"'
        changed, cursor, _ = _tick(sensor, cursor)
        assert len(changed) == 1 and changed[0].run_key != first[0].run_key
        feed["etag"] = None  # no validators: the body's hash decides
        by_hash, cursor, _ = _tick(sensor, cursor)
        unchanged, _, skipped = _tick(sensor, cursor)
        assert len(by_hash) == 1 and unchanged == [] and "not changed" in skipped
    down, _, skipped = _tick(sensor, cursor)  # the server is gone: a skip with the reason
    assert down == [] and "unreachable" in skipped


def test_the_sensor_lands_new_files_of_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from marquee.orchestration.definitions import sync_job
    from marquee.orchestration.settings import OrchestrationSettings
    from marquee.orchestration.triggers import feed_sensor

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("ORCHESTRATION__WATCH", str(inbox))
    sensor = feed_sensor(sync_job, OrchestrationSettings.load())
    nothing, cursor, skipped = _tick(sensor, None)
    assert nothing == [] and "no new feed file" in skipped
    (inbox / "b.json").write_text("{}")
    (inbox / "a.json").write_text("{}")
    first, cursor, _ = _tick(sensor, cursor)
    assert [r.run_config["ops"]["land_shows"]["config"]["sources"] for r in first] == [[str(inbox / "a.json"), str(inbox / "b.json")]]
    again, cursor, _ = _tick(sensor, cursor)
    assert again == []
    (inbox / "c.json").write_text("{}")
    second, _, _ = _tick(sensor, cursor)
    assert [r.run_config["ops"]["land_shows"]["config"]["sources"] for r in second] == [[str(inbox / "c.json")]]
    assert second[0].run_key != first[0].run_key


# ---- marquee serve ------------------------------------------------------------------------------


def test_serve_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARQUEE_TRIGGER_SECRET", raising=False)
    result = run_cli("serve", "--port", "0")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "marquee: error: MARQUEE_TRIGGER_SECRET is not set: the trigger endpoint will not start without a shared secret"
    ]


class RecordingLauncher:
    """Stands in for Dagster in the endpoint's own tests: queued runs stay queued."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def active_run(self) -> str | None:
        return self.submitted[-1] if self.submitted else None

    def submit(self) -> str:
        self.submitted.append(f"run-{len(self.submitted) + 1}")
        return self.submitted[-1]


def test_the_trigger_endpoint_checks_credentials_and_sizes(caplog: pytest.LogCaptureFixture) -> None:
    from starlette.testclient import TestClient

    from marquee.serve import MAX_BODY_BYTES, create_app, signature_of

    caplog.set_level(logging.DEBUG)
    launcher = RecordingLauncher()
    client = TestClient(create_app(launcher, CANARY))
    body = b'{"reason": "new shows"}'
    assert client.get("/health").json() == {"status": "ok"}
    refused = [
        client.post("/sync", content=body),
        client.post("/sync", content=body, headers={"Authorization": "Bearer wrong-secret"}),
        client.post("/sync", content=body, headers={"Authorization": f"Basic {CANARY}"}),
        client.post("/sync", content=body, headers={"X-Marquee-Signature": signature_of(body + b" ", CANARY)}),
        client.post("/sync", content=body, headers={"X-Marquee-Signature": signature_of(body, "wrong-secret")}),
    ]
    assert [r.status_code for r in refused] == [401] * 5 and launcher.submitted == []
    too_big = client.post("/sync", content=b"x" * (MAX_BODY_BYTES + 1), headers={"Authorization": f"Bearer {CANARY}"})
    assert too_big.status_code == 413 and launcher.submitted == []
    by_hmac = client.post("/sync", content=body, headers={"X-Marquee-Signature": signature_of(body, CANARY)})
    assert (by_hmac.status_code, by_hmac.json()) == (202, {"run_id": "run-1", "status": "queued"})
    by_bearer = client.post("/sync", headers={"Authorization": f"Bearer {CANARY}"})
    assert (by_bearer.status_code, by_bearer.json()) == (202, {"run_id": "run-1", "status": "already queued or running"})
    assert launcher.submitted == ["run-1"]
    assert "POST /sync -> 401" in caplog.text and "POST /sync -> 202 run run-1" in caplog.text
    assert CANARY not in caplog.text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_triggers_queue_one_run_in_dagster(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The endpoint against a real Dagster webserver (queued runs, no daemon: they stay queued)."""
    from starlette.testclient import TestClient

    from ingestion.settings import PROJECT_DIR
    from marquee.serve import DagsterLauncher, create_app

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT_DIR / "marquee/orchestration/dagster.yaml").read_text())
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "MARQUEE_TRIGGER_SECRET": CANARY, "MARQUEE_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    log_path = tmp_path / "webserver.log"
    with log_path.open("w") as log_file:
        webserver = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        launcher = DagsterLauncher(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 120
        while True:
            try:
                assert launcher.active_run() is None
                break
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() > deadline or webserver.poll() is not None:
                    raise AssertionError(f"the Dagster webserver did not start:\n{log_path.read_text()[-3000:]}") from None
                time.sleep(1)
        client = TestClient(create_app(launcher, CANARY))
        first = client.post("/sync", headers={"Authorization": f"Bearer {CANARY}"})
        second = client.post("/sync", headers={"Authorization": f"Bearer {CANARY}"})
        assert first.status_code == second.status_code == 202
        assert first.json()["status"] == "queued" and second.json() == {"run_id": first.json()["run_id"], "status": "already queued or running"}
        with dg.DagsterInstance.from_config(str(home)) as instance:
            runs = instance.get_runs()
            assert [(r.run_id, r.job_name, r.status) for r in runs] == [(first.json()["run_id"], "marquee_sync", dg.DagsterRunStatus.QUEUED)]
            assert runs[0].tags["marquee/trigger"] == "serve" and runs[0].tags["marquee/warehouse"] == "duckdb"
            assert CANARY not in json.dumps(dict(runs[0].tags))
    finally:
        webserver.terminate()
        webserver.wait(timeout=30)
    assert CANARY not in log_path.read_text() and CANARY not in caplog.text
