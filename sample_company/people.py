"""The company's people as Okta users: employees in a reporting tree, leavers, joiners, robots.

Each department is a tree with a fan-out of six under its head, and the heads report to the CEO.
Joiners and leavers are always individual contributors, so nobody reports to a departed manager.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from connectors.okta.entities import USERS
from sample_company.ids import okta_ids, stream
from sample_company.organisation import (
    COMPANY_DOMAIN,
    COMPANY_NAME,
    DEPARTMENTS,
    FIRST_NAMES,
    LAST_NAMES,
    REGIONS,
)
from sample_company.payloads import json_object, json_string, okta_times
from sample_company.scale import Scale
from sample_company.timeutil import US_PER_DAY, US_PER_HOUR, day_start

STATUSES = ("ACTIVE", "PROVISIONED", "SUSPENDED", "DEPROVISIONED")
ACTIVE, PROVISIONED, SUSPENDED, DEPROVISIONED = range(4)
FAN_OUT = 6
FOUNDED_DAYS_AGO = 8 * 365
OKTA_ROLLOUT_DAYS_AGO = 6 * 365 + 180
SERVICE_NAMES = (
    "jenkins", "github-actions", "datadog-agent", "terraform", "backup", "salesforce-sync",
    "looker-etl", "airflow", "zapier", "monitoring", "scim-bridge", "workday-integration",
)  # fmt: skip
_NON_ALNUM = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True, eq=False)
class People:
    """Everyone with an Okta account, indexed the same way as the rows of `table`."""

    ids: list[str]
    emails: list[str]
    full_names: list[str]
    department: np.ndarray  # index into DEPARTMENTS
    is_service: np.ndarray
    is_manager: np.ndarray
    status: np.ndarray  # index into STATUSES
    created: np.ndarray  # datetime64[us]
    activated: np.ndarray  # datetime64[us], NaT when never activated
    left: np.ndarray  # datetime64[us] of suspension or deprovisioning, NaT otherwise
    region: np.ndarray  # index into REGIONS
    executives: dict[str, int]  # CEO, CFO, ... -> person index
    table: pa.Table

    @property
    def count(self) -> int:
        return len(self.ids)

    def cost_center(self, person: int) -> str:
        return DEPARTMENTS[self.department[person]].cost_center

    def in_audience(self, departments: tuple[int, ...]) -> np.ndarray:
        """Who belongs to any of `departments`; everyone when it is empty."""
        if not departments:
            return np.ones(self.count, bool)
        member = np.zeros(len(DEPARTMENTS), bool)
        member[list(departments)] = True
        return member[self.department]


def headcounts(employees: int) -> np.ndarray:
    """Employees per department by largest remainder; at least two each, but the CEO alone."""
    shares = np.array([d.headcount_share for d in DEPARTMENTS])
    minimum = np.array([1 if d.code == "EXE" else 2 for d in DEPARTMENTS])
    exact = minimum + shares / shares.sum() * (employees - minimum.sum())
    counts = np.floor(exact).astype(int)
    remainder_order = np.argsort(-(exact - counts), kind="stable")
    counts[remainder_order[: employees - counts.sum()]] += 1
    return counts


def build_people(scale: Scale, seed: int, as_of: date) -> People:
    rng = stream(seed, "people")
    chart = _org_chart(headcounts(scale.employees), rng)
    status = _lifecycle(chart, rng)
    first = rng.integers(0, len(FIRST_NAMES), len(chart.dept))
    last = rng.integers(0, len(LAST_NAMES), len(chart.dept))
    region = rng.choice(len(REGIONS), len(chart.dept), p=[r[1] for r in REGIONS])
    titles = _titles(chart, rng)

    n_svc = scale.service_accounts
    it = next(i for i, d in enumerate(DEPARTMENTS) if d.code == "IT")
    robots = [
        SERVICE_NAMES[k % len(SERVICE_NAMES)]
        + (f"-{k // len(SERVICE_NAMES) + 1:02d}" if k >= len(SERVICE_NAMES) else "")
        for k in range(n_svc)
    ]
    total = len(chart.dept) + n_svc
    is_service = np.arange(total) >= len(chart.dept)
    dept = np.concatenate([chart.dept, np.full(n_svc, it)])
    tenure = np.concatenate([chart.tenure, rng.integers(30, OKTA_ROLLOUT_DAYS_AGO, n_svc)])
    status = np.concatenate([status, np.full(n_svc, ACTIVE)])
    manager = np.concatenate([chart.manager, np.full(n_svc, -1)])
    is_manager = np.concatenate([chart.is_manager, np.zeros(n_svc, bool)])
    region = np.concatenate([region, np.zeros(n_svc, np.int64)])
    first_names = [FIRST_NAMES[f] for f in first.tolist()] + [
        r.replace("-", " ").title() for r in robots
    ]
    last_names = [LAST_NAMES[x] for x in last.tolist()] + ["Service Account"] * n_svc
    titles += ["Service Account"] * n_svc
    created_us, activated_us, left_us, last_login_us = _timeline(tenure, status, rng)

    # Rows are in the order the accounts were created, as an Okta org lists them.
    final = np.argsort(created_us, kind="stable")
    rank = np.empty(total, np.int64)
    rank[final] = np.arange(total)
    as_of_start = day_start(as_of)

    def instants(offsets: np.ndarray, present: np.ndarray) -> np.ndarray:
        values = as_of_start + offsets[final].astype("timedelta64[us]")
        return np.where(present[final], values, np.datetime64("NaT", "us"))

    has_left = np.isin(status, [SUSPENDED, DEPROVISIONED])
    active_once = status != PROVISIONED
    created = instants(created_us, np.ones(total, bool))
    activated = instants(activated_us, active_once)
    left = instants(left_us, has_left)
    last_login = instants(last_login_us, active_once)
    first_names = np.array(first_names)[final]
    last_names = np.array(last_names)[final]
    emails = _unique_emails(first_names.tolist(), last_names.tolist(), is_service[final])
    ids = okta_ids(seed, "00u", total)
    id_array = pa.array(ids, pa.string())
    managers = manager[final]
    manager_rank = np.where(managers < 0, 0, rank[np.maximum(managers, 0)])
    dept_of = pa.array(dept[final])
    columns = {
        "id": id_array,
        "status": pa.array(STATUSES).take(pa.array(status[final])),
        "created": pa.array(created),
        "activated": pa.array(activated, mask=np.isnat(activated)),
        "last_login": pa.array(last_login, mask=np.isnat(last_login)),
        "profile_login": pa.array(emails),
        "profile_email": pa.array(emails),
        "profile_first_name": pa.array(first_names),
        "profile_last_name": pa.array(last_names),
        "profile_department": pa.array([d.name for d in DEPARTMENTS]).take(dept_of),
        "profile_title": pa.array(titles).take(pa.array(final)),
        "profile_user_type": pa.array(["employee", "service"]).take(
            pa.array(is_service[final].astype(np.int8))
        ),
        "profile_manager_id": id_array.take(pa.array(manager_rank, mask=managers < 0)),
        "profile_cost_center": pa.array([d.cost_center for d in DEPARTMENTS]).take(dept_of),
    }
    columns["payload"] = _payloads(columns, left)
    heads = np.flatnonzero(chart.is_head)
    return People(
        ids=ids,
        emails=emails,
        full_names=[f"{f} {x}" for f, x in zip(first_names, last_names, strict=True)],
        department=dept[final],
        is_service=is_service[final],
        is_manager=is_manager[final],
        status=status[final],
        created=created,
        activated=activated,
        left=left,
        region=region[final],
        executives={DEPARTMENTS[chart.dept[i]].head_title: int(rank[i]) for i in heads},
        table=pa.table([columns[f.name] for f in USERS.schema], schema=USERS.schema),
    )


@dataclass(frozen=True, eq=False)
class _OrgChart:
    """Employees in generation order: department, days since hire and reporting line."""

    dept: np.ndarray
    tenure: np.ndarray
    manager: np.ndarray  # employee index, -1 for the CEO
    is_head: np.ndarray
    is_manager: np.ndarray


def _org_chart(counts: np.ndarray, rng: np.random.Generator) -> _OrgChart:
    """Each department is a tree of fan-out six under its longest-serving member; heads report to
    the CEO, and earlier hires manage later ones."""
    n = int(counts.sum())
    dept = np.repeat(np.arange(len(DEPARTMENTS)), counts)
    tenure = np.floor(FOUNDED_DAYS_AGO * rng.random(n) ** 1.7).astype(np.int64)
    order = np.lexsort((-tenure, dept))
    dept_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    position = np.empty(n, np.int64)
    position[order] = np.arange(n) - dept_start[dept[order]]
    # order[dept_start[d] + p] is the employee at position p of department d.
    is_head = position == 0
    tenure[is_head] = np.maximum(tenure[is_head], rng.integers(1800, 2800, is_head.sum()))
    ceo = order[dept_start[0]]
    tenure[ceo] = FOUNDED_DAYS_AGO
    manager = np.where(
        is_head, ceo, order[dept_start[dept] + np.maximum(position - 1, 0) // FAN_OUT]
    )
    manager[ceo] = -1
    is_manager = (FAN_OUT * position + 1 < counts[dept]) | (np.arange(n) == ceo)
    return _OrgChart(dept, tenure, manager, is_head, is_manager)


def _lifecycle(chart: _OrgChart, rng: np.random.Generator) -> np.ndarray:
    """Statuses, with joiners' tenure reset to days. Joiners and leavers are individual
    contributors outside the executive team, so nobody reports to a departed manager."""
    n = len(chart.dept)
    status = np.full(n, ACTIVE)
    leaves = rng.permutation(np.flatnonzero(~chart.is_manager & (chart.dept != 0)))
    n_joiners = max(2, round(0.03 * n))
    n_pending = max(1, n_joiners // 3)
    joiners = leaves[:n_joiners]
    chart.tenure[joiners] = rng.integers(0, 21, n_joiners)
    chart.tenure[joiners[:n_pending]] = rng.integers(0, 5, n_pending)
    status[joiners[:n_pending]] = PROVISIONED
    veterans = leaves[n_joiners:][chart.tenure[leaves[n_joiners:]] >= 120]
    n_gone = max(3, round(0.06 * n))
    n_suspended = max(1, round(0.005 * n))
    status[veterans[:n_gone]] = DEPROVISIONED
    status[veterans[n_gone : n_gone + n_suspended]] = SUSPENDED
    return status


def _timeline(
    tenure: np.ndarray, status: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, ...]:
    """(created, activated, left, last login) in microseconds relative to 00:00 of as_of."""
    total = len(tenure)
    # Okta accounts exist from the Okta roll-out on; earlier hires were imported on that day.
    hire_day = np.minimum(tenure, OKTA_ROLLOUT_DAYS_AGO)
    created = -hire_day * US_PER_DAY + rng.integers(13 * US_PER_HOUR, 22 * US_PER_HOUR, total)
    activated = np.minimum(created + rng.integers(10**6, 3 * US_PER_DAY, total), US_PER_DAY - 1)
    left_days = np.maximum(np.minimum(tenure - 30, 330), 2)
    left = -rng.integers(1, left_days) * US_PER_DAY + rng.integers(
        14 * US_PER_HOUR, 23 * US_PER_HOUR, total
    )
    left = np.maximum(left, activated + US_PER_DAY)
    recent_login = -rng.geometric(0.6, total) * US_PER_DAY + rng.integers(
        US_PER_DAY, 2 * US_PER_DAY, total
    )
    has_left = np.isin(status, [SUSPENDED, DEPROVISIONED])
    last_login = np.where(
        has_left, left - rng.integers(US_PER_HOUR, 4 * US_PER_DAY, total), recent_login
    )
    return created, activated, left, np.maximum(last_login, activated)


def _titles(chart: _OrgChart, rng: np.random.Generator) -> list[str]:
    pick = rng.random(len(chart.dept))
    titles = np.empty(len(chart.dept), dtype=object)
    for d, department in enumerate(DEPARTMENTS):
        in_department = chart.dept == d
        for mask, options in (
            (in_department & chart.is_manager, department.manager_titles),
            (in_department & ~chart.is_manager, department.titles),
        ):
            titles[mask] = np.array(options, dtype=object)[(pick[mask] * len(options)).astype(int)]
        titles[in_department & chart.is_head] = department.head_title
    return titles.tolist()


def _unique_emails(first: list[str], last: list[str], is_service: np.ndarray) -> list[str]:
    """first.last@domain, numbered from the second person of the same name (first.last2@...)."""
    seen: dict[str, int] = {}
    emails = []
    for given, family, service in zip(first, last, is_service.tolist(), strict=True):
        if service:
            local = "svc-" + given.lower().replace(" ", "-")
        else:
            local = f"{_NON_ALNUM.sub('', given.lower())}.{_NON_ALNUM.sub('', family.lower())}"
        seen[local] = seen.get(local, 0) + 1
        suffix = "" if seen[local] == 1 else str(seen[local])
        emails.append(f"{local}{suffix}@{COMPANY_DOMAIN}")
    return emails


def _payloads(columns: dict[str, pa.Array], left: np.ndarray) -> pa.Array:
    """Each user as Okta's User object, for the fields the raw table does not model."""
    created = columns["created"].to_numpy(zero_copy_only=False)
    activated = columns["activated"].to_numpy(zero_copy_only=False)
    last_login = columns["last_login"].to_numpy(zero_copy_only=False)
    changed = np.where(np.isnat(left), np.where(np.isnat(activated), created, activated), left)
    updated = np.where(np.isnat(last_login), changed, np.maximum(changed, last_login))
    profile = json_object(
        [
            ("firstName", json_string(columns["profile_first_name"])),
            ("lastName", json_string(columns["profile_last_name"])),
            ("email", json_string(columns["profile_email"])),
            ("login", json_string(columns["profile_login"])),
            ("department", json_string(columns["profile_department"])),
            ("title", json_string(columns["profile_title"])),
            ("userType", json_string(columns["profile_user_type"])),
            ("managerId", json_string(columns["profile_manager_id"])),
            ("costCenter", json_string(columns["profile_cost_center"])),
            ("organization", json_string(pa.array([COMPANY_NAME] * len(created)))),
        ]
    )
    return json_object(
        [
            ("id", json_string(columns["id"])),
            ("status", json_string(columns["status"])),
            ("created", json_string(okta_times(created))),
            ("activated", json_string(okta_times(activated))),
            ("statusChanged", json_string(okta_times(changed))),
            ("lastLogin", json_string(okta_times(last_login))),
            ("lastUpdated", json_string(okta_times(updated))),
            ("profile", profile),
        ]
    )
