"""The employee software survey: who rated which application, and how they spelt its name.

Respondents rate applications they actually use (plus the unsanctioned ones they admit to), each
from one form submitted during a survey campaign that closed three weeks before `as_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa

from connectors.files.schemas import SURVEY_RESPONSES
from sample_company.applications import Application
from sample_company.catalogue import CORE_COUNT, SURVEY_ALIASES
from sample_company.ids import stream
from sample_company.okta import OktaOrg
from sample_company.people import ACTIVE, People

RESPONSE_RATE = 0.35
ANSWERS_PER_RESPONDENT = 4
_COMMENTS = {
    1: ("Constantly breaks.", "Please replace this tool.", "I avoid using it."),
    2: ("Slow and hard to navigate.", "We pay for it but I rarely need it.", "Confusing set-up."),
    3: ("It's okay.", "Does the job, but feels clunky.", "Overlaps with other tools we use."),
    4: ("Works well, a few rough edges.", "Good tool, search could be better."),
    5: ("Essential for my daily work.", "Love it, works great.", "Fast and reliable."),
}


@dataclass(frozen=True)
class Answer:
    app: int  # roster index
    respondent: int
    submitted_at: datetime
    application: str
    satisfaction: int
    comment: str | None


def campaign(as_of: date) -> tuple[date, date]:
    """First and last day of the survey campaign."""
    return as_of - timedelta(days=47), as_of - timedelta(days=21)


def build_survey(
    roster: list[Application],
    people: People,
    okta: OktaOrg,
    used: np.ndarray,
    seed: int,
    as_of: date,
) -> list[Answer]:
    """`used` flags the Okta assignments whose user actually signs in to the application."""
    rng = stream(seed, "survey")
    opens, closes = campaign(as_of)
    joined_before = people.created < np.datetime64(opens, "us")
    respondent = (
        ~people.is_service
        & (people.status == ACTIVE)
        & joined_before
        & (rng.random(people.count) < RESPONSE_RATE)
    )
    surveyed = np.array(
        [(a.index < CORE_COUNT or rng.random() < 0.6) and not a.is_retired for a in roster]
    )
    app_of = okta.roster_index[okta.assign_app]
    candidate = used & respondent[okta.assign_user] & surveyed[app_of]
    per_user = np.bincount(okta.assign_user[candidate], minlength=people.count)
    keep_share = np.minimum(1.0, ANSWERS_PER_RESPONDENT / np.maximum(per_user, 1))
    chosen = candidate & (rng.random(len(candidate)) < keep_share[okta.assign_user])
    pairs = [
        (int(a), int(u)) for a, u in zip(app_of[chosen], okta.assign_user[chosen], strict=True)
    ]
    for app in roster:
        if app.is_sanctioned:
            continue
        admits = respondent & (rng.random(people.count) < app.penetration * 0.5)
        admits &= people.in_audience(app.audience)
        pairs += [(app.index, int(u)) for u in np.flatnonzero(admits)]

    pairs += _alias_users(roster, okta, respondent, pairs, rng)

    span = int((closes - opens).days * 86_400)
    submitted = {
        int(u): datetime.combine(opens, datetime.min.time())
        + timedelta(seconds=int(rng.integers(0, span)))
        for u in np.flatnonzero(respondent)
    }
    pairs.sort(key=lambda p: (submitted[p[1]], p[1], p[0]))
    count = len(pairs)
    quality = np.array([roster[app].quality for app, _ in pairs])
    scores = np.clip(np.rint(quality + rng.normal(0, 0.9, count)), 1, 5).astype(int).tolist()
    variant = (rng.random(count) < 0.3).tolist()
    with_comment = (rng.random(count) < 0.45).tolist()
    picks = rng.integers(0, 1 << 30, (count, 2)).tolist()
    needs_alias = {a.index for a in roster if a.name in SURVEY_ALIASES}
    answers = []
    for n, (app_index, user) in enumerate(pairs):
        app = roster[app_index]
        spellings = app.survey_spellings
        spelling = spellings[0]
        if app_index in needs_alias:
            # The first answer uses the spelling only the aliases file resolves, at every scale.
            spelling = SURVEY_ALIASES[app.name]
            needs_alias.discard(app_index)
        elif len(spellings) > 1 and variant[n]:
            spelling = spellings[1 + picks[n][0] % (len(spellings) - 1)]
        comments = _COMMENTS[scores[n]]
        answers.append(
            Answer(
                app=app_index,
                respondent=user,
                submitted_at=submitted[user],
                application=spelling,
                satisfaction=scores[n],
                comment=comments[picks[n][1] % len(comments)] if with_comment[n] else None,
            )
        )
    return answers


def _alias_users(
    roster: list[Application],
    okta: OktaOrg,
    respondent: np.ndarray,
    pairs: list[tuple[int, int]],
    rng: np.random.Generator,
) -> list[tuple[int, int]]:
    """An answer from an assigned respondent for each alias-spelt application nobody rated yet."""
    rated = {app for app, _ in pairs}
    extra = []
    for app in roster:
        if app.name not in SURVEY_ALIASES or app.index in rated or not app.in_okta:
            continue
        assigned = okta.assign_user[okta.roster_index[okta.assign_app] == app.index]
        users = assigned[respondent[assigned]]
        if len(users):
            extra.append((app.index, int(users[rng.integers(len(users))])))
    return extra


def survey_table(answers: list[Answer], people: People) -> pa.Table:
    schema = SURVEY_RESPONSES.to_entity().schema
    columns = {
        "response_id": [f"R-{n:06d}" for n in range(1, len(answers) + 1)],
        "submitted_at": [a.submitted_at for a in answers],
        "respondent_email": [people.emails[a.respondent] for a in answers],
        "application": [a.application for a in answers],
        "satisfaction": [a.satisfaction for a in answers],
        "comment": [a.comment for a in answers],
    }
    return pa.table({f.name: pa.array(columns[f.name], f.type) for f in schema}, schema=schema)
