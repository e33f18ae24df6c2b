"""dbt with its imports already paid: a pre-forking server, and the `dbt` its clients run.

Every dbt command costs about 4.5 s of one core importing dbt before it reads a file, and a
refresh runs two (`dbt build`, then `dbt test` in the quality gate), on the critical path both
times. The refresh command therefore starts this server first thing: it imports dbt once, on the
other core while the sources are extracted, then waits. dagster-dbt and the gate still run a
`dbt` executable, `software-audit-dbt`, which hands its arguments, environment, working folder and
standard streams to the server; the server forks a child that runs dbt on those very streams, so
dagster-dbt reads dbt's JSON log as it always does, and the client exits with dbt's exit code.

Each command runs in a fresh fork, as a fresh `dbt` process would: no state of one command leaks
into the next, and the server itself never runs dbt. What a child does inherit is compiled code:
dbt's serialisers, and the project's macro templates in dbt's own cache, keyed by each macro's
text. Without the server (the Dagster UI's runs, Windows, a server that died) the client simply
becomes dbt.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Where the client finds the server: a Unix socket, set for the processes the refresh starts.
SOCKET_ENV = "AUDIT_DBT_PREFORK_SOCKET"
CLIENT_SCRIPT = "software-audit-dbt"

# A request: its length, then JSON {argv, cwd, env}; stdin, stdout and stderr ride along as file
# descriptors. The child answers with its pid, then, when dbt is done, its exit code.
_LENGTH = struct.Struct("!I")
_PID = struct.Struct("!q")
_CODE = struct.Struct("!i")
# What dbt's commands import: after these, a `dbt ls` imported nothing more (checked against
# sys.modules). Importing duckdb starts a scheduler thread for its default in-memory database, which
# a fork does not copy: a child never uses that database and ends with os._exit, so nothing ever
# waits for the missing thread.
_PRELOAD = (
    "dbt.cli.main",
    "dbt.adapters.duckdb",
    "dbt.adapters.duckdb.impl",
    "dbt.task.build",
    "dbt.task.test",
    "dbt.parser.manifest",
    "dbt.compilation",
    "agate",
    "duckdb",
)

# A child handles signals as dbt run from a shell would.
_CHILD_SIGNALS = {
    signal.SIGCHLD: signal.SIG_DFL,
    signal.SIGINT: signal.default_int_handler,
    signal.SIGTERM: signal.SIG_DFL,
}


@dataclass(frozen=True)
class DbtServer:
    """A running server: its process, and the socket its clients connect to."""

    process: subprocess.Popen
    folder: Path

    @property
    def socket_path(self) -> Path:
        return self.folder / "dbt.sock"

    @classmethod
    def launch(cls, partial_parse: Path | None = None) -> DbtServer:
        """Start a server that ends with this process; its socket listens before this returns,
        so a client started right away waits for the imports instead of missing the server.
        """
        folder = Path(tempfile.mkdtemp(prefix="software-audit-dbt-"))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(str(folder / "dbt.sock"))
            listener.listen(8)
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pipelines.transform.prefork",
                    str(listener.fileno()),
                    str(os.getpid()),
                    str(partial_parse or ""),
                ],
                pass_fds=[listener.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        return cls(process, folder)

    def stop(self) -> None:
        self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)


_server: DbtServer | None = None
_lock = threading.Lock()


def start(partial_parse: Path | None = None) -> None:
    """Serve this process and those it starts from one server, started once, ended with it.

    With dbt's `partial_parse` file of the project, the server also pays dbt's first-use costs of
    reading and writing that manifest.
    """
    global _server
    with _lock:
        if _server is not None or os.name != "posix" or not real_dbt().exists():
            return
        _server = DbtServer.launch(partial_parse)
        os.environ[SOCKET_ENV] = str(_server.socket_path)
        atexit.register(_server.stop)


def real_dbt() -> Path:
    """dbt's own executable in this interpreter's environment."""
    return Path(sys.executable).with_name("dbt")


def executable() -> str:
    """The `dbt` to run: the client, which uses the server if one serves the process running it
    and else becomes dbt itself; dbt where the client cannot serve (not POSIX, not installed).

    Decided by what is installed, not by whether a server runs yet: dagster-dbt fixes its
    executable when the definitions load, and the refresh starts its server after that.
    """
    client = Path(sys.executable).with_name(CLIENT_SCRIPT)
    if os.name == "posix" and client.exists():
        return str(client)
    return str(real_dbt())


# --- the client: `software-audit-dbt`, run in dbt's place ---------------------------------------


def client_main() -> None:
    """Run dbt through the server with this process's arguments and streams; exit as dbt did."""
    argv = sys.argv[1:]
    connection = _connect(os.environ.get(SOCKET_ENV, ""))
    if connection is None:
        _become_dbt(argv)
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
    message = _LENGTH.pack(len(request)) + request
    try:
        socket.send_fds(connection, [message[:4096]], [0, 1, 2])
        connection.sendall(message[4096:])
    except OSError:  # e.g. a standard stream closed: nothing to hand over, so run dbt here
        connection.close()
        _become_dbt(argv)
    reply = _receive_exactly(connection, _PID.size)
    if reply is None:  # the server could not fork: run dbt here instead
        connection.close()
        _become_dbt(argv)
    (child,) = _PID.unpack(reply)
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda received, _frame: _forward(child, received))
    reply = _receive_exactly(connection, _CODE.size)
    if reply is None:
        print(f"{CLIENT_SCRIPT}: dbt (pid {child}) ended without an exit code", file=sys.stderr)
        sys.exit(1)
    sys.exit(_CODE.unpack(reply)[0])


def _connect(path: str) -> socket.socket | None:
    if not path:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError:
        connection.close()
        return None
    return connection


def _become_dbt(argv: list[str]) -> None:
    dbt = str(real_dbt())
    os.execv(dbt, [dbt, *argv])


def _forward(child: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(child, number)


def _receive_exactly(connection: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


# --- the server ---------------------------------------------------------------------------------


def serve(listener: socket.socket, parent: int, partial_parse: Path | None) -> None:
    """Import dbt, then fork a child per request until the process that started us is gone."""
    # In a thread of low priority: the refresh loads its definitions and extracts its sources
    # meanwhile, on the critical path; dbt is needed only after them. Forks come from the main
    # thread, whose priority is the children's.
    macros: list[Any] = []
    preparing = threading.Thread(target=_prepare, args=(partial_parse, macros), name="prepare-dbt")
    preparing.start()
    preparing.join()
    templates = TemplateWarmer(macros)
    templates.resume()
    # Each child reports its exit code to its own client; the server only reaps it, itself rather
    # than through the kernel (SIG_IGN), so that dbt's CPU time adds up in the server's and in
    # that of the refresh's process tree (benchmarks read it). A Ctrl-C reaches the whole process
    # group: the children stop dbt, the server waits for its end.
    signal.signal(signal.SIGCHLD, _reap_children)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with selectors.DefaultSelector() as selector:
        selector.register(listener, selectors.EVENT_READ)
        while os.getppid() == parent:
            if not selector.select(timeout=1.0):
                continue
            connection, _ = listener.accept()
            templates.pause()  # a fork copies no other thread: none may hold a lock then
            sys.stdout.flush()
            sys.stderr.flush()
            if os.fork() == 0:
                listener.close()
                _run_child(connection)  # never returns
            connection.close()
            templates.resume()


def _reap_children(_signal: int, _frame: object) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _prepare(partial_parse: Path | None, macros: list[Any]) -> None:
    """Import dbt and warm it up, niced: on Linux a thread's priority is its own.

    `macros` receives the project's macros, those its nodes call first, for `TemplateWarmer`.
    """
    import importlib

    _lower_this_threads_priority()
    for module in _PRELOAD:
        importlib.import_module(module)
    skip_unlogged_events()
    build_event_messages_when_read()
    compile_each_template_once()
    reuse_type_testers()
    try:
        manifest = _warm_up(partial_parse)
    except Exception as error:  # only costs the children time: they pay it themselves
        print(f"{CLIENT_SCRIPT}: dbt warm-up skipped: {error!r}", file=sys.stderr)
        return
    if manifest is not None:
        macros.extend(macros_by_likely_use(manifest))


def _lower_this_threads_priority() -> None:
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def macros_by_likely_use(manifest: Any) -> list[Any]:
    """The manifest's macros: first those its nodes call and the duckdb and default
    materializations, with every macro they call, then the rest."""
    suffixes = ("_duckdb", "_default")
    first = [
        unique_id
        for unique_id, macro in manifest.macros.items()
        if macro.name.startswith("materialization_") and macro.name.endswith(suffixes)
    ]
    for node in manifest.nodes.values():
        first.extend(node.depends_on.macros)
    ordered: dict[str, Any] = {}
    pending = deque(first)
    while pending:
        unique_id = pending.popleft()
        macro = manifest.macros.get(unique_id)
        if macro is not None and unique_id not in ordered:
            ordered[unique_id] = macro
            pending.extend(macro.depends_on.macros)
    return [*ordered.values(), *(m for u, m in manifest.macros.items() if u not in ordered)]


class TemplateWarmer:
    """Compiles macros' Jinja templates into dbt's template cache, niced, between requests.

    Each dbt command compiles the template of every macro it calls on first use: about 150
    macros for a refresh, over a second of `dbt build`. dbt caches templates by the macro's source
    text, so those compiled here serve each child forked later, and an edited macro simply misses
    the cache. The server forks only while this thread is paused: a fork copies no other thread,
    and a lock one of them held would stay locked in the child forever.
    """

    def __init__(self, macros: Iterable[Any], compile_: Callable[[Any], object] | None = None):
        self._pending = deque(macros)
        self._compile = compile_
        self._pausing = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def remaining(self) -> int:
        return len(self._pending)

    def resume(self) -> None:
        """Go on compiling in a thread of low priority, if anything is left."""
        if self._pending and self._thread is None:
            self._pausing.clear()
            self._thread = threading.Thread(target=self._run, name="dbt-templates", daemon=True)
            self._thread.start()

    def pause(self) -> None:
        """Return once the thread has stopped, after the template it was compiling."""
        if self._thread is not None:
            self._pausing.set()
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        _lower_this_threads_priority()
        compile_ = self._compile
        if compile_ is None:
            from dbt_common.clients.jinja import template_cache

            compile_ = template_cache.get_node_template
        while self._pending and not self._pausing.is_set():
            macro = self._pending.popleft()
            with contextlib.suppress(Exception):  # the child that calls it reports the error
                compile_(macro)


def skip_unlogged_events() -> None:
    """Have dbt drop a debug or info event at once when none of its loggers would write it.

    dbt builds every event into a protobuf message, and each of its loggers formats it into a
    line (JSON for dagster-dbt), before Python's logging discards the line by level. A refresh's
    dbt logs at info (standard output) and warn (file): its debug events, a few per node (every
    query, its status, each connection), were built and formatted for nothing.

    dbt always registers one callback, its anonymous-usage tracker of behaviour-change warnings
    (`dbt.tracking.track_behavior_change_warn`), which reads nothing else: that one does not count
    as a listener. Nothing changes when a logger would write the event (`--debug`, `--log-level
    debug`), when another callback listens (dbt's Python API), for warnings and errors (which
    `--warn-error` may turn into failures), or for what dbt prints whatever the level (`dbt show`,
    `dbt compile`'s SQL). Patched in the server only, so it reaches the dbt it forks and nothing
    else.
    """
    from dbt.tracking import track_behavior_change_warn
    from dbt_common.events.base_types import EventLevel
    from dbt_common.events.event_manager import EventManager
    from dbt_common.events.logger import PRINT_EVENT_NAMES, _log_level_map

    fire = EventManager.fire_event
    if getattr(fire, "skips_unlogged_events", False):
        return
    warn = _log_level_map[EventLevel.WARN]

    def fire_event(
        self: EventManager,
        e: Any,
        level: EventLevel | None = None,
        node: Any = None,
        force_warn_or_error_handling: bool = False,
    ) -> None:
        severity = _log_level_map[level or e.level_tag()]
        if (
            severity < warn
            and not force_warn_or_error_handling
            and all(callback is track_behavior_change_warn for callback in self.callbacks)
            and all(_log_level_map[logger.level] > severity for logger in self.loggers)
            and type(e).__name__ not in PRINT_EVENT_NAMES
        ):
            return
        fire(self, e, level, node, force_warn_or_error_handling)

    fire_event.skips_unlogged_events = True  # type: ignore[attr-defined]
    EventManager.fire_event = fire_event  # type: ignore[method-assign]


def build_event_messages_when_read() -> None:
    """Have a dbt event build its protobuf message when it is first read, not when it is created.

    dbt fires its events as `fire_event(SQLQuery(...))`: the constructor parses its keywords into a
    protobuf message (`ParseDict`), a tenth of a forked `dbt test`, before `skip_unlogged_events`
    drops most of them unread. Now the keywords wait in the event, and the message is built on
    first read: when a logger or a callback receives the event, or when anything reads or sets one
    of its fields. A keyword dbt cannot parse is reported then, as dbt reports it. Patched in the
    server only, like `skip_unlogged_events`.
    """
    from dbt_common.events.base_types import BaseEvent

    build = BaseEvent.__init__
    if getattr(build, "deferred", False):
        return

    def keep_keywords(self: BaseEvent, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "_keywords", (args, kwargs))

    def message(self: BaseEvent) -> Any:
        try:
            return object.__getattribute__(self, "pb_msg")
        except AttributeError:
            # An event made without its constructor (a copy) has no keywords: AttributeError.
            args, kwargs = object.__getattribute__(self, "_keywords")
            build(self, *args, **kwargs)
            return object.__getattribute__(self, "pb_msg")

    def get_field(self: BaseEvent, key: str) -> Any:
        return message(self) if key == "pb_msg" else getattr(message(self), key)

    def set_field(self: BaseEvent, key: str, value: Any) -> None:
        if key == "pb_msg":
            object.__setattr__(self, key, value)
        else:
            setattr(message(self), key, value)

    keep_keywords.deferred = True  # type: ignore[attr-defined]
    BaseEvent.__init__ = keep_keywords  # type: ignore[method-assign]
    BaseEvent.__getattr__ = get_field  # type: ignore[method-assign]
    BaseEvent.__setattr__ = set_field  # type: ignore[method-assign]


def compile_each_template_once() -> None:
    """Have dbt compile a Jinja text to Python once per process, however often it renders it.

    dbt renders a data test's arguments (`{{ get_where_subquery(ref('applications')) }}`, each
    accepted value) with an environment made for the call, which compiles the text afresh: ~280
    tests render some 90 texts, and compiling them was a tenth of `dbt test`. The compiled code
    depends on the kind of environment (native or text), not on the instance, so it is kept by text
    and kind, and each call still gets its template bound to its own environment and globals.
    Patched in the server only, like `skip_unlogged_events`; each child keeps what it compiles.
    """
    import dbt.clients.jinja
    import dbt_common.clients.jinja
    from dbt_common.clients.jinja import catch_jinja, get_environment

    if getattr(dbt_common.clients.jinja.get_template, "compiles_once", False):
        return
    compiled: dict[tuple[str, bool, bool], Any] = {}

    def get_template(
        string: str,
        ctx: dict[str, Any],
        node: Any = None,
        capture_macros: bool = False,
        native: bool = False,
    ) -> Any:
        with catch_jinja(node):
            environment = get_environment(node, capture_macros, native=native)
            key = (str(string), capture_macros, native)
            code = compiled.get(key)
            if code is None:
                code = compiled[key] = environment.compile(key[0])
            return environment.template_class.from_code(
                environment, code, environment.make_globals(ctx), None
            )

    get_template.compiles_once = True  # type: ignore[attr-defined]
    # dbt's renderer imported the function by name; dbt-common's template cache looks it up.
    dbt.clients.jinja.get_template = get_template
    dbt_common.clients.jinja.get_template = get_template


def reuse_type_testers() -> None:
    """Have dbt make one agate type tester per set of text columns, not one per query result.

    dbt turns each fetched result (every data test's) into an agate table, with a type tester
    built for the call: seven agate types, whose date types each set up a `parsedatetime`
    calendar, 7% of `dbt test`. A tester holds no state between tables (dbt already shares its
    default one), so one per set of text columns and null spellings serves every table. Patched in
    the server only, like `skip_unlogged_events`.
    """
    import dbt_common.clients.agate_helper as agate_helper

    build = agate_helper.build_type_tester
    if getattr(build, "reused", False):
        return
    testers: dict[tuple[frozenset[str], tuple[str, ...] | None], Any] = {}

    def build_type_tester(
        text_columns: Iterable[str], string_null_values: Iterable[str] | None = ("null", "")
    ) -> Any:
        nulls = None if string_null_values is None else tuple(string_null_values)
        key = (frozenset(text_columns), nulls)
        tester = testers.get(key)
        if tester is None:
            tester = testers[key] = build(key[0], string_null_values=nulls)
        return tester

    build_type_tester.reused = True  # type: ignore[attr-defined]
    agate_helper.build_type_tester = build_type_tester


def _warm_up(partial_parse: Path | None) -> Any:
    """Pay dbt's lazily generated (de)serialisers once, here, instead of in every command; the
    manifest read from `partial_parse`, if any.

    dbt's dataclasses compile their JSON schemas and their msgpack/JSON converters on first use:
    2-3 s of every command that reads the partial-parse manifest and writes `manifest.json`. Only
    classes are touched, no dbt state: nothing of this reaches a child but compiled code. (The
    manifest itself reaches no child either: `TemplateWarmer` only reads its macros' text.)
    """
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.contracts.graph.manifest import Manifest
    from dbt.contracts.project import (
        Configuration,
        PackageConfig,
        ProfileConfig,
        Project,
        ProjectFlags,
    )
    from dbt.contracts.selection import SelectorFile

    for validated in (
        Configuration,
        DuckDBCredentials,
        PackageConfig,
        ProfileConfig,
        Project,
        ProjectFlags,
        SelectorFile,
    ):
        validated.json_schema()
    if partial_parse is None or not partial_parse.is_file():
        return None
    manifest = Manifest.from_msgpack(partial_parse.read_bytes())
    manifest.fill_tracking_metadata = lambda: None  # reads dbt's flags, which only a command sets
    with tempfile.TemporaryDirectory() as folder:
        manifest.writable_manifest().write(str(Path(folder) / "manifest.json"))
    return manifest


def _run_child(connection: socket.socket) -> None:
    code = 1
    try:
        for number, handler in _CHILD_SIGNALS.items():
            signal.signal(number, handler)
        request = _receive_request(connection)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        connection.sendall(_PID.pack(os.getpid()))
        threading.Thread(target=_exit_with_client, args=(connection,), daemon=True).start()
        code = _run_dbt(request["argv"])
    except BaseException:
        traceback.print_exc()
    finally:
        # the client leaves as soon as it has the code: its going must not interrupt us now
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        with contextlib.suppress(OSError):
            connection.sendall(_CODE.pack(code))
        os._exit(code)


def _receive_request(connection: socket.socket) -> dict:
    message, descriptors, _flags, _address = socket.recv_fds(connection, 4096, 3)
    for target, descriptor in zip((0, 1, 2), descriptors, strict=True):
        os.dup2(descriptor, target)
        os.close(descriptor)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    (length,) = _LENGTH.unpack(message[: _LENGTH.size])
    body = message[_LENGTH.size :]
    rest = _receive_exactly(connection, length - len(body)) if len(body) < length else b""
    if rest is None:
        raise ConnectionError("the client left before sending its request")
    return json.loads(body + rest)


def _run_dbt(argv: list[str]) -> int:
    """Run dbt's CLI as its console script does; its exit code."""
    from dbt.cli.main import cli

    sys.argv = ["dbt", *argv]
    try:
        cli.main(args=argv, prog_name="dbt")
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        return 130
    finally:
        atexit._run_exitfuncs()
    return 0


def _exit_with_client(connection: socket.socket) -> None:
    """The client never writes after its request: end of file means it is gone, killed."""
    with contextlib.suppress(OSError):
        connection.recv(1)
    os.kill(os.getpid(), signal.SIGINT)  # dbt stops as on Ctrl-C, and rolls back
    threading.Event().wait(10)
    os._exit(130)


if __name__ == "__main__":
    serve(
        socket.socket(fileno=int(sys.argv[1])),
        int(sys.argv[2]),
        Path(sys.argv[3]) if sys.argv[3] else None,
    )
