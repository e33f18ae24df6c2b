"""ServiceNow: the application portfolio of the CMDB and the software entitlements of SAM.

`connectors.servicenow.client.ServiceNowConnector` reads two tables through the Table API
(`GET /api/now/table/{tableName}`), read-only, each as a full snapshot:

- `cmdb_ci_business_app` (Business Applications, CSDM / APM) -> `business_apps`: the sanctioned
  applications with their owners, business criticality and install/operational status;
- `alm_license` (Software Entitlements, Software Asset Management) -> `licenses`: the rights
  (seats) purchased per software model, with their start and end dates.

`samp_sw_subscription` is not read: it holds one row per user holding a SaaS subscription
(who uses a seat), not the number of seats bought, which is what reconciling the contract register
needs; the identity provider already says who is assigned.

Permission: a dedicated integration user ("Web service access only") with read access to both
tables, for instance the `cmdb_read` role for the CMDB and `sam_user` (or `asset`) for software
entitlements, plus `snc_read_only` so it can never write. It authenticates with basic auth (user
name and password) or an OAuth 2.0 bearer token issued for that user; either secret is read from
the environment (`SERVICENOW_PASSWORD` / `SERVICENOW_TOKEN` by default), never from a config file.
"""
