"""behave hooks: wire the run to the framework in support/. Keep this file short."""

from support import behave_adapter

behave_adapter.register_parameter_types()


def before_all(context):
    behave_adapter.start_run(context)


def before_scenario(context, scenario):
    behave_adapter.begin_scenario(context, scenario)


def before_step(context, step):
    behave_adapter.begin_step(context, step)


def after_step(context, step):
    behave_adapter.end_step(context, step)


def after_scenario(context, scenario):
    behave_adapter.end_scenario(context, scenario)


def after_all(context):
    behave_adapter.finish_run(context)
