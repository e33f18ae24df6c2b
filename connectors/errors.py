"""Errors a user can act on: each names the source and, where there is one, the record and field."""

from __future__ import annotations


class SourceError(Exception):
    """A source could not be read. The message says which source and what to do about it.

    `permanent` says whether running the extraction again, unchanged, could succeed: a plain
    `SourceError` is raised once the connector's own retries ran out (timeouts, 429, 5xx), so a
    later attempt may; the subclasses marked permanent need someone to fix a setting or a file.
    """

    permanent: bool = False

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        super().__init__(f"[{source}] {message}")


class ConfigError(SourceError):
    """The configuration of a source is wrong; `key` names the offending setting."""

    permanent = True

    def __init__(self, source: str, key: str, message: str) -> None:
        self.key = key
        super().__init__(source, f"config key '{key}': {message}")


class AuthenticationError(SourceError):
    """The source refused the credentials (401/403). Retrying will not help."""

    permanent = True


class RecordError(SourceError):
    """One or more records are malformed. `problems` lists (record, field, reason) for each."""

    permanent = True

    def __init__(self, source: str, where: str, problems: list[tuple[str, str, str]]) -> None:
        self.where = where
        self.problems = problems
        shown = "; ".join(f"{rec} field '{field}': {why}" for rec, field, why in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(source, f"{where}: {len(problems)} bad record(s): {shown}{more}")


class BadFieldError(ValueError):
    """One field of one vendor object cannot be landed; the connector adds source and record."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")
