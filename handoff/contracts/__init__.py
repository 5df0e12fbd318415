"""API contracts: every HTTP exchange of a run checked against the service's OpenAPI description.

A service in configuration names its description, a file of the test repository or a
path the service serves, and how strictly it is held::

    [services.orders]
    url = "http://127.0.0.1:8003"
    openapi = "/openapi.json"        # or "contracts/orders.yaml" (from the project folder), or a URL
    contract = "report"              # off | report (the default) | enforce

* descriptions.py reads and checks a description (openapi-core),
* conformance.py checks one exchange against it and says what broke where,
* coverage.py counts the operations and declared statuses a run exercised,
* contracts.py is the run's contracts: it listens to every exchange, attaches
  violations to the step, fails the step in ``enforce`` mode, and writes the coverage.
"""
