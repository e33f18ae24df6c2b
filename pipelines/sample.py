"""The built-in sample company served as a real company would be: its business files in a
folder, and each of its systems (Okta, Entra ID, Google Workspace, ServiceNow, Snipe-IT) behind a
local emulator of the vendor's API on loopback, so the demo runs the HTTP code of production."""

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import sample_company
from sample_company.company import Company
from sample_company.emulators.google import GoogleEmulator, ServiceAccount
from sample_company.emulators.graph import PUBLISHED_RATE_LIMITS as GRAPH_RATE_LIMITS
from sample_company.emulators.graph import GraphEmulator
from sample_company.emulators.okta import PUBLISHED_RATE_LIMITS, OktaEmulator
from sample_company.emulators.server import EmulatorServer
from sample_company.emulators.servicenow import ServiceNowEmulator
from sample_company.emulators.snipeit import SnipeItEmulator
from sample_company.files import write_files
from sample_company.google import build_google
from sample_company.graph import graph_tenant
from sample_company.servicenow import servicenow_instance
from sample_company.snipeit import build_snipeit

#: Sign-ins read on the demo's first refresh: the longest activity window the audit reports.
EVENT_HISTORY_DAYS = 90
GRAPH_RETENTION_DAYS = 30
#: The demo's systems answer as fast as loopback allows; benchmarks use the published limits.
DEMO_REQUESTS_PER_MINUTE = 60_000
#: Each secret lives only in this process's environment, under these names.
SECRET_ENVS = {
    "okta": "SAMPLE_OKTA_API_TOKEN",
    "graph": "SAMPLE_GRAPH_CLIENT_SECRET",
    "google": "SAMPLE_GOOGLE_SERVICE_ACCOUNT_KEY",
    "servicenow_user": "SAMPLE_SERVICENOW_USERNAME",
    "servicenow_password": "SAMPLE_SERVICENOW_PASSWORD",
    "snipeit": "SAMPLE_SNIPEIT_API_TOKEN",
}


@dataclass(frozen=True)
class SampleEnvironment:
    """What a refresh needs to read the sample company: its sources file and the audit date."""

    sources_config: Path
    as_of: date
    #: The emulators serving event logs, when they run in this process.
    logs: tuple[EmulatorServer, ...] = ()

    def log_until(self, moment: datetime | None) -> None:
        """Let the vendors' event logs reach `moment` (naive UTC) and no further, as for a
        refresh running then; None: the whole history. Refused when the emulators run in another
        process (`serve_sample_company_apart`): there it would hold nothing back, silently."""
        if not self.logs:
            raise RuntimeError("the sample company's emulators run in another process")
        for server in self.logs:
            server.logged_until = moment


@contextmanager
def serve_sample_company(
    directory: Path, *, scale: str = "S", seed: int = 42, as_of: date = sample_company.DEFAULT_AS_OF
) -> Iterator[SampleEnvironment]:
    """Write the company's files under `directory` and serve its systems while open.

    `as_of` is the company's last day of history; a benchmark serves one day more than it first
    audits, so its next refresh has a new day of sign-ins to read.

    Credentials are random per session, set in this process's environment only, and the
    sources file written beside the files names the variables, never the values.
    """
    company = sample_company.generate(scale, seed=seed, as_of=as_of)
    write_files(company, directory / "files")
    start_date = company.as_of - timedelta(days=EVENT_HISTORY_DAYS)
    logs: list[EmulatorServer] = []
    with ExitStack() as stack:
        sources: dict[str, dict[str, Any]] = {
            "okta": _serve_okta(company, stack, logs),
            "graph": _serve_graph(company, stack, logs),
            "google": _serve_google(company, stack, logs),
            "servicenow": _serve_servicenow(company, stack),
            "snipeit": _serve_snipeit(company, stack),
        }
        for settings in sources.values():
            settings["requests_per_minute"] = DEMO_REQUESTS_PER_MINUTE
        for source in ("okta", "google"):
            sources[source]["start_date"] = start_date
        # Entra keeps sign-ins for 30 days: a first extraction cannot reach further back.
        sources["graph"]["start_date"] = company.as_of - timedelta(days=GRAPH_RETENTION_DAYS - 1)
        sources["files"] = {"type": "files", "path": "files"}
        config = directory / "sources.yml"
        config.write_text(
            "# Written by the demo: the sample company's systems on loopback. Secrets stay in the"
            " environment.\n" + yaml.safe_dump({"sources": sources}, sort_keys=False),
            encoding="utf-8",
        )
        yield SampleEnvironment(sources_config=config, as_of=company.as_of, logs=tuple(logs))


@contextmanager
def serve_sample_company_apart(
    directory: Path,
    *,
    scale: str = "S",
    seed: int = 42,
    as_of: date = sample_company.DEFAULT_AS_OF,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[SampleEnvironment]:
    """`serve_sample_company` in a process of its own, as a real company's systems are.

    `meanwhile` runs here while the server generates the company: the demo loads its pipeline,
    seconds of imports that no longer wait for the company, nor the company for them.

    Served from this process, the emulators' threads held its interpreter lock while they encoded
    the pages the connectors waited for, one core for both sides; apart, each page is produced
    while the previous one is read. The server hands back the sources file, the audit date and the
    session's credentials on a pipe (never on disk), and ends when this process closes its stdin
    or dies.
    """
    server = subprocess.Popen(
        [sys.executable, "-m", "pipelines.sample", str(directory), scale, str(seed), str(as_of)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if meanwhile is not None:
            meanwhile()
        ready = server.stdout.readline()
        if not ready:
            raise RuntimeError(
                f"the sample company's server exited with {server.wait()} before serving"
            )
        served = json.loads(ready)
        os.environ.update(served["secrets"])
        yield SampleEnvironment(Path(served["sources_config"]), date.fromisoformat(served["as_of"]))
    finally:
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _serve_until_stdin_closes(directory: Path, scale: str, seed: int, as_of: date) -> None:
    with serve_sample_company(directory, scale=scale, seed=seed, as_of=as_of) as sample:
        served = {
            "sources_config": str(sample.sources_config),
            "as_of": sample.as_of.isoformat(),
            "secrets": {name: os.environ[name] for name in SECRET_ENVS.values()},
        }
        sys.stdout.write(json.dumps(served) + "\n")
        sys.stdout.flush()
        sys.stdin.read()  # end of file: the refresh is done, or gone


def _secret(name: str) -> str:
    value = secrets.token_urlsafe(24)
    os.environ[SECRET_ENVS[name]] = value
    return value


def _serve_okta(company: Company, stack: ExitStack, logs: list[EmulatorServer]) -> dict[str, Any]:
    limits = dict.fromkeys(PUBLISHED_RATE_LIMITS, DEMO_REQUESTS_PER_MINUTE)
    okta = stack.enter_context(OktaEmulator(company, token=_secret("okta"), rate_limits=limits))
    logs.append(okta)
    return {"type": "okta", "base_url": okta.base_url, "token_env": SECRET_ENVS["okta"]}


def _serve_graph(company: Company, stack: ExitStack, logs: list[EmulatorServer]) -> dict[str, Any]:
    tenant = graph_tenant(company)
    limits = dict.fromkeys(GRAPH_RATE_LIMITS, DEMO_REQUESTS_PER_MINUTE)
    graph = stack.enter_context(
        GraphEmulator(tenant, client_secret=_secret("graph"), rate_limits=limits)
    )
    logs.append(graph)
    return {
        "type": "graph",
        "tenant_id": tenant.tenant_id,
        "client_id": tenant.audit_app_id,
        "secret_env": SECRET_ENVS["graph"],
        "graph_base_url": graph.base_url,
        "authority": graph.base_url,
        "sign_in_activity_requests_per_minute": DEMO_REQUESTS_PER_MINUTE,
        "sign_ins_requests_per_minute": DEMO_REQUESTS_PER_MINUTE,
    }


def _serve_google(company: Company, stack: ExitStack, logs: list[EmulatorServer]) -> dict[str, Any]:
    workspace = build_google(company)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    account = f"software-audit@{company.domain.split('.')[0]}-audit.iam.gserviceaccount.com"
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    google = stack.enter_context(
        GoogleEmulator(
            workspace,
            service_account=ServiceAccount(account, public),
            admin_email=workspace.admin_email,
            rate_limit=None,
        )
    )
    logs.append(google)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    os.environ[SECRET_ENVS["google"]] = json.dumps(
        {
            "type": "service_account",
            "private_key_id": secrets.token_hex(8),
            "private_key": private.decode(),
            "client_email": account,
            "token_uri": google.token_url,
        }
    )
    return {
        "type": "google",
        "base_url": google.base_url,
        "token_url": google.token_url,
        "subject": workspace.admin_email,
        "key_env": SECRET_ENVS["google"],
    }


def _serve_servicenow(company: Company, stack: ExitStack) -> dict[str, Any]:
    servicenow = stack.enter_context(
        ServiceNowEmulator(
            servicenow_instance(company).tables(),
            username=_secret("servicenow_user"),
            password=_secret("servicenow_password"),
            rate_limits={"/api/now/table": 1_000_000},
        )
    )
    return {
        "type": "servicenow",
        "base_url": servicenow.base_url,
        "auth": "basic",
        "username_env": SECRET_ENVS["servicenow_user"],
        "password_env": SECRET_ENVS["servicenow_password"],
    }


def _serve_snipeit(company: Company, stack: ExitStack) -> dict[str, Any]:
    snipeit = stack.enter_context(
        SnipeItEmulator(build_snipeit(company), _secret("snipeit"), rate_limit=1_000_000)
    )
    return {"type": "snipeit", "base_url": snipeit.base_url, "token_env": SECRET_ENVS["snipeit"]}


if __name__ == "__main__":
    _serve_until_stdin_closes(
        Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), date.fromisoformat(sys.argv[4])
    )
