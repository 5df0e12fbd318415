"""Trouble with a dependency: slow, down or misbehaving, named as configuration calls it.

Any dependency with a fault-injecting proxy in front of it (``[proxies.<name>]`` with
``called = "the tax service"``) can be named: "Given the tax service is down". Each fault
lasts until the scenario ends (or the dependency recovers). Implemented by
handoff/faults/proxies.py and handoff/faults/proxy.py.
"""

from behave import given, when

from handoff.faults.proxies import Fault, Mode, inject


@given("{dependency:Dependency} is down")
def step_dependency_down(context, dependency):
    inject(context.world.run, dependency, Fault(Mode.DOWN))


@given("{dependency:Dependency} takes {seconds:Number} seconds to answer")
def step_dependency_slow(context, dependency, seconds):
    """Each new connection is held that long; a caller that gives up first is never forwarded."""
    inject(context.world.run, dependency, Fault(Mode.SLOW, seconds))


@given("{dependency:Dependency} answers with server errors")
def step_dependency_server_errors(context, dependency):
    inject(context.world.run, dependency, Fault(Mode.SERVER_ERRORS))


@given("{dependency:Dependency} drops connections without answering")
def step_dependency_drops(context, dependency):
    inject(context.world.run, dependency, Fault(Mode.DROP))


@given("{dependency:Dependency} rejects messages")
def step_dependency_rejects_messages(context, dependency):
    inject(context.world.run, dependency, Fault(Mode.REJECT_MESSAGES))


@when("{dependency:Dependency} recovers")
def step_dependency_recovers(context, dependency):
    inject(context.world.run, dependency, Fault())
