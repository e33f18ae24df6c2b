"""Vendor APIs played on loopback from the sample company, so connectors run end to end offline.

Each emulator is a real HTTP server on 127.0.0.1 (ephemeral port) that answers like the vendor:
same paths, field names, pagination, authentication, rate-limit headers and error bodies, plus
faults tests can inject. `server` holds what every vendor shares; one module per vendor.
"""
