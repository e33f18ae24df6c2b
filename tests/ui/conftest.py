"""A real Dagster webserver on the project's definitions, and Debian's Chromium to look at it.

Chromium and its driver come from Debian's packages only (`/usr/bin/chromium`,
`/usr/bin/chromedriver`), installed here when missing: Selenium is pointed at both explicitly, so
it never downloads a browser or a driver.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from pipelines.settings import PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
APT_PACKAGES = ("chromium", "chromium-driver")
SCREENSHOTS = PROJECT_DIR / "test-output" / "ui"
AS_OF_DATE = "2026-10-31"
# Cold start measured at 75 s on a busy 2-core machine: the definitions parse the dbt project once.
READY_TIMEOUT_S = 120


@pytest.fixture(scope="session")
def chromium() -> None:
    """Install Debian's chromium and chromium-driver with apt-get unless both are there."""
    if CHROMIUM.is_file() and CHROMEDRIVER.is_file():
        return
    if os.geteuid() != 0:
        pytest.skip(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing and installing them needs root: "
            f"apt-get install -y {' '.join(APT_PACKAGES)}"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *APT_PACKAGES]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(
                f"`{' '.join(command)}` failed with exit code {done.returncode}; the UI test needs "
                f"Debian's {' and '.join(APT_PACKAGES)}:\n{done.stderr[-2000:]}"
            )
    assert CHROMIUM.is_file(), f"apt-get installed {APT_PACKAGES} but {CHROMIUM} is missing"
    assert CHROMEDRIVER.is_file(), f"apt-get installed {APT_PACKAGES} but {CHROMEDRIVER} is missing"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Poll `/server_info` until it answers, failing early with the log if the server exits."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/server_info", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        try:
            server.wait(timeout=1)  # waits between polls, and notices an early exit
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"dagster-webserver exited ({server.returncode}):\n{log.read_text()}")
    pytest.fail(f"dagster-webserver not serving after {READY_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dagster-webserver` on workspace.yaml, as `make dev` starts it, on a private data folder."""
    data_dir = tmp_path_factory.mktemp("ui-data")
    dagster_home = data_dir / "dagster_home"
    # Dagster's own record that its "join the community" dialog was seen: it would cover the page.
    (dagster_home / ".nux").mkdir(parents=True)
    (dagster_home / ".nux" / "nux.yaml").write_text("seen: 1\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.getenv("PYTHONPATH")])),
        "AUDIT_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(dagster_home),
        "AUDIT_AS_OF_DATE": AS_OF_DATE,
        # The definitions only hold the path; nothing is extracted to show the graph.
        "AUDIT_SOURCES_CONFIG": str(PROJECT_DIR / "config" / "sources.example.yml"),
        "DAGSTER_DISABLE_TELEMETRY": "True",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "GX_ANALYTICS_ENABLED": "False",
    }
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("dagster-webserver")),
        *("-w", str(PROJECT_DIR / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)),
    ]
    log = data_dir / "webserver.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, server, log)
        yield url
    finally:
        stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    """End the webserver's whole process group: it runs the code server as a child."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # a code server left behind by a clean exit


@pytest.fixture(scope="session")
def browser(chromium: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1600,2000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
