"""Plumbing shared by all shop services.

Modules are imported individually (never re-exported here) so that each service
only pays start-up time for what it uses: e.g. only services that call other
services import :mod:`shop.common.http` and therefore ``requests``.
"""
