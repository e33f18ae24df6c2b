"""The sample company as Microsoft Graph sees it: the Microsoft 365 tenant of its mail and Teams.

Everything is derived from a generated `Company` without changing the generator: the licenses
(subscribed SKUs) from its Microsoft contracts, the users from its Okta users (same people, same
e-mail addresses, leavers disabled), the license holders from its Okta assignments to the
Microsoft apps, the enterprise applications from Microsoft's own apps plus a few of its SaaS
applications that users consented to (some of them shadow IT), and sign-ins to Exchange Online,
Teams and SharePoint Online drawn day by day with numpy, like the Okta sign-ins.

    tenant = graph_tenant(company)
    tenant.subscribed_skus, tenant.service_principals, tenant.users    # connectors.graph schemas
    for batch in tenant.sign_ins(start, end): ...                      # one batch per day

It shows what an audit should find: seats bought but not assigned, licenses of disabled accounts,
licensed people who never sign in, Teams paid twice (in Microsoft 365 E3 and on its own), a free
SKU with a million "seats", and SKUs in their grace period after a contract lapsed.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.graph.entities import SERVICE_PRINCIPALS, SIGN_INS, SUBSCRIBED_SKUS, USERS
from sample_company.company import Company
from sample_company.ids import salt, stream, uuid_strings
from sample_company.matching import match_key
from sample_company.payloads import json_object, json_string
from sample_company.timeutil import US_PER_DAY

#: Microsoft's own tenant, which owns its first-party applications.
MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
#: Days a lapsed subscription stays in `Warning`, then in `Suspended`, before it is deleted.
GRACE_DAYS, SUSPENDED_DAYS = 30, 120
FREE_SEATS = 1_000_000  # what Microsoft "sells" of a free, self-service SKU
_EPOCH = date(1970, 1, 1)
_SECONDS_PER_DAY = 86_400
_ID_NAMESPACE = uuid.UUID("0d6c1f6e-4b8e-4c55-9a43-7a3e1c2b9f10")


@dataclass(frozen=True)
class Sku:
    """A license Microsoft sells, with its real identifiers and a few of its service plans."""

    part_number: str
    sku_id: str
    service_plans: tuple[tuple[str, str], ...]  # (servicePlanName, servicePlanId)


_EXCHANGE = ("EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0")
_SHAREPOINT = ("SHAREPOINTENTERPRISE", "5dbe027f-2339-4123-9542-606e4d348a72")
_TEAMS = ("TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929")
_ENTRA_P1 = ("AAD_PREMIUM", "41781fb2-bc02-4b7c-bd55-b576c07bb09d")
_INTUNE = ("INTUNE_A", "c1ec4a95-1f05-45b3-a911-aa3fa01094f5")
SKUS: dict[str, Sku] = {
    sku.part_number: sku
    for sku in (
        Sku(
            "SPE_E3",
            "05e9a617-0261-4cee-bb44-138d3ef5d965",
            (_EXCHANGE, _SHAREPOINT, _TEAMS, _ENTRA_P1, _INTUNE),
        ),
        Sku(
            "SPE_E5",
            "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
            (
                _EXCHANGE,
                _SHAREPOINT,
                _TEAMS,
                _ENTRA_P1,
                _INTUNE,
                ("AAD_PREMIUM_P2", "eec0eb4f-6444-4f95-aba0-50c24d67f998"),
            ),
        ),
        Sku("TEAMS_ESSENTIALS_AAD", "3ab6abff-666f-4424-bfb7-f0bc274ec7bc", (_TEAMS,)),
        Sku(
            "VISIOCLIENT",
            "c5928f49-12ba-48f7-ada3-0d743a3601d5",
            (("VISIO_CLIENT_SUBSCRIPTION", "663a804f-1c30-4ff0-9915-9db84f0d1cea"),),
        ),
        Sku(
            "POWER_BI_PRO",
            "f8a1db68-be16-40ed-86d5-cb42ce701560",
            (("BI_AZURE_P2", "70d33638-9c74-4d01-bfd3-562de28bd4ba"),),
        ),
        Sku("Microsoft_365_Copilot", "639dec6b-bb19-468b-871c-c5c441c4b0cb", ()),
        Sku(
            "POWER_BI_STANDARD",
            "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235",
            (("BI_AZURE_P0", "2049e525-b859-401b-b2a0-e0a31c4b1fe4"),),
        ),
    )
}
#: The SKU a Microsoft contract buys, by (match_key of its product, tier of its contract SKU).
CONTRACT_SKUS: dict[tuple[str, str], str] = {
    ("microsoft365", "MAIN"): "SPE_E3",
    ("microsoft365", "PREMIUM"): "SPE_E5",
    ("microsoft365", "ADDON"): "VISIOCLIENT",
    ("microsoftteams", "MAIN"): "TEAMS_ESSENTIALS_AAD",
    ("powerbi", "MAIN"): "POWER_BI_PRO",
    ("microsoft365copilot", "MAIN"): "Microsoft_365_Copilot",
    ("visio", "MAIN"): "VISIOCLIENT",
}
#: Who may hold each SKU: the people assigned to this application in Okta.
SKU_AUDIENCE = {
    "SPE_E3": "microsoft365",
    "SPE_E5": "microsoft365",
    "VISIOCLIENT": "microsoft365",
    "Microsoft_365_Copilot": "microsoft365",
    "POWER_BI_STANDARD": "microsoft365",
    "TEAMS_ESSENTIALS_AAD": "microsoftteams",
    "POWER_BI_PRO": "powerbi",
}
#: SKUs bought for everyone in their audience; the others for a part of it.
_WHOLE_AUDIENCE = frozenset({"SPE_E3", "TEAMS_ESSENTIALS_AAD", "POWER_BI_PRO"})
_MAILBOX_SKUS = ("SPE_E3", "SPE_E5")
_TEAMS_SKUS = ("SPE_E3", "SPE_E5", "TEAMS_ESSENTIALS_AAD")


@dataclass(frozen=True)
class FirstPartyApp:
    """A Microsoft application present in every tenant (real, global app ids)."""

    name: str
    app_id: str


EXCHANGE = FirstPartyApp("Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000")
SHAREPOINT = FirstPartyApp("Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000")
TEAMS = FirstPartyApp("Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264")
TEAMS_SERVICES = FirstPartyApp("Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe")
FIRST_PARTY_APPS = (
    EXCHANGE,
    SHAREPOINT,
    TEAMS,
    TEAMS_SERVICES,
    FirstPartyApp("Microsoft Graph", "00000003-0000-0000-c000-000000000000"),
    FirstPartyApp("Microsoft Office", "d3590ed6-52b3-4102-aeff-aad2292ab01c"),
    FirstPartyApp("OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca"),
    FirstPartyApp("Office 365 Management APIs", "c5393580-f805-4401-95e8-94b7a6ef2fc2"),
    FirstPartyApp("Power BI Service", "00000009-0000-0000-c000-000000000000"),
)
#: The applications sign-ins go to, and the resource each asks a token for.
SIGN_IN_APPS = ((EXCHANGE, EXCHANGE), (TEAMS, TEAMS_SERVICES), (SHAREPOINT, SHAREPOINT))
#: Per sign-in app: mean interactive sign-ins on a working day, share of holders who use it at
#: all, and share of its sign-ins made in a browser.
_APP_RATE = np.array([1.6, 1.2, 0.7])
_APP_ADOPTION = np.array([0.97, 0.85, 0.7])
_APP_BROWSER = np.array([0.45, 0.1, 0.85])
_NEVER_SIGNS_IN = 0.05  # licensed people who never use Microsoft 365 at all
_WEEKDAY_FACTOR = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.12, 0.07])  # Monday first
_FAILURES = (
    (50126, "Error validating credentials due to invalid username or password."),
    (50074, "Strong Authentication is required."),
    (500121, "Authentication failed during strong authentication request."),
    (50140, "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."),  # noqa: E501
)  # fmt: skip
_CLIENTS = ("Browser", "Mobile Apps and Desktop clients")
_RICH_CLIENT = "Rich Client 5.2.8"
#: (operating system, browser, share); Graph spells the systems this way.
_DEVICES = (
    ("Windows10", "Edge 129.0.0", 0.55),
    ("MacOs", "Chrome 129.0.0", 0.3),
    ("Ios", "Mobile Safari 17.6", 0.1),
    ("Android", "Chrome Mobile 129.0.0", 0.05),
)
#: (UTC hour at the middle of the working day, countries, share) of the company's sites.
_SITES = ((15.0, ("US",), 0.6), (10.0, ("GB", "DE", "FR", "NL"), 0.3), (3.0, ("SG", "AU"), 0.1))
_LEAVER_KEEPS_LICENSES = 0.3  # disabled accounts whose licenses nobody removed


@dataclass(frozen=True, eq=False)
class _People:
    """The company's Okta users as the tenant's users, indexed like `company.okta_users`."""

    okta_ids: list[str]
    ids: pa.Array  # Entra object ids
    emails: pa.Array
    names: pa.Array
    is_service: np.ndarray
    status: np.ndarray  # Okta status text
    start_day: np.ndarray  # first day index with sign-ins (activation + 1)
    end_day: np.ndarray  # day index after the last one (leaving), or the history's length
    left_us: np.ndarray  # when they left (epoch microseconds), -1 if they have not
    last_login_us: np.ndarray  # Okta's last login (epoch microseconds), -1 if none

    @property
    def count(self) -> int:
        return len(self.okta_ids)


class GraphTenant:
    """The sample company's Microsoft 365 tenant: inventory tables and a stream of sign-ins.

    `subscribed_skus`, `service_principals` and `users` are tables in the schemas of
    `connectors.graph.entities`; their `payload` is the whole Graph object (the users' with every
    property the emulator can be asked to `$select`). `sign_ins(start, end)` streams the sign-ins
    of `[start, end)` (naive UTC) in time order, one batch per day, the same events whatever the
    window. The tables are built on first use: the users' last sign-in reads the whole history.
    """

    def __init__(self, company: Company) -> None:
        self.company = company
        self.tenant_id = _guid(company.seed, "tenant", 1)[0]
        self.domain = company.domain
        #: The app registration an audit connector signs in as (its client id).
        self.audit_app_id = _guid(company.seed, "audit-app", 1)[0]
        self._people = _people(company)
        self._skus = _subscriptions(company)
        self._holders = _license_holders(company, self._people, self._skus)
        parts = [s.part_number for s in self._skus]
        self.sign_in_model = _SignInModel(company, self._people, self._holders, parts)

    @property
    def events_start(self) -> datetime:
        return self.company.events_start

    @property
    def events_end(self) -> datetime:
        return self.company.events_end

    def sign_ins(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> Iterator[pa.RecordBatch]:
        """The sign-ins created in [start, end), in time order, one batch per day.

        Bounds are UTC (naive, or aware and converted); None means the whole history.
        """
        start, end = (
            default if moment is None else _naive_utc(moment)
            for moment, default in ((start, self.events_start), (end, self.events_end))
        )
        model = self.sign_in_model
        for day in model.days_between(start, end):
            table = model.day_table(day)
            created = table.column("created_date_time")
            keep = pc.and_(pc.greater_equal(created, start), pc.less(created, end))
            chosen = table.filter(keep)
            if chosen.num_rows:
                yield from chosen.to_batches()

    def forget_drawn_days(self) -> None:
        """Drop the days of sign-ins drawn and kept (16 at most, for the next pages of a day)."""
        self.sign_in_model.day_table.cache_clear()

    def sign_in_count(self, start: datetime | None = None, end: datetime | None = None) -> int:
        return sum(batch.num_rows for batch in self.sign_ins(start, end))

    @functools.cached_property
    def subscribed_skus(self) -> pa.Table:
        consumed = self._holders.sum(axis=0)
        rows = []
        for column, sub in enumerate(self._skus):
            sku = SKUS[sub.part_number]
            units = {
                "enabled": sub.enabled,
                "suspended": sub.suspended,
                "warning": sub.warning,
                "lockedOut": 0,
            }
            status = sub.status
            payload = {
                "accountName": self.company.name,
                "accountId": self.tenant_id,
                "appliesTo": "User",
                "capabilityStatus": status,
                "consumedUnits": int(consumed[column]),
                "id": f"{self.tenant_id}_{sku.sku_id}",
                "skuId": sku.sku_id,
                "skuPartNumber": sku.part_number,
                "subscriptionIds": [
                    _guid(self.company.seed, f"subscription-{sku.part_number}", 1)[0]
                ],
                "prepaidUnits": units,
                "servicePlans": [
                    {
                        "servicePlanId": plan_id,
                        "servicePlanName": name,
                        "provisioningStatus": "Success" if status == "Enabled" else "Disabled",
                        "appliesTo": "User",
                    }
                    for name, plan_id in sku.service_plans
                ],
            }
            rows.append(
                {
                    "id": payload["id"],
                    "sku_id": sku.sku_id,
                    "sku_part_number": sku.part_number,
                    "applies_to": "User",
                    "capability_status": status,
                    "consumed_units": int(consumed[column]),
                    "prepaid_units_enabled": sub.enabled,
                    "prepaid_units_suspended": sub.suspended,
                    "prepaid_units_warning": sub.warning,
                    "prepaid_units_locked_out": 0,
                    "payload": _dumps(payload),
                }
            )
        return pa.Table.from_pylist(rows, schema=SUBSCRIBED_SKUS.schema)

    @functools.cached_property
    def service_principals(self) -> pa.Table:
        return pa.Table.from_pylist(_service_principals(self), schema=SERVICE_PRINCIPALS.schema)

    @functools.cached_property
    def users(self) -> pa.Table:
        """Built column-wise: a company of 50,000 people would take seconds object by object."""
        people, okta, model = self._people, self.company.okta_users, self.sign_in_model
        last, successful, last_id, successful_id = model.last_sign_ins()
        rng = stream(self.company.seed, "graph-non-interactive")
        # Token refreshes keep signing in after the last interactive sign-in, until leaving.
        refresh = last + rng.integers(1_800, 72_000, people.count) * 1_000_000
        end = model.end_us - 1_000_000  # Graph's times are whole seconds
        ceiling = np.where(people.left_us >= 0, people.left_us, end)
        # Nothing non-interactive is on record for leavers from before the history: Graph then
        # writes its year-1 "never", which the connector must land as null.
        non_interactive = np.where(last >= model.start_us, np.minimum(refresh, ceiling), -1)
        created = _epoch_us(okta.column("created")) // 1_000_000 * 1_000_000
        enabled = np.isin(people.status, ["ACTIVE", "PROVISIONED"])
        licenses, licenses_json = self._license_lists()
        mail = pc.if_else(pa.array(people.is_service), pa.scalar(None, pa.string()), people.emails)
        has_activity = pa.array(last >= 0)
        activity = json_object(
            [
                ("lastSignInDateTime", json_string(_graph_times(last))),
                ("lastSignInRequestId", json_string(pa.array(last_id, pa.string()))),
                ("lastNonInteractiveSignInDateTime", json_string(_graph_times(non_interactive))),
                ("lastNonInteractiveSignInRequestId", '""'),
                ("lastSuccessfulSignInDateTime", json_string(_graph_times(successful))),
                (
                    "lastSuccessfulSignInRequestId",
                    json_string(pc.fill_null(pa.array(successful_id, pa.string()), "")),
                ),
            ]
        )
        text = {name: okta.column(name).combine_chunks() for name in okta.column_names}
        payload = json_object(
            [
                ("id", json_string(people.ids)),
                ("businessPhones", "[]"),
                ("displayName", json_string(people.names)),
                ("givenName", json_string(text["profile_first_name"])),
                ("surname", json_string(text["profile_last_name"])),
                ("jobTitle", json_string(text["profile_title"])),
                ("mail", json_string(mail)),
                ("mobilePhone", "null"),
                ("officeLocation", "null"),
                ("preferredLanguage", '"en-US"'),
                ("userPrincipalName", json_string(people.emails)),
                ("accountEnabled", pa.array(np.where(enabled, "true", "false"))),
                ("createdDateTime", json_string(_graph_times(created))),
                ("department", json_string(text["profile_department"])),
                ("userType", '"Member"'),
                ("assignedLicenses", licenses_json),
                ("signInActivity", pc.if_else(has_activity, activity, "null")),
            ]
        )
        columns = {
            "id": people.ids,
            "user_principal_name": people.emails,
            "mail": mail,
            "display_name": people.names,
            "department": text["profile_department"],
            "job_title": text["profile_title"],
            "account_enabled": pa.array(enabled),
            "user_type": pa.array(np.full(people.count, "Member")),
            "created_date_time": _timestamps(created),
            "assigned_licenses_sku_ids": licenses,
            "sign_in_activity_last_sign_in_date_time": _timestamps(last),
            "sign_in_activity_last_non_interactive_sign_in_date_time": _timestamps(non_interactive),
            "sign_in_activity_last_successful_sign_in_date_time": _timestamps(successful),
            "payload": payload,
        }
        return pa.table([columns[f.name] for f in USERS.schema], schema=USERS.schema)

    def _license_lists(self) -> tuple[pa.Array, pa.Array]:
        """Each person's license SKU ids, as a list and as Graph's `assignedLicenses` JSON.

        People share a handful of license combinations, so each is written once and taken.
        """
        sku_ids = [SKUS[sub.part_number].sku_id for sub in self._skus]
        combos, person_combo = np.unique(self._holders, axis=0, return_inverse=True)
        lists = [[sku_ids[k] for k in np.flatnonzero(combo)] for combo in combos]
        texts = [_dumps([{"disabledPlans": [], "skuId": s} for s in ids]) for ids in lists]
        index = pa.array(person_combo.ravel())
        return (
            pa.array(lists, pa.list_(pa.string())).take(index),
            pa.array(texts, pa.string()).take(index),
        )


def graph_tenant(company: Company) -> GraphTenant:
    """The Microsoft 365 tenant of `company`; the same company always gives the same tenant."""
    return GraphTenant(company)


# -- people ------------------------------------------------------------------------------------


def _people(company: Company) -> _People:
    users = company.okta_users
    first_us = _day_us(company.events_start)
    status = np.array(users.column("status").to_pylist(), dtype=object)
    activated = _epoch_us(users.column("activated"))
    left = np.where(np.isin(status, ["SUSPENDED", "DEPROVISIONED"]), _status_changed_us(users), -1)
    days = company.scale.event_days
    # Sign-ins start the day after activation and stop on the day of leaving, as in Okta.
    start = np.where(activated >= 0, (activated - first_us) // US_PER_DAY + 1, days)
    end = np.where(left >= 0, (left - first_us) // US_PER_DAY, days)
    first = users.column("profile_first_name")
    last = users.column("profile_last_name")
    return _People(
        okta_ids=users.column("id").to_pylist(),
        ids=pa.array(_guid(company.seed, "user", users.num_rows), pa.string()),
        emails=users.column("profile_login").combine_chunks(),
        names=pc.binary_join_element_wise(first, last, " ").combine_chunks(),
        is_service=np.array(users.column("profile_user_type").to_pylist()) == "service",
        status=status,
        start_day=np.clip(start, 0, days).astype(np.int64),
        end_day=np.clip(end, 0, days).astype(np.int64),
        left_us=left,
        last_login_us=_epoch_us(users.column("last_login")),
    )


def _status_changed_us(users: pa.Table) -> np.ndarray:
    """Okta's `statusChanged` of each user, read from the payload: when a leaver left."""
    text = pc.extract_regex(users.column("payload"), r'"statusChanged":"(?P<at>[^"]+)"')
    at = pc.struct_field(text, "at")
    instants = pc.strptime(pc.utf8_slice_codeunits(at, 0, 19), "%Y-%m-%dT%H:%M:%S", "us")
    return _epoch_us(instants)


def _epoch_us(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.fill_null(values.cast(pa.int64()), -1).to_numpy().astype(np.int64)


# -- licenses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Subscription:
    part_number: str
    status: str  # Enabled, Warning or Suspended
    enabled: int
    warning: int
    suspended: int

    @property
    def units(self) -> int:
        return self.enabled + self.warning + self.suspended


def _subscriptions(company: Company) -> list[_Subscription]:
    """One subscription per SKU the company's Microsoft contracts buy, as on `as_of`."""
    as_of = company.as_of
    active: dict[str, int] = {}
    lapsed: dict[str, tuple[date, int]] = {}
    for row in company.contracts.to_pylist():
        if "microsoft" not in match_key(row["vendor"]):
            continue
        tier = next((t for t in ("PREMIUM", "ADDON") if row["sku"].endswith(t)), "MAIN")
        key = match_key(row["product"])
        part = CONTRACT_SKUS.get((key, tier)) or CONTRACT_SKUS.get((key, "MAIN"))
        if part is None or row["start_date"] > as_of:
            continue
        if row["end_date"] >= as_of:
            active[part] = active.get(part, 0) + row["seats"]
        elif row["end_date"] > lapsed.get(part, (date.min, 0))[0]:
            lapsed[part] = (row["end_date"], row["seats"])
    subscriptions = [_Subscription(part, "Enabled", seats, 0, 0) for part, seats in active.items()]
    for part, (ended, seats) in lapsed.items():
        since = (as_of - ended).days
        if part in active or since > SUSPENDED_DAYS:
            continue
        if since <= GRACE_DAYS:
            subscriptions.append(_Subscription(part, "Warning", 0, seats, 0))
        else:
            subscriptions.append(_Subscription(part, "Suspended", 0, 0, seats))
    if subscriptions:
        subscriptions.append(_Subscription("POWER_BI_STANDARD", "Enabled", FREE_SEATS, 0, 0))
    return sorted(subscriptions, key=lambda s: list(SKUS).index(s.part_number))


def _license_holders(
    company: Company, people: _People, subscriptions: list[_Subscription]
) -> np.ndarray:
    """(person, subscription) -> holds a license, following the Okta assignments."""
    rng = stream(company.seed, "graph-licenses")
    audiences = _okta_audiences(company, people)
    holders = np.zeros((people.count, len(subscriptions)), bool)
    parts = [s.part_number for s in subscriptions]
    # Premium tiers replace the base plan: E5 holders are chosen first and hold no E3.
    for column in sorted(range(len(parts)), key=lambda k: parts[k] != "SPE_E5"):
        sub = subscriptions[column]
        audience = audiences.get(SKU_AUDIENCE[sub.part_number], np.zeros(people.count, bool))
        whole = sub.part_number in _WHOLE_AUDIENCE and audience.any()
        if not audience.any():
            audience = audiences.get("microsoft365", audience)
        if sub.part_number == "SPE_E3" and "SPE_E5" in parts:
            audience = audience & ~holders[:, parts.index("SPE_E5")]
        if sub.part_number == "POWER_BI_STANDARD" and "POWER_BI_PRO" in parts:
            audience = audience & ~holders[:, parts.index("POWER_BI_PRO")]
        pool = rng.permutation(np.flatnonzero(audience))
        if sub.part_number == "POWER_BI_STANDARD":
            size = max(1, round(0.04 * len(pool)))
        elif whole:
            size = sub.units
        else:
            size = round(sub.units * rng.uniform(0.6, 0.95))
        holders[pool[: min(size, sub.units, len(pool))], column] = True
    # Deprovisioning removes most leavers' licenses, not all: a finding of its own.
    gone = people.status == "DEPROVISIONED"
    kept = rng.random(people.count) < _LEAVER_KEEPS_LICENSES
    holders[gone & ~kept] = False
    return holders


def _okta_audiences(company: Company, people: _People) -> dict[str, np.ndarray]:
    """Who is assigned to the Okta app of each application that licenses follow; employees only."""
    aliases = dict(
        zip(
            company.application_aliases.column("alias").to_pylist(),
            company.application_aliases.column("application").to_pylist(),
            strict=True,
        )
    )
    apps = company.okta_apps
    keys = np.array([match_key(aliases.get(label, label)) for label in apps["label"].to_pylist()])
    assignments = company.okta_app_users
    app_row = pc.index_in(assignments.column("app_id"), apps.column("id")).to_numpy()
    person = pc.index_in(assignments.column("user_id"), pa.array(people.okta_ids)).to_numpy()
    audiences: dict[str, np.ndarray] = {}
    for key in set(SKU_AUDIENCE.values()):
        members = np.zeros(people.count, bool)
        members[person[np.isin(app_row, np.flatnonzero(keys == key))]] = True
        audiences[key] = members
    return {key: members & ~people.is_service for key, members in audiences.items()}


# -- sign-ins ------------------------------------------------------------------------------------


class _SignInModel:
    """Everything needed to draw any day of sign-ins; building it draws no event.

    Each (person, application) pair has a working-day rate; a day draws Poisson counts per pair
    from a generator seeded by (seed, day), so a day is the same whichever window asks for it and
    an event's id, derived from (day, rank in the day), is stable.
    """

    def __init__(
        self, company: Company, people: _People, holders: np.ndarray, parts: list[str]
    ) -> None:
        self.seed = company.seed
        self.first_day = company.as_of - timedelta(days=company.scale.event_days - 1)
        self.days = company.scale.event_days
        self.start_us = (self.first_day - _EPOCH).days * US_PER_DAY
        self.end_us = self.start_us + self.days * US_PER_DAY
        self.salts = (
            salt(company.seed, "graph-sign-in-hi"),
            salt(company.seed, "graph-sign-in-lo"),
        )
        rng = stream(company.seed, "graph-habits")
        n = people.count

        def holds(*wanted: str) -> np.ndarray:
            columns = [parts.index(p) for p in wanted if p in parts]
            return holders[:, columns].any(axis=1) if columns else np.zeros(n, bool)

        eligible = np.stack([holds(*_MAILBOX_SKUS), holds(*_TEAMS_SKUS), holds(*_MAILBOX_SKUS)])
        self.licensed = eligible.any(axis=0)
        activity = np.exp(rng.normal(0.0, 0.4, n)) * (rng.random(n) >= _NEVER_SIGNS_IN)
        uses = rng.random((len(SIGN_IN_APPS), n)) < _APP_ADOPTION[:, None]
        rate = np.where(eligible & uses, _APP_RATE[:, None] * activity, 0.0)
        app, user = np.nonzero(rate)
        self.pair_app, self.pair_user, self.pair_rate = app, user, rate[app, user]
        self.user_start, self.user_end = people.start_day, people.end_day
        self.day_factor = np.array(
            [
                _WEEKDAY_FACTOR[(self.first_day + timedelta(days=d)).weekday()]
                for d in range(self.days)
            ]
        )
        site = rng.choice(len(_SITES), n, p=[s[2] for s in _SITES])
        self.center_s = (np.array([s[0] for s in _SITES])[site] + rng.normal(0, 1, n)) * 3600
        self.failure = np.where(rng.random(n) < 0.03, 0.06, 0.012)
        # Each person works in one of their site's countries, from one device.
        sizes = np.array([len(countries) for _, countries, _ in _SITES])
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        country = first[site] + (rng.random(n) * sizes[site]).astype(np.int64)
        device = pa.array(rng.choice(len(_DEVICES), n, p=[d[2] for d in _DEVICES]))
        self.ids, self.emails, self.names = people.ids, people.emails, people.names
        hosts = pa.array(rng.integers(1, 255, n)).cast(pa.string())
        self.ips = pc.binary_join_element_wise("198.51.100.", hosts, "")
        self.countries = pa.array([c for _, countries, _ in _SITES for c in countries])
        self.countries = self.countries.take(pa.array(country))
        self.systems = pa.array([d[0] for d in _DEVICES]).take(device)
        self.browsers = pa.array([d[1] for d in _DEVICES]).take(device)
        self.last_login_us, self.left_us = people.last_login_us, people.left_us
        self.day_table = functools.lru_cache(maxsize=16)(self._day_table)

    def days_between(self, start: datetime, end: datetime) -> range:
        first = max(0, (_us(start) - self.start_us) // US_PER_DAY)
        last = min(self.days, -((self.start_us - _us(end)) // US_PER_DAY))
        return range(first, max(first, last))

    def draw(self, day: int) -> tuple[np.ndarray, ...]:
        """(second of the day, person, app, failure or -1, client) of the day's events, in order."""
        ordinal = (self.first_day + timedelta(days=day)).toordinal()
        rng = stream(self.seed, "graph-sign-ins", ordinal)
        user = self.pair_user
        active = (self.user_start[user] <= day) & (day < self.user_end[user])
        counts = rng.poisson(np.where(active, self.pair_rate * self.day_factor[day], 0.0))
        pair = np.repeat(np.arange(len(counts)), counts)
        users, apps = self.pair_user[pair], self.pair_app[pair]
        spread = rng.standard_normal(len(pair)) * 2.5 * 3600
        seconds = np.floor(self.center_s[users] + spread).astype(np.int64) % _SECONDS_PER_DAY
        failed = rng.random(len(pair)) < self.failure[users]
        failure = np.where(failed, rng.integers(0, len(_FAILURES), len(pair)), -1)
        client = (rng.random(len(pair)) >= _APP_BROWSER[apps]).astype(np.int8)
        order = np.lexsort((apps, users, seconds))
        return seconds[order], users[order], apps[order], failure[order], client[order]

    def _day_table(self, day: int) -> pa.Table:
        seconds, users, apps, failure, client = self.draw(day)
        count = len(seconds)
        ordinal = (self.first_day + timedelta(days=day)).toordinal()
        created = self.start_us + day * US_PER_DAY + seconds * 1_000_000
        user_index, app_index = pa.array(users), pa.array(apps)
        failed = failure >= 0
        codes = np.array([code for code, _ in _FAILURES])
        reasons = pa.array(["Other.", *(reason for _, reason in _FAILURES)], pa.string())
        browser = pc.if_else(
            pa.array(client == 0), self.browsers.take(user_index), pa.scalar(_RICH_CLIENT)
        )
        columns = {
            "id": uuid_strings(self.salts, ordinal, np.arange(count)),
            "created_date_time": pa.array(created.view("datetime64[us]")),
            "user_id": self.ids.take(user_index),
            "user_principal_name": self.emails.take(user_index),
            "user_display_name": self.names.take(user_index),
            "app_id": pa.array([a.app_id for a, _ in SIGN_IN_APPS]).take(app_index),
            "app_display_name": pa.array([a.name for a, _ in SIGN_IN_APPS]).take(app_index),
            "resource_id": pa.array([r.app_id for _, r in SIGN_IN_APPS]).take(app_index),
            "resource_display_name": pa.array([r.name for _, r in SIGN_IN_APPS]).take(app_index),
            "client_app_used": pa.array(_CLIENTS).take(pa.array(client)),
            "ip_address": self.ips.take(user_index),
            "is_interactive": pa.array(np.ones(count, bool)),
            "conditional_access_status": pa.array(["success", "notApplied"]).take(
                pa.array(failed.astype(np.int8))
            ),
            "status_error_code": pa.array(np.where(failed, codes[failure], 0), pa.int32()),
            "status_failure_reason": reasons.take(pa.array(failure + 1)),
            "device_detail_operating_system": self.systems.take(user_index),
            "device_detail_browser": browser,
            "location_country_or_region": self.countries.take(user_index),
        }
        return pa.table([columns[f.name] for f in SIGN_INS.schema], schema=SIGN_INS.schema)

    def last_sign_ins(self) -> tuple[np.ndarray, np.ndarray, list[str | None], list[str | None]]:
        """Per person: the last sign-in and the last successful one (epoch µs, -1 if none) and
        their ids. People who left before the history signed in last when Okta last saw them."""
        people = len(self.ids)
        last = np.full(people, -1, np.int64)
        good = np.full(people, -1, np.int64)
        for day in range(self.days):
            seconds, users, _, failure, _ = self.draw(day)
            # (second of the history, rank) in one number: the latest sign-in has the largest.
            key = ((day * _SECONDS_PER_DAY + seconds) << 24) | np.arange(len(seconds))
            np.maximum.at(last, users, key)
            np.maximum.at(good, users[failure < 0], key[failure < 0])
        last_ids, good_ids = self._event_ids(last), self._event_ids(good)
        last_us, good_us = self._instant(last), self._instant(good)
        before = (last < 0) & (self.left_us >= 0) & (self.left_us < self.start_us)
        before &= (self.last_login_us >= 0) & self.licensed
        last_us[before] = good_us[before] = self.last_login_us[before] // 1_000_000 * 1_000_000
        for person in np.flatnonzero(before).tolist():
            last_ids[person] = good_ids[person] = str(
                uuid.uuid5(_ID_NAMESPACE, f"{self.seed}-{person}")
            )
        return last_us, good_us, last_ids, good_ids

    def _event_ids(self, keys: np.ndarray) -> list[str | None]:
        """The id of the event each key points at (None for -1), drawn per day as generated."""
        ids: list[str | None] = [None] * len(keys)
        found = np.flatnonzero(keys >= 0)
        day_of = (keys[found] >> 24) // _SECONDS_PER_DAY
        for day in np.unique(day_of).tolist():
            chosen = found[day_of == day]
            ordinal = (self.first_day + timedelta(days=day)).toordinal()
            day_ids = uuid_strings(self.salts, ordinal, keys[chosen] & 0xFFFFFF).to_pylist()
            for person, event_id in zip(chosen.tolist(), day_ids, strict=True):
                ids[person] = event_id
        return ids

    def _instant(self, keys: np.ndarray) -> np.ndarray:
        seconds = keys >> 24
        return np.where(keys >= 0, self.start_us + seconds * 1_000_000, -1)


# -- enterprise applications ---------------------------------------------------------------------


def _service_principals(tenant: GraphTenant) -> list[dict]:
    """Microsoft's apps, the audit's own app registration, and SaaS apps users consented to."""
    company = tenant.company
    rng = stream(company.seed, "graph-service-principals")
    specs: list[dict] = [
        {
            "appId": app.app_id,
            "displayName": app.name,
            "appOwnerOrganizationId": MICROSOFT_TENANT,
            "servicePrincipalType": "Application",
            "signInAudience": "AzureADMultipleOrgs",
            "publisher": None,
            "tags": [],
        }
        for app in FIRST_PARTY_APPS
    ]
    specs.append(
        {
            "appId": tenant.audit_app_id,
            "displayName": f"{company.name} Software Audit",
            "appOwnerOrganizationId": tenant.tenant_id,
            "servicePrincipalType": "Application",
            "signInAudience": "AzureADMyOrg",
            "publisher": None,
            "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
        }
    )
    applications = company.applications.to_pylist()
    sanctioned = [
        a for a in applications if a["in_okta"] and "microsoft" not in match_key(a["vendor"])
    ]
    shadow = [a for a in applications if not a["is_sanctioned"]]
    chosen = [*_some(sanctioned, 6, rng), *_some(shadow, 3, rng)]
    for app in chosen:
        specs.append(
            {
                "appId": str(uuid.uuid5(_ID_NAMESPACE, f"app:{app['application']}")),
                "displayName": app["application"],
                "appOwnerOrganizationId": str(uuid.uuid5(_ID_NAMESPACE, f"tenant:{app['vendor']}")),
                "servicePrincipalType": "Application",
                "signInAudience": "AzureADMultipleOrgs",
                # Only some publishers of consented apps have verified themselves with Microsoft.
                "publisher": app["vendor"] if app["is_sanctioned"] else None,
                "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
            }
        )
    specs.append(
        {
            "appId": _guid(company.seed, "managed-identity-app", 1)[0],
            "displayName": "larkspur-backup-automation",
            "appOwnerOrganizationId": None,
            "servicePrincipalType": "ManagedIdentity",
            "signInAudience": None,
            "publisher": None,
            "tags": [],
        }
    )
    ids = _guid(company.seed, "service-principal", len(specs))
    rows = []
    for object_id, spec in zip(ids, specs, strict=True):
        publisher = {"displayName": spec["publisher"]} if spec["publisher"] else {}
        payload = {
            "id": object_id,
            "deletedDateTime": None,
            "accountEnabled": True,
            "appDisplayName": spec["displayName"],
            "appId": spec["appId"],
            "appOwnerOrganizationId": spec["appOwnerOrganizationId"],
            "appRoleAssignmentRequired": False,
            "displayName": spec["displayName"],
            "homepage": None,
            "preferredSingleSignOnMode": None,
            "servicePrincipalType": spec["servicePrincipalType"],
            "signInAudience": spec["signInAudience"],
            "tags": spec["tags"],
            "verifiedPublisher": {
                "displayName": publisher.get("displayName"),
                "verifiedPublisherId": None,
                "addedDateTime": None,
            },
            "keyCredentials": [],
            "passwordCredentials": [],
        }
        rows.append(
            {
                "id": object_id,
                "app_id": spec["appId"],
                "display_name": spec["displayName"],
                "app_display_name": spec["displayName"],
                "account_enabled": True,
                "service_principal_type": spec["servicePrincipalType"],
                "app_owner_organization_id": spec["appOwnerOrganizationId"],
                "sign_in_audience": spec["signInAudience"],
                "preferred_single_sign_on_mode": None,
                "app_role_assignment_required": False,
                "homepage": None,
                "verified_publisher_display_name": publisher.get("displayName"),
                "tags": spec["tags"],
                "payload": _dumps(payload),
            }
        )
    return rows


# -- helpers -------------------------------------------------------------------------------------


def _some(items: list[dict], count: int, rng: np.random.Generator) -> list[dict]:
    """Up to `count` of `items`, drawn without repeats, in their original order."""
    picked = rng.choice(len(items), min(count, len(items)), replace=False)
    return [items[i] for i in sorted(picked.tolist())]


def _guid(seed: int, name: str, count: int) -> list[str]:
    """`count` distinct GUIDs for one kind of object of the tenant, stable for a seed."""
    salts = (salt(seed, f"graph-{name}-hi"), salt(seed, f"graph-{name}-lo"))
    return uuid_strings(salts, 0, np.arange(count)).to_pylist()


def _graph_times(epoch_us: np.ndarray) -> pa.Array:
    """Graph's timestamp format, whole seconds in UTC; its year-1 "never" for a missing one."""
    seconds = np.maximum(epoch_us, 0).astype("datetime64[us]").astype("datetime64[s]")
    text = np.char.add(np.datetime_as_string(seconds, unit="s"), "Z")
    return pa.array(np.where(epoch_us < 0, "0001-01-01T00:00:00Z", text), pa.string())


def _timestamps(epoch_us: np.ndarray) -> pa.Array:
    """Epoch microseconds as naive UTC timestamps, -1 as null."""
    return pa.array(epoch_us.astype("datetime64[us]"), pa.timestamp("us"), mask=epoch_us < 0)


def _day_us(moment: datetime) -> int:
    return _us(moment) // US_PER_DAY * US_PER_DAY


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _us(moment: datetime) -> int:
    delta = _naive_utc(moment) - datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
