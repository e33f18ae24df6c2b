"""Publication: audited marts copied to a new database and switched to in one atomic step."""
