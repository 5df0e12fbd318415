"""Handoff adapted to behave: the hooks, the generic parameter types, the waiting step forms.

Step libraries import from here; the support code below (http, database, email, ...) does not.
"""
