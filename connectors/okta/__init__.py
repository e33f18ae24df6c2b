"""Okta: the people, the applications, who is assigned to which, and SSO sign-ins.

`connectors.okta.client.OktaConnector` reads four Management API endpoints, read-only:

- `GET /api/v1/users` (twice: Okta leaves DEPROVISIONED users out unless asked for them) -> `users`
- `GET /api/v1/apps` -> `apps`
- `GET /api/v1/apps/{appId}/users` for every app -> `app_users`
- `GET /api/v1/logs`, filtered to `user.authentication.sso`, per time window -> `sso_events`

Permission: an API token (`Authorization: SSWS <token>`) created by a **Read-Only Administrator**,
the narrowest standard admin role that can read all four; the token acts with its creator's role.
The token is read from the environment (`OKTA_API_TOKEN` by default), never from a config file.
"""
