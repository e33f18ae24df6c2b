"""Google Workspace: which third-party apps people let into their Google account, and logins.

`connectors.google.client.GoogleWorkspaceConnector` reads two activity reports of the Admin SDK
Reports API (`activities.list`), read-only, per time window:

- `GET /admin/reports/v1/activity/users/all/applications/token` -> `token_activities`: OAuth
  grants (`authorize`), revocations (`revoke`) and API use (`activity`) of third-party apps, the
  shadow-IT signal: an app someone signed in to with Google is an app the company uses.
- `GET /admin/reports/v1/activity/users/all/applications/login` -> `login_activities`: Google
  account logins (`login_success`, `login_failure`, `logout`, ...).

Permission: the OAuth scope `https://www.googleapis.com/auth/admin.reports.audit.readonly`,
acting as an administrator with the Reports privilege. The usual credential is a service account
key whose client id is granted that scope by domain-wide delegation (Admin console > Security >
API controls), with `subject` naming the administrator it acts for; the connector mints its own
access tokens (JWT bearer grant). A pre-minted access token is accepted instead, for a run shorter
than its hour. Secrets come from the environment (`GOOGLE_SERVICE_ACCOUNT_KEY`: the key's JSON or
its file path; `GOOGLE_ACCESS_TOKEN`), never from a config file.
"""
