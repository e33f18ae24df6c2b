"""The tiny company's Google Workspace, a service account key pair, and helpers to read them.

Not a conftest, so that test modules can import it by a name no other test folder uses.
"""

from __future__ import annotations

import functools
import random
from datetime import timedelta
from typing import Any

import fake_clock
import pyarrow as pa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from connectors.base import Window
from connectors.google.client import GoogleWorkspaceConnector
from connectors.google.entities import ENTITIES, KEY
from connectors.http import HttpSettings
from sample_company import generate
from sample_company.emulators.google import GoogleEmulator, ServiceAccount
from sample_company.google import GoogleWorkspace, build_google

CLIENT_EMAIL = "software-audit@larkspur-audit.iam.gserviceaccount.com"
ACCESS_TOKEN = "ya29.a0-static-access-token-never-logged-7d1e"
APPLICATION = {"token_activities": "token", "login_activities": "login"}
SCHEMAS = {entity.name: entity.schema for entity in ENTITIES}


class FakeClock(fake_clock.FakeClock):
    """The shared fake clock, started on the sample company's last day (2026-10-31 00:00 UTC).

    Minted tokens and JWTs are then "now" for both sides, as on the day of a run.
    """

    def __init__(self, start: float = 1_793_404_800.0) -> None:
        super().__init__(start)


@functools.cache
def workspace() -> GoogleWorkspace:
    return build_google(generate("tiny", seed=7))


@functools.cache
def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def service_account_key(private_key: rsa.RSAPrivateKey | None = None) -> dict[str, Any]:
    """A key file's content, as the Cloud console downloads it (token_uri set by the caller)."""
    pem = (private_key or _private_key()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "type": "service_account",
        "project_id": "larkspur-audit",
        "private_key_id": "4f2c9e0d1b7a",
        "private_key": pem.decode(),
        "client_email": CLIENT_EMAIL,
        "client_id": "108512345678901234567",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def private_key_text() -> str:
    return service_account_key()["private_key"]


def emulator(view: Any = None, **options: Any) -> GoogleEmulator:
    """An emulator of `view` (the tiny company by default) trusting the test service account."""
    view = view or workspace()
    public = (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    defaults: dict[str, Any] = {
        "service_account": ServiceAccount(CLIENT_EMAIL, public),
        "access_token": ACCESS_TOKEN,
        "admin_email": getattr(view, "admin_email", f"admin@{view.domain}"),
        "rate_limit": None,
    }
    return GoogleEmulator(view, **(defaults | options))


def connector(server: GoogleEmulator, clock: FakeClock | None, **options: Any):
    """A connector with the service account (unless `access_token` is given), small pages,
    no pacing, and the test's clock and seeded jitter."""
    defaults: dict[str, Any] = {
        "page_size": 50,
        "requests_per_minute": None,
        "http_settings": HttpSettings(timeout=(2.0, 2.0)),
        "rng": random.Random(7),
    }
    if clock is not None:
        defaults |= {"sleep": clock.sleep, "monotonic": clock.monotonic, "wall_clock": clock.time}
    if "access_token" not in options:
        defaults |= {
            "service_account_key": service_account_key(),
            "subject": server.admin_email,
            "token_url": server.token_url,
        }
    base_url = options.pop("base_url", server.base_url)
    return GoogleWorkspaceConnector(base_url, **(defaults | options))


def read(source: GoogleWorkspaceConnector, entity: str, window: Window) -> pa.Table:
    return pa.Table.from_batches(list(source.extract(entity, window)), schema=SCHEMAS[entity])


def expected(entity: str, window: Window, view: GoogleWorkspace | None = None) -> pa.Table:
    return (view or workspace()).activities(APPLICATION[entity], window.start, window.end)


def keys(table: pa.Table) -> list[tuple]:
    return list(zip(*(table[column].to_pylist() for column in KEY), strict=True))


def by_key(table: pa.Table) -> dict[tuple, dict]:
    rows = table.to_pylist()
    keyed = {tuple(row[column] for column in KEY): row for row in rows}
    assert len(keyed) == len(rows), "duplicate keys"
    return keyed


def last_days(days: int, view: GoogleWorkspace | None = None) -> Window:
    end = (view or workspace()).events_end
    return Window(end - timedelta(days=days), end)
