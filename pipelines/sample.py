"""The built-in sample company served as a real company would be: business files in a folder and
its identity provider behind a local emulator of the vendor's API, so the demo exercises the same
HTTP code paths as production."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

import sample_company
from sample_company.emulators.okta import PUBLISHED_RATE_LIMITS, OktaEmulator
from sample_company.files import write_files

OKTA_TOKEN_ENV = "SAMPLE_OKTA_API_TOKEN"
EVENT_HISTORY_DAYS = 180
#: The demo's org answers as fast as loopback allows; the benchmarks use Okta's published limits.
DEMO_REQUESTS_PER_MINUTE = 60_000


@dataclass(frozen=True)
class SampleEnvironment:
    """What a refresh needs to read the sample company: its sources file and the audit date."""

    sources_config: Path
    as_of: date


@contextmanager
def serve_sample_company(
    directory: Path, *, scale: str = "S", seed: int = 42
) -> Iterator[SampleEnvironment]:
    """Write the company's files under `directory`, serve its Okta org on loopback while open.

    The emulator's token is random per session and only ever lives in this process's environment.
    """
    company = sample_company.generate(scale, seed=seed)
    files = directory / "files"
    write_files(company, files)
    token = secrets.token_urlsafe(24)
    limits = dict.fromkeys(PUBLISHED_RATE_LIMITS, DEMO_REQUESTS_PER_MINUTE)
    with OktaEmulator(company, token=token, rate_limits=limits) as okta:
        os.environ[OKTA_TOKEN_ENV] = token
        config = directory / "sources.yml"
        config.write_text(
            "# Written by the demo: the sample company's sources. Secrets stay in the env.\n"
            + yaml.safe_dump(
                {
                    "sources": {
                        "okta": {
                            "type": "okta",
                            "base_url": okta.base_url,
                            "token_env": OKTA_TOKEN_ENV,
                            "requests_per_minute": DEMO_REQUESTS_PER_MINUTE,
                            "start_date": company.as_of - timedelta(days=EVENT_HISTORY_DAYS),
                        },
                        "files": {"type": "files", "path": "files"},
                    }
                },
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        yield SampleEnvironment(sources_config=config, as_of=company.as_of)
