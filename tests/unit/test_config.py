"""Configuration: precedence, environments, interpolation and clear errors."""

import pytest

from handoff.config.settings import ConfigError, load_settings


@pytest.fixture
def config_dir(tmp_path):
    (tmp_path / "base.toml").write_text(
        """
[http]
timeout = 3.0
verify_tls = true

[services.api]
url = "http://127.0.0.1:9000"

[databases.main]
url = "sqlite:///${DATA_DIR:-/tmp}/main.db"

[secrets]
api_key = "API_KEY"
"""
    )
    (tmp_path / "child.toml").write_text('extends = "base"\n[http]\ntimeout = 7.0\n')
    return tmp_path


def test_file_values_override_defaults(config_dir):
    settings = load_settings({"env": "base"}, {}, config_dir)
    assert settings.get("http.timeout") == 3.0
    assert settings.get("http.connect_timeout") == 2.0  # a default
    assert settings.service("api").url == "http://127.0.0.1:9000"


def test_precedence_is_userdata_then_variables_then_file(config_dir):
    environ = {"HANDOFF_HTTP__TIMEOUT": "9"}
    assert load_settings({"env": "base"}, environ, config_dir).get("http.timeout") == 9.0
    settings = load_settings({"env": "base", "http.timeout": "11"}, environ, config_dir)
    assert settings.get("http.timeout") == 11.0
    assert settings.sources["http.timeout"] == "-D"


def test_environment_comes_from_userdata_or_variable(config_dir):
    assert load_settings({}, {"HANDOFF_ENV": "child"}, config_dir).env == "child"
    assert load_settings({"env": "base"}, {"HANDOFF_ENV": "child"}, config_dir).env == "base"


def test_an_environment_extends_another(config_dir):
    settings = load_settings({"env": "child"}, {}, config_dir)
    assert settings.get("http.timeout") == 7.0
    assert settings.service("api").url == "http://127.0.0.1:9000"


def test_variables_are_interpolated_with_defaults(config_dir):
    assert load_settings({"env": "base"}, {}, config_dir).database("main").url == "sqlite:////tmp/main.db"
    settings = load_settings({"env": "base"}, {"DATA_DIR": "/data"}, config_dir)
    assert settings.database("main").url == "sqlite:////data/main.db"


def test_a_missing_variable_is_named(tmp_path):
    (tmp_path / "x.toml").write_text('[services.api]\nurl = "${API_URL}"\n')
    with pytest.raises(ConfigError, match="environment variable API_URL is not set"):
        load_settings({"env": "x"}, {}, tmp_path)


def test_values_are_frozen(config_dir):
    settings = load_settings({"env": "base"}, {}, config_dir)
    with pytest.raises(TypeError):
        settings.values["http"]["timeout"] = 1


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("http.timeout", "soon", "expected a number"),
        ("http.verify_tls", "maybe", "expected true or false"),
        ("http.timeout", "-1", "must not be negative"),
        ("http", "x", "holds a section"),
    ],
)
def test_an_invalid_override_says_what_is_expected(config_dir, key, raw, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({"env": "base", key: raw}, {}, config_dir)


def test_a_missing_key_says_how_to_set_it(config_dir):
    settings = load_settings({"env": "base"}, {}, config_dir)
    with pytest.raises(ConfigError) as error:
        settings.get("email.service")
    assert "config/base.toml" in str(error.value)
    assert "HANDOFF_EMAIL__SERVICE" in str(error.value)
    assert "-D email.service=" in str(error.value)


def test_unknown_environment_lists_the_known_ones(config_dir):
    with pytest.raises(ConfigError, match=r"unknown environment 'prod'.*known: base, child"):
        load_settings({"env": "prod"}, {}, config_dir)


def test_unknown_service_and_database_are_named(config_dir):
    settings = load_settings({"env": "base"}, {}, config_dir)
    with pytest.raises(ConfigError, match=r"unknown service 'billing'.*declares: api"):
        settings.service("billing")
    with pytest.raises(ConfigError, match=r"unknown database 'ledger'.*declares: main"):
        settings.database("ledger")


def test_a_service_needs_a_url_or_a_command(tmp_path):
    (tmp_path / "x.toml").write_text('[services.api]\nhealth = "/ping"\n')
    with pytest.raises(ConfigError, match="needs a url"):
        load_settings({"env": "x"}, {}, tmp_path)


def test_a_malformed_file_names_itself(tmp_path):
    (tmp_path / "x.toml").write_text("[http\n")
    with pytest.raises(ConfigError, match=r"x\.toml"):
        load_settings({"env": "x"}, {}, tmp_path)


def test_the_shipped_environments_load():
    for env in ("local", "postgres", "external"):
        settings = load_settings({"env": env}, {"SHOP_SERVICE_TOKEN": "t"})
        assert {"auth", "cart", "orders"} <= set(settings.services)


@pytest.mark.parametrize(
    ("userdata", "environ", "message"),
    [
        ({"http.timout": "10"}, {}, r"-D: unknown key 'http.timout'; did you mean 'http.timeout'\?"),
        ({}, {"HANDOFF_HTTP__TIMOUT": "10"}, r"HANDOFF_HTTP__TIMOUT: unknown key 'http.timout'; did you mean"),
        ({"services.api.helth": "/up"}, {}, r"unknown key 'services.api.helth'; did you mean 'services.api.health'"),
        ({"http.timeout": "0"}, {}, r"http.timeout = 0.0 is out of range: seconds must be finite and more than 0"),
        ({"http.timeout": "nan"}, {}, r"out of range"),
        ({"http.timeout": "inf"}, {}, r"out of range"),
        ({"http.verify_tls": "maybe"}, {}, r"expected true or false"),
    ],
)
def test_a_misspelt_or_out_of_range_override_is_refused_with_a_suggestion(config_dir, userdata, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({"env": "base", **userdata}, environ, config_dir)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[services.api]\nurl = "http://127.0.0.1:1"\nhelth = "/up"\n',
            r"unknown key services.api.helth; did you mean",
        ),
        (
            '[proxies.gw]\ntarget = "api"\nprotocl = "http"\n',
            r"unknown key proxies.gw.protocl; did you mean 'proxies.gw.protocol'",
        ),
        ("[htp]\ntimeout = 1\n", r"unknown section \[htp\]; did you mean 'http'"),
        ('[http]\ntimeout = "abc"\n', r"http.timeout must be a number of seconds, not 'abc'"),
        ("[step]\ntimeout = -1\n", r"step.timeout = -1 is out of range"),
    ],
)
def test_a_wrong_key_or_type_in_a_file_names_the_key_and_the_file(tmp_path, toml, message):
    (tmp_path / "typo.toml").write_text(toml)
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings({"env": "typo"}, {}, tmp_path)
    assert str(tmp_path / "typo.toml") in str(raised.value)


def test_other_handoff_variables_are_plain_variables_not_overrides(config_dir):
    settings = load_settings({"env": "base"}, {"HANDOFF_PG_URL": "postgresql://x", "HANDOFF_SHARD": "1/2"}, config_dir)
    assert settings.get("shard") == "1/2"
    with pytest.raises(ConfigError, match="missing configuration key 'pg_url'"):
        settings.get("pg_url")
