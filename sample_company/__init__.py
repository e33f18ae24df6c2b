"""A deterministic fictional company: the one truth the demo, the tests and the benchmarks share.

company = sample_company.generate("S", seed=42)            # as_of defaults to 2026-10-31
company.okta_users, company.contracts, ...                 # pyarrow Tables in the raw schemas
for batch in company.sso_events(start, end): ...           # SSO events, streamed per day
"""

from sample_company.company import DEFAULT_AS_OF, Company, generate
from sample_company.matching import match_key
from sample_company.scale import SCALES, Scale

__all__ = ["DEFAULT_AS_OF", "SCALES", "Company", "Scale", "generate", "match_key"]
