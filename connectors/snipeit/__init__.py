"""Snipe-IT: the software licenses IT tracks (desktop and installed software), and their seats.

`connectors.snipeit.client.SnipeItConnector` reads two REST API endpoints, read-only:

- `GET /api/v1/licenses` -> `licenses` (seats bought, free seats, cost, dates, maker, supplier)
- `GET /api/v1/licenses/{id}/seats` for every license -> `license_seats` (who or which device
  holds each seat; free seats too)

Both are full snapshots, paged with `limit`/`offset`. A license's `product_key` is its serial, a
secret: it is dropped on reading and never landed, not even in the `payload` column.

Permission: a personal API token (`Authorization: Bearer <token>`, created under the user's
profile, "Manage API Keys") of a user whose group grants **Licenses: View** and nothing else; the
token acts with its user's permissions. "View License Keys" is not needed. The token is read from
the environment (`SNIPEIT_API_TOKEN` by default), never from a config file.
"""
