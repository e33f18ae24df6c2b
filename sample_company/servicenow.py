"""The sample company as its ServiceNow instance holds it: CMDB business applications and SAM.

Derived from a generated `Company` without touching the generator, and as deterministic: the same
company gives the same records. The CMDB lists every sanctioned application once (retired ones as
Retired), named as its admins typed them: mostly the proper name, sometimes the publisher's legal
name or the domain (which `match_key` merges), and three by spellings only the aliases file
resolves. Business owners come from the contract register, IT owners from the IT department.
Software Asset Management holds one entitlement per contract, whose rights are the contract's seats
except where the asset manager recorded another number: `seat_differences` lists those, per
application, for the reconciliation the audit publishes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from connectors.servicenow.entities import BUSINESS_APPS, LICENSES
from sample_company.catalogue import CATEGORY_OWNER, DOMAINS
from sample_company.ids import stream
from sample_company.matching import match_key
from sample_company.organisation import DEPARTMENTS

if TYPE_CHECKING:
    from sample_company.company import Company

CRITICALITY = {
    "1": "1 - most critical",
    "2": "2 - somewhat critical",
    "3": "3 - less critical",
    "4": "4 - not critical",
}
CI_INSTALL_STATUS = {"1": "Installed", "7": "Retired"}
OPERATIONAL_STATUS = {"1": "Operational", "6": "Retired"}
ASSET_STATUS = {"1": "In use", "2": "On order", "7": "Retired"}
#: Applications the CMDB names by an old or short name that only the aliases file resolves.
CMDB_ALIASES = {
    "Microsoft 365": "Office 365",
    "Google Workspace": "GSuite",
    "Adobe Creative Cloud": "Adobe CC",
}
#: Share of the entitlements running on as_of whose rights differ from the contract's seats.
SEAT_DIFFERENCE_RATE = 0.15

BUSINESS_APP_APPLICATIONS_SCHEMA = pa.schema(
    [
        pa.field("sys_id", pa.string(), nullable=False),
        pa.field("application", pa.string(), nullable=False),  # the canonical name
    ]
)
SEAT_DIFFERENCES_SCHEMA = pa.schema(
    [
        pa.field("application", pa.string(), nullable=False),
        pa.field("contract_seats", pa.int64(), nullable=False),  # contracts running on as_of
        pa.field("servicenow_rights", pa.int64(), nullable=False),  # their entitlements' rights
    ]
)


@dataclass(frozen=True)
class ServiceNowInstance:
    """The instance's tables in the `connectors.servicenow.entities` schemas, and two truths.

    `business_app_applications` maps each business application to the canonical application it
    is; `seat_differences` lists the applications whose entitlements running on as_of add up to
    other rights than their contracts' seats.
    """

    business_apps: pa.Table
    licenses: pa.Table
    business_app_applications: pa.Table
    seat_differences: pa.Table

    def tables(self) -> dict[str, pa.Table]:
        """The tables by ServiceNow table name, as the emulator serves them."""
        return {BUSINESS_APPS.table: self.business_apps, LICENSES.table: self.licenses}


def servicenow_instance(company: Company) -> ServiceNowInstance:
    """The ServiceNow view of `company`; its own random stream leaves the company's untouched."""
    rng = stream(company.seed, "servicenow")
    ids = _SysIds(company.seed)
    resolve = _Resolver(company)
    directory = _Directory(company.okta_users, ids)
    as_of_end = datetime.combine(company.as_of, time()) + timedelta(days=1, seconds=-1)
    contracts = company.contracts.to_pylist()
    by_application: dict[str, list[dict[str, Any]]] = {}
    for contract in contracts:
        by_application.setdefault(resolve(contract["product"]), []).append(contract)
    apps = [row for row in company.applications.to_pylist() if row["is_sanctioned"]]
    okta_created = dict(
        zip(
            company.okta_apps.column("id").to_pylist(),
            company.okta_apps.column("created").to_pylist(),
            strict=True,
        )
    )
    business_apps = []
    for app in apps:
        main = _main_contract(by_application.get(app["application"], []), company.as_of)
        created = _created(okta_created.get(app["okta_app_id"]), company.as_of, as_of_end, rng)
        business_apps.append(
            _business_app(app, main, directory, ids, rng, created, as_of_end)
            | {"name": _cmdb_name(app, resolve, rng)}
        )
    business_apps.sort(key=lambda row: row["sys_created_on"])
    for number, row in enumerate(business_apps, start=1001):
        row["number"] = f"APM{number:07d}"
    licenses, running = _licenses(contracts, resolve, ids, rng, company.as_of, as_of_end)
    return ServiceNowInstance(
        business_apps=pa.Table.from_pylist(business_apps, schema=BUSINESS_APPS.entity.schema),
        licenses=pa.Table.from_pylist(licenses, schema=LICENSES.entity.schema),
        business_app_applications=pa.Table.from_pylist(
            [
                {
                    "sys_id": ids("cmdb_ci_business_app", a["application"]),
                    "application": a["application"],
                }
                for a in apps
            ],
            schema=BUSINESS_APP_APPLICATIONS_SCHEMA,
        ),
        seat_differences=_seat_differences(running),
    )


class _SysIds:
    """Stable 32-hex-digit sys_ids, one per (table, natural key) of the company."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def __call__(self, table: str, key: str) -> str:
        text = f"{self._seed}|{table}|{key}".encode()
        return hashlib.blake2b(text, digest_size=16).hexdigest()


class _Resolver:
    """The canonical application of a spelling, by `match_key` or the aliases file."""

    def __init__(self, company: Company) -> None:
        apps = company.applications
        self._by_key = dict(
            zip(
                apps.column("application_key").to_pylist(),
                apps.column("application").to_pylist(),
                strict=True,
            )
        )
        aliases = company.application_aliases
        self.aliases = dict(
            zip(
                aliases.column("alias").to_pylist(),
                aliases.column("application").to_pylist(),
                strict=True,
            )
        )

    def __call__(self, spelling: str) -> str:
        return self.aliases.get(spelling) or self._by_key[match_key(spelling)]


@dataclass(frozen=True)
class _User:
    """A `sys_user` record: the Okta employee it was imported from."""

    sys_id: str
    name: str
    email: str
    manager_okta_id: str | None


class _Directory:
    """The company's employees as ServiceNow users, and who may own what."""

    def __init__(self, okta_users: pa.Table, ids: _SysIds) -> None:
        rows = [row for row in okta_users.to_pylist() if row["profile_user_type"] == "employee"]
        self._by_okta_id = {
            row["id"]: _User(
                ids("sys_user", row["id"]),
                f"{row['profile_first_name']} {row['profile_last_name']}",
                row["profile_email"],
                row["profile_manager_id"],
            )
            for row in rows
        }
        self._by_email = {row["profile_email"].lower(): row["id"] for row in rows}
        active = [row for row in rows if row["status"] == "ACTIVE"]
        self.active_count = len(active)
        self._managers: dict[str, list[str]] = {}
        self._members: dict[str, list[str]] = {}
        for department in DEPARTMENTS:
            titles = {department.head_title, *department.manager_titles}
            members = [row for row in active if row["profile_department"] == department.name]
            self._members[department.code] = [row["id"] for row in members]
            self._managers[department.code] = [
                row["id"] for row in members if row["profile_title"] in titles
            ]

    def by_email(self, email: str | None) -> _User | None:
        okta_id = self._by_email.get(email.lower()) if email else None
        return self._by_okta_id[okta_id] if okta_id else None

    def manager_of(self, user: _User | None) -> _User | None:
        return self._by_okta_id.get(user.manager_okta_id or "") if user else None

    def pick(self, department_code: str, rng: np.random.Generator, managers: bool) -> _User | None:
        """A deterministic active employee of the department, a manager if asked and any."""
        chosen = self._managers[department_code] if managers else []
        chosen = chosen or self._members[department_code]
        draw = int(rng.integers(1 << 30))  # drawn even when unused, so later draws never shift
        return self._by_okta_id[chosen[draw % len(chosen)]] if chosen else None


def _business_app(
    app: dict[str, Any],
    main: dict[str, Any] | None,
    directory: _Directory,
    ids: _SysIds,
    rng: np.random.Generator,
    created: datetime,
    as_of_end: datetime,
) -> dict[str, Any]:
    """A `cmdb_ci_business_app` row, without its name and number."""
    category_owner = directory.pick(CATEGORY_OWNER[app["category"]], rng, managers=True)
    owner = directory.by_email(main["owner_email"]) if main else category_owner
    it_owner = directory.pick("IT", rng, managers=False)
    retired = app["is_retired"]
    stage = "End of Life" if retired else "Operational"
    stage_status = "Retired" if retired else "In Use"
    criticality = "4" if retired else _criticality(app["assigned_users"], directory.active_count)
    return {
        "sys_id": ids("cmdb_ci_business_app", app["application"]),
        "short_description": f"{app['category']} application from {app['vendor']}",
        "vendor": ids("core_company", app["vendor"]),
        "vendor_display_value": app["vendor"],
        **_user_columns("owned_by", owner),
        **_user_columns("it_application_owner", it_owner),
        **_user_columns("managed_by", directory.manager_of(it_owner)),
        "business_criticality": criticality,
        "business_criticality_display_value": CRITICALITY[criticality],
        **_choice("install_status", "7" if retired else "1", CI_INSTALL_STATUS),
        **_choice("operational_status", "6" if retired else "1", OPERATIONAL_STATUS),
        "life_cycle_stage": ids("life_cycle_stage", stage),
        "life_cycle_stage_display_value": stage,
        "life_cycle_stage_status": ids("life_cycle_stage_status", stage_status),
        "life_cycle_stage_status_display_value": stage_status,
        "sys_created_on": created,
        "sys_updated_on": _later(created, as_of_end, rng),
    }


def _cmdb_name(app: dict[str, Any], resolve: _Resolver, rng: np.random.Generator) -> str:
    """The name a CMDB admin typed: the proper one mostly, a legal name or a domain at times."""
    name, key, vendor = app["application"], app["application_key"], app["vendor"]
    draw = rng.random()
    if name in CMDB_ALIASES:
        chosen = CMDB_ALIASES[name]
    elif draw < 0.12 and match_key(vendor) == key:
        chosen = vendor  # "Slack Technologies, LLC"
    elif (
        draw > 0.9
        and " " not in name
        and match_key(domain := DOMAINS.get(name, f"{key}.com")) == key
    ):
        chosen = domain  # "zoom.us" is not merged, so not chosen
    else:
        chosen = name
    if resolve(chosen) != name:
        raise ValueError(f"the CMDB name {chosen!r} does not resolve to {name!r}")
    return chosen


def _criticality(assigned_users: int, employees: int) -> str:
    """The more of the company depends on it, the more critical: 1 (most) to 4 (not)."""
    share = assigned_users / max(employees, 1)
    return "1" if share >= 0.5 else "2" if share >= 0.15 else "3" if share >= 0.02 else "4"


def _licenses(
    contracts: list[dict[str, Any]],
    resolve: _Resolver,
    ids: _SysIds,
    rng: np.random.Generator,
    as_of: date,
    as_of_end: datetime,
) -> tuple[list[dict[str, Any]], list[tuple[str, int, int]]]:
    """One `alm_license` row per contract, and (application, seats, rights) of running ones."""
    running_rows = [n for n, c in enumerate(contracts) if c["start_date"] <= as_of <= c["end_date"]]
    draws = rng.random(len(running_rows))
    differing = {
        n for n, draw in zip(running_rows, draws, strict=True) if draw < SEAT_DIFFERENCE_RATE
    }
    if running_rows and not differing:
        differing = {running_rows[int(np.argmin(draws))]}
    rows, running = [], []
    for n, contract in enumerate(contracts):
        application = resolve(contract["product"])
        seats = contract["seats"]
        rights = _recorded_rights(seats, rng) if n in differing else seats
        status = _asset_status(contract, as_of)
        created = min(
            datetime.combine(contract["start_date"], time(9))
            - timedelta(days=int(rng.integers(0, 21)), seconds=int(rng.integers(0, 8 * 3600))),
            as_of_end,
        )
        rows.append(
            {
                "sys_id": ids("alm_license", contract["contract_id"]),
                "display_name": contract["product"],
                "asset_tag": f"SW{n + 1:06d}",
                "software_model": ids("cmdb_software_product_model", application),
                "software_model_display_value": contract["product"],
                "vendor": ids("core_company", contract["vendor"]),
                "vendor_display_value": contract["vendor"],
                "rights": rights,
                "start_date": contract["start_date"],
                "end_date": contract["end_date"],
                **_choice("install_status", status, ASSET_STATUS),
                "sys_created_on": created,
                "sys_updated_on": _later(created, as_of_end, rng),
            }
        )
        if n in running_rows:
            running.append((application, seats, rights))
    return rows, running


def _asset_status(contract: dict[str, Any], as_of: date) -> str:
    if contract["end_date"] < as_of:
        return "7"
    return "2" if contract["start_date"] > as_of else "1"


def _recorded_rights(seats: int, rng: np.random.Generator) -> int:
    """Rights an asset manager recorded instead of `seats`: a missed true-up or renewal."""
    fewer = rng.random() < 0.5
    step = max(1, round(seats * rng.uniform(0.05, 0.3)))
    return seats - step if fewer and seats > step else seats + step


def _seat_differences(running: list[tuple[str, int, int]]) -> pa.Table:
    totals: dict[str, list[int]] = {}
    for application, seats, rights in running:
        total = totals.setdefault(application, [0, 0])
        total[0] += seats
        total[1] += rights
    rows = [
        {"application": app, "contract_seats": seats, "servicenow_rights": rights}
        for app, (seats, rights) in sorted(totals.items())
        if seats != rights
    ]
    return pa.Table.from_pylist(rows, schema=SEAT_DIFFERENCES_SCHEMA)


def _main_contract(contracts: list[dict[str, Any]], as_of: date) -> dict[str, Any] | None:
    """The contract that says who owns the application: the biggest running, else the latest."""
    if not contracts:
        return None
    return max(
        contracts,
        key=lambda c: (c["start_date"] <= as_of <= c["end_date"], c["seats"], c["end_date"]),
    )


def _created(
    okta_created: datetime | None, as_of: date, as_of_end: datetime, rng: np.random.Generator
) -> datetime:
    """When the CMDB record was made: some days after the app reached Okta (whole seconds)."""
    base = okta_created or datetime.combine(as_of, time()) - timedelta(days=730)
    lag = timedelta(days=int(rng.integers(1, 30)), seconds=int(rng.integers(0, 86_400)))
    return min(base + lag, as_of_end).replace(microsecond=0)


def _later(start: datetime, end: datetime, rng: np.random.Generator) -> datetime:
    return (start + (end - start) * float(rng.random())).replace(microsecond=0)


def _user_columns(field: str, user: _User | None) -> dict[str, str | None]:
    return {
        field: user.sys_id if user else None,
        f"{field}_display_value": user.name if user else None,
        f"{field}_email": user.email if user else None,
    }


def _choice(field: str, value: str, labels: Mapping[str, str]) -> dict[str, str]:
    return {field: value, f"{field}_display_value": labels[value]}
