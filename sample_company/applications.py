"""The company's applications: which it owns, how each is spelt in each source, which traits it has.

Core catalogue applications carry the deliberate findings by name; the others draw theirs at
random, so a bigger company shows each finding proportionally more often. Every spelling is either
merged with its application by `match_key` or listed in the aliases file, which `build_roster`
checks, so the generator can never emit a spelling that silently fails to match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from sample_company.catalogue import (
    ALIASES,
    CARD_BOUGHT,
    CATALOGUE,
    CATEGORY_OWNER,
    CORE_COUNT,
    CURRENCY,
    DOMAINS,
    FIXED_SPELLINGS,
    GENERATED_LEGAL_FORMS,
    GENERATED_PREFIXES,
    GENERATED_SUFFIXES,
    LAPSED,
    NO_CONTRACT,
    OVER_ALLOCATED,
    SECOND_SKU,
    SHADOW,
    SURVEY_ALIASES,
    UNUSED,
    CatalogueApp,
)
from sample_company.ids import stream
from sample_company.matching import match_key
from sample_company.organisation import COMPANY_NAME, DEPARTMENTS
from sample_company.scale import Scale

#: The sources whose application spellings the generator controls, as `<table>.<column>`.
SOURCES = (
    "okta_apps.label",
    "contracts.product",
    "spend.product",
    "spend.vendor",
    "survey_responses.application",
    "application_objectives.application",
)
_DEPARTMENT_INDEX = {d.code: i for i, d in enumerate(DEPARTMENTS)}
_LEGAL_SUFFIX = re.compile(r"(,? (Inc\.?|LLC|Ltd\.?|GmbH|Corp\.?|Corporation))+$")


@dataclass(frozen=True)
class Application:
    """One application of the company and the truth about it, as the tests and benchmarks see it."""

    index: int
    name: str
    key: str
    vendor: str
    category: str
    price: float  # list price in USD per seat per month
    okta_name: str | None
    audience: tuple[int, ...]  # department indices; empty means everyone
    penetration: float
    usage: str
    currency: str
    is_sanctioned: bool
    has_contract: bool
    is_unused: bool
    is_over_allocated: bool
    is_lapsed: bool
    is_retired: bool  # its Okta app is INACTIVE: nobody signs in any more, no contract
    has_second_sku: bool
    is_card_bought: bool
    adoption: float  # share of assigned users who use it
    quality: float  # mean survey satisfaction
    trend: float  # relative change of its sign-ins over the event history
    spellings: dict[str, str] = field(compare=False)
    survey_spellings: tuple[str, ...] = field(compare=False)

    @property
    def in_okta(self) -> bool:
        return self.okta_name is not None


def build_roster(scale: Scale, seed: int) -> list[Application]:
    rng = stream(seed, "applications")
    spelling_rng = stream(seed, "spellings")
    entries = list(CATALOGUE[: scale.applications])
    entries += _generated(scale.applications - len(entries), rng)
    generated_from = len(CATALOGUE)
    roster = []
    for index, entry in enumerate(entries):
        core = index < CORE_COUNT
        generated = index >= generated_from
        shadow = entry.name in SHADOW or (generated and rng.random() < 0.15)
        in_okta = bool(entry.okta_name) and not shadow
        trait = _random_trait(rng) if not core and in_okta else ""
        unused = entry.name in UNUSED or trait == "unused"
        no_contract = entry.name in NO_CONTRACT or trait == "no_contract" or entry.price == 0
        retired = trait == "retired"
        has_contract = not shadow and not no_contract and not retired
        key = match_key(entry.name)
        domain = DOMAINS.get(entry.name, f"{key}.com")
        roster.append(
            Application(
                index=index,
                name=entry.name,
                key=key,
                vendor=entry.vendor,
                category=entry.category,
                price=entry.price,
                okta_name=(entry.okta_name or None) if not shadow else None,
                audience=_audience(entry.audience),
                penetration=entry.penetration,
                usage=entry.usage,
                currency=CURRENCY.get(entry.name) or _currency(entry, generated, rng),
                is_sanctioned=not shadow,
                has_contract=has_contract,
                is_unused=unused,
                is_over_allocated=entry.name in OVER_ALLOCATED or trait == "over_allocated",
                is_lapsed=has_contract and (entry.name in LAPSED or trait == "lapsed"),
                is_retired=retired,
                has_second_sku=has_contract
                and entry.name not in OVER_ALLOCATED
                and trait != "over_allocated"
                and (entry.name in SECOND_SKU or (not core and rng.random() < 0.1)),
                is_card_bought=not shadow
                and (entry.name in CARD_BOUGHT or (not core and rng.random() < 0.04)),
                adoption=0.0 if unused else _adoption(rng),
                quality=float(rng.uniform(2.7, 4.6)),
                trend=float(rng.uniform(-0.4, 0.3)),
                spellings=_spellings(entry, key, domain, core, spelling_rng),
                survey_spellings=_survey_spellings(entry, key, domain),
            )
        )
    _check_spellings(roster)
    return roster


def _random_trait(rng: np.random.Generator) -> str:
    """At most one deliberate finding per non-core application, at realistic rates."""
    draw = rng.random()
    for trait, cumulative in (
        ("unused", 0.04),
        ("over_allocated", 0.09),
        ("lapsed", 0.11),
        ("retired", 0.13),
        ("no_contract", 0.18),
    ):
        if draw < cumulative:
            return trait
    return ""


def _adoption(rng: np.random.Generator) -> float:
    # About one application in eight is shelfware: bought for many, used by few.
    if rng.random() < 0.12:
        return float(rng.uniform(0.15, 0.4))
    return float(rng.uniform(0.55, 0.97))


def _currency(entry: CatalogueApp, generated: bool, rng: np.random.Generator) -> str:
    if generated:
        return next(c for form, c in GENERATED_LEGAL_FORMS if entry.vendor.endswith(form))
    return str(rng.choice(["USD", "EUR", "GBP"], p=[0.88, 0.08, 0.04]))


def _audience(codes: str) -> tuple[int, ...]:
    return () if codes == "*" else tuple(_DEPARTMENT_INDEX[c] for c in codes.split())


def _generated(count: int, rng: np.random.Generator) -> list[CatalogueApp]:
    """Made-up applications in a realistic naming style, for companies bigger than the catalogue."""
    taken = {match_key(a.name) for a in CATALOGUE}
    combos = [(p, s) for p in GENERATED_PREFIXES for s in GENERATED_SUFFIXES]
    categories = sorted(CATEGORY_OWNER)
    department_codes = [d.code for d in DEPARTMENTS if d.code != "EXE"]
    apps = []
    for combo in rng.permutation(len(combos)):
        if len(apps) == count:
            break
        prefix, suffix = combos[combo]
        name = prefix + suffix
        if match_key(name) in taken:
            continue
        taken.add(match_key(name))
        category = categories[rng.integers(len(categories))]
        audience = {CATEGORY_OWNER[category]}
        if rng.random() < 0.3:
            audience.add(department_codes[rng.integers(len(department_codes))])
        legal = GENERATED_LEGAL_FORMS[rng.integers(len(GENERATED_LEGAL_FORMS))][0]
        price = float(np.round(np.exp(rng.normal(np.log(18), 0.8)))) + 0.99 * (rng.random() < 0.5)
        apps.append(
            CatalogueApp(
                name=name,
                vendor=f"{name} {legal}",
                category=category,
                price=max(price, 2.0),
                okta_name=f"{COMPANY_NAME.split()[0].lower()}_{match_key(name)}_1",
                audience=" ".join(sorted(audience)),
                penetration=round(float(rng.beta(1.1, 9)) + 0.01, 2),
                usage=str(rng.choice(["D", "W", "M"], p=[0.3, 0.5, 0.2])),
            )
        )
    if len(apps) < count:
        raise ValueError(f"cannot name {count} generated applications; add name parts")
    return apps


def _variants(entry: CatalogueApp, key: str, domain: str) -> dict[str, list[str]]:
    """Resolvable alternative spellings by kind, kept only when `match_key` maps them back."""
    name = entry.name
    legal = _LEGAL_SUFFIX.search(entry.vendor)
    own_company = match_key(entry.vendor) == key  # "Slack Technologies, LLC", not "Google LLC"
    # Made-up domains of multi-word names ("microsoftteams.com") would look fake; skip them.
    has_domain = entry.name in DOMAINS or " " not in name
    kinds = {
        "case": [name.lower(), name.upper()],
        "legal": ([entry.vendor] + ([name + legal.group(0)] if legal else []))
        if own_company
        else [],
        "domain": [domain, f"www.{domain}", domain.upper()] if has_domain else [],
    }
    return {
        kind: [v for v in dict.fromkeys(spellings) if v != name and match_key(v) == key]
        for kind, spellings in kinds.items()
    }


def _spellings(
    entry: CatalogueApp, key: str, domain: str, core: bool, rng: np.random.Generator
) -> dict[str, str]:
    """One spelling per source: the application is spelt the same way everywhere within a source."""
    variants = _variants(entry, key, domain)
    name = entry.name

    def pick(share_canonical: float, options: list[str]) -> str:
        if not options or rng.random() < share_canonical:
            return name
        return options[rng.integers(len(options))]

    chosen = {
        # Admins name apps plainly; the odd one is lower-case or its bare domain ("monday.com").
        "okta_apps.label": pick(
            1.0 if core else 0.85, variants["case"][:1] + variants["domain"][:1]
        ),
        "contracts.product": pick(0.6, variants["legal"]),
        "spend.product": pick(0.5, variants["case"] + variants["legal"]),
        "spend.vendor": pick(0.0, variants["domain"] or [name.upper()]),
        "application_objectives.application": pick(0.9, variants["case"][:1]),
    }
    return chosen | FIXED_SPELLINGS.get(name, {})


def _survey_spellings(entry: CatalogueApp, key: str, domain: str) -> tuple[str, ...]:
    """How respondents name it: the proper name first (the most common answer), then variants."""
    variants = _variants(entry, key, domain)
    spellings = [entry.name, *variants["case"][:1], *variants["domain"][:1]]
    if entry.name in SURVEY_ALIASES:
        spellings.append(SURVEY_ALIASES[entry.name])
    return tuple(dict.fromkeys(spellings))


def _check_spellings(roster: list[Application]) -> None:
    keys = [app.key for app in roster]
    if len(set(keys)) != len(keys) or "" in keys:
        raise ValueError("two applications share a match key")
    for app in roster:
        for spelling in [*app.spellings.values(), *app.survey_spellings]:
            if match_key(spelling) != app.key and ALIASES.get(spelling) != app.name:
                raise ValueError(f"{spelling!r} neither matches nor aliases {app.name!r}")
