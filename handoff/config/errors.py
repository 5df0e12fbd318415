"""The one error a configuration problem raises, wherever it is found."""


class ConfigError(Exception):
    """The configuration is missing something or holds a value of the wrong kind."""
