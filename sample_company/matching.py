"""The application-name matching rule of the team brief, so the generator can prove its spellings.

The generator only emits a variant spelling when this rule maps it back to the application (or when
the spelling is one of the listed aliases); dbt implements the same rule in SQL.
"""

from __future__ import annotations

import re

_SCHEME = re.compile(r"^https?://")
_WWW = re.compile(r"^www\.")
_DOMAIN_SUFFIX = re.compile(r"\.(com|io|ai|net|org|co|app)$")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_LEGAL_WORDS = frozenset(
    {
        "inc",
        "llc",
        "ltd",
        "limited",
        "gmbh",
        "corp",
        "corporation",
        "co",
        "company",
        "technologies",
        "technology",
        "software",
        "labs",
        "plc",
        "sa",
        "ag",
    }
)


def match_key(name: str) -> str:
    """The key two spellings of one application share: "Slack Technologies, LLC" -> "slack"."""
    text = name.lower().strip()
    text = _SCHEME.sub("", text)
    text = _WWW.sub("", text)
    text = _DOMAIN_SUFFIX.sub("", text)
    return "".join(w for w in _WORD_SPLIT.split(text) if w and w not in _LEGAL_WORDS)
