"""The sample company: one deterministic fictional company shared by demo, tests and benchmarks."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa

from connectors.files.schemas import APPLICATION_ALIASES
from sample_company.applications import build_roster
from sample_company.catalogue import ALIASES
from sample_company.contracts import active_seats, build_contracts, contracts_table
from sample_company.objectives import (
    alignments_table,
    build_alignments,
    objectives_table,
)
from sample_company.okta import app_user_changes_table, build_okta
from sample_company.organisation import COMPANY_DOMAIN, COMPANY_NAME
from sample_company.people import build_people
from sample_company.scale import Scale, resolve_scale
from sample_company.signins import SignInModel, build_sign_in_model
from sample_company.spend import build_spend, spend_table
from sample_company.survey import build_survey, survey_table
from sample_company.truth import applications_table, spellings_table

DEFAULT_AS_OF = date(2026, 10, 31)
_EPOCH = datetime(1970, 1, 1)
_CHANGES_BATCH_ROWS = 10_000


@dataclass(frozen=True)
class Company:
    """A generated company: its source tables, truth tables and a stream of sign-in events.

    Inventory tables match the raw entity schemas exactly: `okta_users`, `okta_apps` and
    `okta_app_users` those of `connectors.okta.entities`, and the business files those of
    `connectors.files.schemas` (one table per `FileSpec.entity`). `applications` and
    `application_spellings` are truth tables for tests (see `sample_company.truth`).
    """

    name: str
    domain: str
    scale: Scale
    seed: int
    as_of: date
    okta_users: pa.Table
    okta_apps: pa.Table
    okta_app_users: pa.Table
    contracts: pa.Table
    spend: pa.Table
    survey_responses: pa.Table
    objectives: pa.Table
    application_objectives: pa.Table
    application_aliases: pa.Table
    applications: pa.Table
    application_spellings: pa.Table
    sign_ins: SignInModel = field(repr=False, compare=False)

    @property
    def events_start(self) -> datetime:
        """The first instant with sign-in events (00:00 UTC, `event_days - 1` days before as_of)."""
        return _EPOCH + timedelta(microseconds=self.sign_ins.start_us)

    @property
    def events_end(self) -> datetime:
        """The end (exclusive) of the event history: 00:00 UTC the day after as_of."""
        return _EPOCH + timedelta(microseconds=self.sign_ins.end_us)

    def sso_events(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> Iterator[pa.RecordBatch]:
        """The SSO events published in [start, end), in time order, one batch per day.

        Bounds are UTC (naive, or aware and converted); None means the whole history. Any window
        yields exactly the events of the full stream inside it, with the same uuids.
        """
        return self.sign_ins.batches(*self._bounds(start, end))

    def event_count(self, start: datetime | None = None, end: datetime | None = None) -> int:
        """How many events `sso_events(start, end)` yields, much faster than counting them."""
        return self.sign_ins.count(*self._bounds(start, end))

    def app_user_changes(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> Iterator[pa.RecordBatch]:
        """The System Log's assignment changes published in [start, end), in (published, uuid)
        order, in the `app_user_changes` schema.

        The sample org only ever adds assignments: one `application.user_membership.add` with
        outcome SUCCESS per row of `okta_app_users`, published at its `created`. Bounds are UTC
        (naive, or aware and converted); None means unbounded, the history of assignments being
        longer than that of sign-ins. Any window yields exactly the events of the full stream
        inside it, with the same uuids.
        """
        changes, published_us = self._app_user_changes
        first = 0 if start is None else int(np.searchsorted(published_us, _to_us(start)))
        last = len(published_us) if end is None else int(np.searchsorted(published_us, _to_us(end)))
        yield from changes.slice(first, max(last - first, 0)).to_batches(_CHANGES_BATCH_ROWS)

    @functools.cached_property
    def _app_user_changes(self) -> tuple[pa.Table, np.ndarray]:
        """All assignment changes and their `published` in epoch microseconds, built on first use
        (1.6 million events at scale L)."""
        changes = app_user_changes_table(self.okta_app_users, self.seed).combine_chunks()
        return changes, changes.column("published").to_numpy().astype(np.int64)

    def okta_tables(self) -> dict[str, pa.Table]:
        """The Okta inventory tables by entity name (`users`, `apps`, `app_users`)."""
        return {"users": self.okta_users, "apps": self.okta_apps, "app_users": self.okta_app_users}

    def file_tables(self) -> dict[str, pa.Table]:
        """The business files by `FileSpec.entity` (`contracts`, `spend`, ...)."""
        return {
            "contracts": self.contracts,
            "spend": self.spend,
            "survey_responses": self.survey_responses,
            "objectives": self.objectives,
            "application_objectives": self.application_objectives,
            "application_aliases": self.application_aliases,
        }

    def _bounds(self, start: datetime | None, end: datetime | None) -> tuple[int, int]:
        return (
            self.sign_ins.start_us if start is None else _to_us(start),
            self.sign_ins.end_us if end is None else _to_us(end),
        )


def generate(scale: Scale | str = "S", seed: int = 42, as_of: date = DEFAULT_AS_OF) -> Company:
    """Build the company. Same arguments, same bytes: nothing depends on the clock or machine."""
    scale = resolve_scale(scale)
    people = build_people(scale, seed, as_of)
    roster = build_roster(scale, seed)
    okta = build_okta(roster, people, seed, as_of)
    sign_ins = build_sign_in_model(scale, seed, as_of, people, roster, okta)
    assigned = okta.assigned_counts(len(roster))
    contracts = build_contracts(roster, people, assigned, seed, as_of)
    lines = build_spend(roster, people, contracts, seed, as_of)
    answers = build_survey(roster, people, okta, sign_ins.assignment_used, seed, as_of)
    alignments = build_alignments(roster, seed)
    okta_ids = dict(
        zip(okta.roster_index.tolist(), okta.apps.column("id").to_pylist(), strict=True)
    )
    used_spellings = {
        "okta_apps.label": [(a.index, a.spellings["okta_apps.label"]) for a in roster if a.in_okta],
        "contracts.product": [(c.app, c.product) for c in contracts],
        "spend.product": [(x.app, x.product) for x in lines if x.product is not None],
        "spend.vendor": [(x.app, x.vendor) for x in lines if x.payment_method == "card"],
        "survey_responses.application": [(a.app, a.application) for a in answers],
        "application_objectives.application": [(a.app, a.application) for a in alignments],
    }
    aliases = sorted(ALIASES.items())
    return Company(
        name=COMPANY_NAME,
        domain=COMPANY_DOMAIN,
        scale=scale,
        seed=seed,
        as_of=as_of,
        okta_users=people.table,
        okta_apps=okta.apps,
        okta_app_users=okta.app_users,
        contracts=contracts_table(contracts),
        spend=spend_table(lines),
        survey_responses=survey_table(answers, people),
        objectives=objectives_table(people, scale.employees, seed, as_of),
        application_objectives=alignments_table(alignments),
        application_aliases=pa.table(
            {"alias": [a for a, _ in aliases], "application": [n for _, n in aliases]},
            schema=APPLICATION_ALIASES.to_entity().schema,
        ),
        applications=applications_table(
            roster, okta_ids, assigned, active_seats(contracts, len(roster), as_of)
        ),
        application_spellings=spellings_table(roster, used_spellings),
        sign_ins=sign_ins,
    )


def _to_us(instant: datetime) -> int:
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC).replace(tzinfo=None)
    delta = instant - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
