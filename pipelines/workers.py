"""The helper processes a refresh starts first, so their imports overlap its own start-up.

Nothing is imported here at module level: the CLI imports this before anything heavy.
"""


def start_workers() -> None:
    """Start, once, the processes that import great-expectations and dbt ahead of their use.

    The raw gate's first delivery waits for great-expectations; `dbt build` and `dbt test` each
    paid dbt's 4-7 s of start-up, which the pre-forking dbt server pays once, off the critical path.
    Both processes end with this one.
    """
    from data_quality import worker

    worker.start()
    start_dbt_server()


def start_dbt_server() -> None:
    """Start, once, the pre-forking dbt server for this process and those it starts."""
    from pipelines.settings import DBT_TARGET_DIR
    from pipelines.transform import prefork

    prefork.start(DBT_TARGET_DIR / "partial_parse.msgpack")
