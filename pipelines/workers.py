"""The helper processes a refresh starts, so that their imports overlap its own work: the
great-expectations worker first thing, the dbt server once the definitions are loaded.

Nothing is imported here at module level: the CLI imports this before anything heavy.
"""


def start_gx_worker() -> None:
    """Start, once, the process that imports great-expectations ahead of its use: the raw gate's
    first delivery waits for it. It ends with this one.

    The dbt server (`start_dbt_server`) is started once the refresh has loaded its definitions: its
    import is needed only once the sources are extracted; started here too, it made three processes
    import on two cores while the refresh waited for its own.
    """
    from data_quality import worker
    from pipelines.settings import hold_duckdb_to_memory_limit

    # The worker reads the limit from the environment it is spawned with: set it first.
    hold_duckdb_to_memory_limit()
    worker.start()


def start_dbt_server() -> None:
    """Start, once, the pre-forking dbt server for this process and those it starts.

    `dbt build` and `dbt test` each paid dbt's 4-7 s of start-up, which the server pays once, off
    the critical path, while the sources are extracted. It ends with this process.
    """
    from pipelines.settings import DBT_TARGET_DIR
    from pipelines.transform import prefork

    prefork.start(DBT_TARGET_DIR / "partial_parse.msgpack")
