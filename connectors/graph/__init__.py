"""Microsoft Graph (Microsoft Entra ID): licenses, enterprise applications, users and sign-ins.

`connectors.graph.client.GraphConnector` reads four Graph v1.0 endpoints, read-only:

- `GET /subscribedSkus` -> `subscribed_skus` (licenses bought, assigned, in grace or suspended)
- `GET /servicePrincipals` -> `service_principals` (the tenant's enterprise applications)
- `GET /users?$select=...,assignedLicenses,signInActivity` -> `users`
- `GET /auditLogs/signIns`, filtered on `createdDateTime` per time window -> `sign_ins`

Permission: an app registration in the tenant with a client secret, granted the Microsoft Graph
**application** permissions `Organization.Read.All` (licenses), `Application.Read.All` (service
principals), `User.Read.All` (users) and `AuditLog.Read.All` (sign-in activity and sign-in log),
with admin consent. `signInActivity` and the sign-in log need Microsoft Entra ID P1 or P2. The
connector gets an app-only token with the OAuth 2.0 client credentials flow; the client secret is
read from the environment (`GRAPH_CLIENT_SECRET` by default), never from a config file.
"""
