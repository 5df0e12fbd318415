from handoff import hooks

hooks.install(globals())
