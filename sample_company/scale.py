"""How big the sample company is: one preset per use, from unit tests to load benchmarks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """The size of a generated company.

    `employees` counts people with an Okta account (including leavers); `applications` counts every
    application the company has, sanctioned or not. `sign_ins_per_user_weekday` is the calibrated
    mean number of SSO events of an active employee on a working day, which sets the event volume.
    """

    name: str
    employees: int
    applications: int
    event_days: int
    service_accounts: int
    sign_ins_per_user_weekday: float = 7.5

    def __post_init__(self) -> None:
        if self.employees < 40:
            raise ValueError("a company needs at least 40 employees to staff every department")
        if self.applications < 40:
            raise ValueError("a company needs at least 40 applications to show every trait")
        if self.event_days < 1:
            raise ValueError("event_days must be positive")


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", employees=60, applications=40, event_days=180, service_accounts=3),
    "S": Scale("S", employees=400, applications=150, event_days=180, service_accounts=8),
    "M": Scale("M", 5_000, 300, event_days=365, service_accounts=40, sign_ins_per_user_weekday=9.8),
    "L": Scale(
        "L", 50_000, 1_000, event_days=365, service_accounts=200, sign_ins_per_user_weekday=9.8
    ),
}


def resolve_scale(scale: Scale | str) -> Scale:
    if isinstance(scale, Scale):
        return scale
    try:
        return SCALES[scale]
    except KeyError:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}") from None
