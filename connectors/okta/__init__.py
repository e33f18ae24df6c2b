"""Okta: applications, their assigned users, and SSO sign-ins from the System Log."""
