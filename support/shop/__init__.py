"""The sample shop's domain for the sample suite: its API, its records, its workflows.

Only the sample suite's steps use this package; the framework around it knows nothing
of the shop. It talks to the shop over HTTP and SQL only, never by importing ``shop``.
"""
