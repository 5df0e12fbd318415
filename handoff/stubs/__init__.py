"""Stubs of third parties a system calls: canned answers, and a journal of what they received.

WireMock's request journal and Karate's mocks are the models. An environment declares::

    [stubs.tax]
    called = "the tax service"      # how features name it
    mappings = "stubs/tax"          # optional: WireMock-style mapping files (handoff/stubs/mappings.py)
    port = 8089                     # optional: a fixed loopback port (default: a free one)

and the service under test calls ``{stubs.tax.url}``. Features set answers
("Given the tax service answers POST "/quotes" with status 200 and body"), check what it
received ("Then the tax service received 1 POST /quotes"), and make it misbehave with the
generic fault phrases ("Given the tax service is down").
"""
