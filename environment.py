"""behave hooks: wire the run to the framework in support/. Keep this file short."""

from support import behave_adapter

behave_adapter.register_parameter_types()


def before_all(context):
    behave_adapter.start_run(context)


def before_scenario(context, scenario):
    behave_adapter.begin_scenario(context, scenario)


def after_all(context):
    behave_adapter.finish_run(context)
