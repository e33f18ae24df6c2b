"""The pre-forking dbt server: its client must behave exactly as dbt, only sooner.

Guards against a client that loses dbt's exit code, environment, working folder or output, and
against a dbt left running (holding the warehouse's lock) after its client was killed.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.transform.prefork import CLIENT_SCRIPT, SOCKET_ENV, DbtServer

CLIENT = str(Path(sys.executable).with_name(CLIENT_SCRIPT))

PROJECT = """
name: tiny
version: "1.0.0"
profile: tiny
"""
PROFILES = """
tiny:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: ":memory:"
"""
# Pure Jinja, interruptible: a billion empty iterations take minutes.
LINGER = """
{% macro linger() %}
  {% for i in range(100000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}
{% endmacro %}
"""


@pytest.fixture(scope="module")
def server() -> Iterator[DbtServer]:
    server = DbtServer.launch()
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "dbt_project.yml").write_text(PROJECT)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "one.sql").write_text("select 1 as id\n")
    (tmp_path / "macros").mkdir()
    (tmp_path / "macros" / "linger.sql").write_text(LINGER)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text(PROFILES)
    return tmp_path


def client_env(server: DbtServer, project: Path) -> dict[str, str]:
    return {
        **os.environ,
        SOCKET_ENV: str(server.socket_path),
        "DBT_PROFILES_DIR": str(project / "profiles"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_served_command_runs_in_a_fork_of_the_server_with_the_clients_folder_and_env(
    server: DbtServer, project: Path
) -> None:
    # GIVEN a server and a project whose profile only the client's environment names
    # WHEN the client parses the project from the project's folder
    client = subprocess.Popen(
        [CLIENT, "parse"],
        cwd=project,
        env=client_env(server, project),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    forks: set[int] = set()
    while client.poll() is None:
        forks.update(children_of(server.process.pid))
        time.sleep(0.01)
    out, err = client.communicate()
    # THEN dbt ran in a fork of the server, on the client's streams, and wrote where it was run
    assert client.returncode == 0, err
    assert forks, "dbt did not run in a fork of the server"
    assert "Performance info" in out
    assert (project / "target" / "manifest.json").exists()


def test_dbts_exit_code_and_errors_reach_the_caller(server: DbtServer, project: Path) -> None:
    result = subprocess.run(
        [CLIENT, "no-such-command"],
        cwd=project,
        env=client_env(server, project),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "No such command" in result.stderr


def test_without_a_server_the_client_is_dbt_itself(tmp_path: Path) -> None:
    env = {**os.environ, SOCKET_ENV: str(tmp_path / "no-server.sock")}
    result = subprocess.run([CLIENT, "--version"], env=env, capture_output=True, text=True)
    assert result.returncode == 0
    assert "Core" in result.stdout


def test_killing_the_client_stops_its_dbt(server: DbtServer, project: Path) -> None:
    # GIVEN a client whose dbt would run for minutes
    client = subprocess.Popen(
        [CLIENT, "run-operation", "linger"],
        cwd=project,
        env=client_env(server, project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_for(lambda: children_of(server.process.pid))
    (dbt,) = children_of(server.process.pid)
    # WHEN the client is killed, as dagster-dbt's caller may be
    client.send_signal(signal.SIGKILL)
    client.wait()
    # THEN its dbt stops too, rather than keep the warehouse locked
    assert wait_for(lambda: not Path(f"/proc/{dbt}").exists(), timeout=30)


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """An EventManager as the server's dbt has it, recording the lines its loggers write."""
    from dbt_common.events.base_types import BaseEvent
    from dbt_common.events.event_manager import EventManager

    from pipelines.transform.prefork import build_event_messages_when_read, skip_unlogged_events

    monkeypatch.setattr(EventManager, "fire_event", EventManager.fire_event)  # restored after
    for method in ("__init__", "__getattr__", "__setattr__"):
        monkeypatch.setattr(BaseEvent, method, getattr(BaseEvent, method))
    for _ in range(2):  # once is enough: applying them again changes nothing
        skip_unlogged_events()
        build_event_messages_when_read()
    return []


def manager_logging_at(level: str, written: list[str]) -> object:
    """A manager with one logger at `level`, and the callback every dbt command registers."""
    import io

    from dbt.tracking import track_behavior_change_warn
    from dbt_common.events.base_types import EventLevel
    from dbt_common.events.event_manager import EventManager
    from dbt_common.events.logger import LineFormat, LoggerConfig

    stream = io.StringIO()
    manager = EventManager()
    manager.add_logger(
        LoggerConfig(
            name=level, level=EventLevel(level), line_format=LineFormat.Json, output_stream=stream
        )
    )
    manager.add_callback(track_behavior_change_warn)
    [logger] = manager.loggers
    write_line = logger.write_line

    def recorded(msg: object) -> None:
        written.append(msg.info.name)  # type: ignore[attr-defined]
        write_line(msg)

    logger.write_line = recorded  # type: ignore[method-assign]
    return manager


def test_dbt_registers_its_behaviour_change_tracker_in_every_command(tmp_path: Path) -> None:
    """The callback the patch disregards is the one dbt itself registers, and the only one."""
    from types import SimpleNamespace

    from dbt.events.logging import setup_event_logger
    from dbt.tracking import track_behavior_change_warn
    from dbt_common.events.event_manager_client import get_event_manager

    flags = SimpleNamespace(
        LOG_PATH=str(tmp_path), LOG_LEVEL="info", LOG_FORMAT="text", QUIET=False, DEBUG=False,
        USE_COLORS=False, LOG_CACHE_EVENTS=False, LOG_LEVEL_FILE="none",
    )  # fmt: skip
    setup_event_logger(flags)

    assert get_event_manager().callbacks == [track_behavior_change_warn]


def test_an_event_no_logger_writes_is_dropped_before_it_is_built(events: list[str]) -> None:
    from dbt.adapters.events.types import SQLQuery
    from dbt.events.types import LogTestResult
    from dbt_common.events.types import Note

    informed = manager_logging_at("info", events)
    warned: list[str] = []
    quiet = manager_logging_at("warn", warned)

    informed.fire_event(SQLQuery(conn_name="master", sql="select 1", node_info={}))
    informed.fire_event(Note(msg="built"))
    for status in ("pass", "fail"):  # as dbt's test task logs a result
        quiet.fire_event(
            LogTestResult(name="unique_x", status=status, index=1, num_models=1, execution_time=0),
            level=LogTestResult.status_to_level(status),
        )

    assert events == ["Note"]
    assert warned == ["LogTestResult"]  # the failure; the pass was dropped


def test_a_logger_at_the_level_another_callback_or_a_print_still_gets_the_event(
    events: list[str],
) -> None:
    from dbt.adapters.events.types import SQLQuery
    from dbt_common.events.types import PrintEvent

    manager = manager_logging_at("debug", events)
    printed: list[str] = []
    quiet = manager_logging_at("warn", printed)
    listened = manager_logging_at("info", [])
    heard: list[str] = []
    listened.add_callback(lambda msg: heard.append(msg.info.name))

    manager.fire_event(SQLQuery(conn_name="master", sql="select 1", node_info={}))
    quiet.fire_event(PrintEvent(msg="what dbt show prints"))
    listened.fire_event(SQLQuery(conn_name="master", sql="select 1", node_info={}))

    assert events == ["SQLQuery"]
    assert printed == ["PrintEvent"]
    assert heard == ["SQLQuery"]


def test_an_event_builds_its_message_only_once_it_is_read(events: list[str]) -> None:
    from dbt.adapters.events.types import SQLQuery

    # GIVEN events with a keyword dbt cannot parse, which it reports when it builds the message
    # (and, under pytest, raises)
    informed = manager_logging_at("info", events)
    debugged = manager_logging_at("debug", events)
    dropped = SQLQuery(conn_name="master", sql="select 1", node_info={}, no_such_field=1)
    written = SQLQuery(conn_name="master", sql="select 1", node_info={}, no_such_field=1)

    # WHEN one is fired where no logger writes it, THEN its message is never built
    informed.fire_event(dropped)
    assert events == []
    # WHEN the other reaches a logger, THEN it is built then, and the bad keyword reported
    with pytest.raises(Exception, match=r"\[SQLQuery\]: Unable to parse .*no_such_field"):
        debugged.fire_event(written)


def test_a_deferred_event_reads_and_writes_its_fields_as_dbt_built_it(events: list[str]) -> None:
    from dbt.adapters.events.types import SQLQuery

    manager = manager_logging_at("debug", events)
    query = SQLQuery(conn_name="master", sql="select 1", node_info={})
    assert query.sql == "select 1"
    query.conn_name = "model.audit.applications"
    manager.fire_event(query)

    assert events == ["SQLQuery"]
    assert query.to_dict()["conn_name"] == "model.audit.applications"
    assert "select 1" in query.message()


def test_dbt_compiles_a_text_once_and_renders_it_with_each_calls_globals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dbt.clients.jinja
    import dbt_common.clients.jinja
    import jinja2

    from pipelines.transform.prefork import compile_each_template_once

    for module in (dbt.clients.jinja, dbt_common.clients.jinja):
        monkeypatch.setattr(module, "get_template", module.get_template)  # restored after
    compile_each_template_once()
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return compile_(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    render = dbt.clients.jinja.get_rendered

    # as dbt renders a test's arguments: natively, in each test's own context
    assert render("{{ rows * 2 }}", {"rows": 1}, native=True) == 2
    assert render("{{ rows * 2 }}", {"rows": 5}, native=True) == 10
    assert render("{{ rows * 2 }}", {"rows": 5}) == "10"  # text, not native: its own code
    assert render("{{ rows * 3 }}", {"rows": 5}) == "15"
    with pytest.raises(Exception, match="Compilation Error\\n  unexpected '}'"):  # dbt's error
        render("{{ rows * }", {"rows": 5})

    assert compiled == ["{{ rows * 2 }}", "{{ rows * 2 }}", "{{ rows * 3 }}", "{{ rows * }"]


def test_results_share_a_type_tester_and_keep_their_types(monkeypatch: pytest.MonkeyPatch) -> None:
    import dbt_common.clients.agate_helper as agate_helper

    from pipelines.transform.prefork import reuse_type_testers

    monkeypatch.setattr(agate_helper, "build_type_tester", agate_helper.build_type_tester)
    reuse_type_testers()
    build = agate_helper.build_type_tester

    # as dbt reads a test's result: the text column keeps "005", the number is a number
    first = agate_helper.table_from_data_flat(
        [{"code": "005", "failures": 2}], ["code", "failures"]
    )
    again = agate_helper.table_from_data_flat([{"code": "", "failures": 0}], ["code", "failures"])
    numbers = agate_helper.table_from_rows([["005", "null"]], ["code", "failures"])

    assert list(first.rows[0]) == ["005", 2]
    assert list(again.rows[0]) == ["", 0]  # an empty text stays text, not null
    assert list(numbers.rows[0]) == [5, None]  # no text columns: dbt's default tester
    assert build({"code"}, ()) is build(["code"], [])
    assert build({"code"}, ()) is not build({"code"})  # other null spellings, another tester
    assert build((), ()) is not build({"code"}, ())


def test_dbt_caches_a_macros_template_by_its_source_text() -> None:
    """The server compiles macros' templates ahead for its children: a macro edited since then
    must miss that cache, not run its old text."""
    from types import SimpleNamespace

    from dbt_common.clients.jinja import template_cache

    old = SimpleNamespace(unique_id="macro.p.m", macro_sql="{% macro m() %}1{% endmacro %}")
    edited = SimpleNamespace(unique_id="macro.p.m", macro_sql="{% macro m() %}2{% endmacro %}")

    first = template_cache.get_node_template(old)

    assert template_cache.get_node_template(old) is first
    assert template_cache.get_node_template(edited) is not first


def test_the_template_warmer_compiles_in_order_and_stops_whenever_paused() -> None:
    from pipelines.transform.prefork import TemplateWarmer

    compiled: list[int] = []

    def compile_(macro: int) -> None:
        time.sleep(0.01)
        compiled.append(macro)

    warmer = TemplateWarmer(range(40), compile_)
    warmer.resume()
    assert wait_for(lambda: len(compiled) >= 3, timeout=10)
    warmer.pause()
    paused_at = len(compiled)
    time.sleep(0.05)

    # paused: nothing compiles, no thread of it runs (the server may fork)
    assert len(compiled) == paused_at < 40
    assert not [t for t in threading.enumerate() if t.name == "dbt-templates"]
    warmer.resume()
    assert wait_for(lambda: warmer.remaining == 0 and len(compiled) == 40, timeout=10)
    warmer.pause()
    assert compiled == list(range(40))


def test_macros_the_nodes_call_come_first_with_the_macros_they_call() -> None:
    from types import SimpleNamespace

    from pipelines.transform.prefork import macros_by_likely_use

    def macro(name: str, *calls: str) -> SimpleNamespace:
        return SimpleNamespace(name=name, depends_on=SimpleNamespace(macros=list(calls)))

    macros = {
        "macro.dbt.unused": macro("unused"),
        "macro.dbt.helper": macro("helper"),
        "macro.p.money": macro("money", "macro.dbt.helper"),
        "macro.dbt.materialization_table_snowflake": macro("materialization_table_snowflake"),
        "macro.dbt.materialization_table_default": macro("materialization_table_default"),
    }
    node = SimpleNamespace(depends_on=SimpleNamespace(macros=["macro.p.money"]))
    manifest = SimpleNamespace(macros=macros, nodes={"model.p.one": node})

    ordered = [m.name for m in macros_by_likely_use(manifest)]

    assert ordered == [
        "materialization_table_default",
        "money",
        "helper",
        "unused",
        "materialization_table_snowflake",
    ]
