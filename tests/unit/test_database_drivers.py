"""Database URLs for another driver: read on the installed one, or refused when the configuration loads."""

from pathlib import Path

import pytest

from handoff.config.errors import ConfigError
from handoff.config.settings import load_settings
from handoff.database.drivers import masked_url, sqlalchemy_url


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    (tmp_path / "local.toml").write_text('[databases.orders]\nurl = "sqlite:///orders.db"\n')
    return tmp_path


@pytest.mark.parametrize(
    "written",
    [
        "postgresql://app:pw@db:5432/orders",
        "postgres://app:pw@db:5432/orders",
        "postgresql+psycopg2://app:pw@db:5432/orders",
        "postgresql+asyncpg://app:pw@db:5432/orders",
        "postgresql+pg8000://app:pw@db:5432/orders",
        "postgresql+psycopg://app:pw@db:5432/orders",
    ],
)
def test_postgresql_spellings_run_on_psycopg_3(written, config_dir):
    settings = load_settings({"databases.orders.url": written}, {}, config_dir)
    assert settings.database("orders").url == written  # as written: services given {databases.orders.url} see it so
    assert sqlalchemy_url(written) == "postgresql+psycopg://app:pw@db:5432/orders"


def test_a_url_still_holding_run_placeholders_is_checked_by_its_scheme(config_dir):
    written = "postgresql://postgres:pw@127.0.0.1:{services.postgres.ports.pg}/handoff_{run_id}_orders"
    assert load_settings({"databases.orders.url": written}, {}, config_dir).database("orders").url == written
    with pytest.raises(ConfigError, match="its driver 'mysqldb' is not installed"):
        load_settings({"databases.orders.url": "mysql://app:pw@db:{ports.db}/orders"}, {}, config_dir)


def test_sqlite_needs_nothing(config_dir):
    assert load_settings({}, {}, config_dir).database("orders").url == "sqlite:///orders.db"
    assert sqlalchemy_url("sqlite+aiosqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("mysql://app:hunter22@db:3306/orders", "its driver 'mysqldb' is not installed"),
        ("oracle://app:hunter22@db:1521/orders", "its driver 'cx_oracle' is not installed"),
        ("cockroach://app:hunter22@db/orders", "SQLAlchemy knows no database of kind 'cockroach'"),
    ],
)
def test_a_url_whose_driver_is_missing_is_refused_at_load_naming_key_value_and_forms(written, problem, config_dir):
    with pytest.raises(ConfigError) as raised:
        load_settings({"databases.orders.url": written}, {}, config_dir)
    message = str(raised.value)
    assert "databases.orders.url from -D" in message
    assert problem in message
    assert "hunter22" not in message and "app:****@db" in message
    assert "postgresql://user:password@host:5432/name" in message and "sqlite:///" in message


def test_the_message_names_the_file_or_the_variable_the_url_came_from(tmp_path):
    (tmp_path / "local.toml").write_text('[databases.orders]\nurl = "mysql://${DB_USER}:pw@db/orders"\n')
    with pytest.raises(ConfigError, match=r"databases.orders.url in config/local.toml, from DB_USER.*pymysql"):
        load_settings({}, {"DB_USER": "app"}, tmp_path)
    with pytest.raises(ConfigError, match="from environment variable HANDOFF_DATABASES__ORDERS__URL"):
        load_settings({}, {"DB_USER": "app", "HANDOFF_DATABASES__ORDERS__URL": "mysql://a:b@db/orders"}, tmp_path)


def test_a_misspelt_database_key_still_gets_did_you_mean(config_dir):
    with pytest.raises(ConfigError, match=r"did you mean 'databases.orders.url'"):
        load_settings({"databases.orders.ulr": "sqlite:///x.db"}, {}, config_dir)


def test_masked_url_hides_only_the_password():
    assert masked_url("postgresql://app:s3cr:et@db/orders") == "postgresql://app:****@db/orders"
    assert masked_url("sqlite:///orders.db") == "sqlite:///orders.db"
    assert masked_url("postgresql://app@db/orders") == "postgresql://app@db/orders"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("databse.orders.url", "databases.orders.url"), ("secret.api_key", "secrets.api_key"), ("datas.x", "data.x")],
)
def test_a_misspelt_section_of_these_keys_gets_did_you_mean(typed, meant, config_dir):
    with pytest.raises(ConfigError, match=rf"did you mean '{meant}'\?"):
        load_settings({typed: "v"}, {}, config_dir)


def test_without_the_postgres_extra_a_postgresql_url_says_what_to_install(config_dir, monkeypatch):
    import sys

    from handoff.database.drivers import driver_installed

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    driver_installed.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"pip install 'handoff-bdd\[postgres\]'") as raised:
            load_settings({"databases.orders.url": "postgresql://app:pw@db/orders"}, {}, config_dir)
        assert "its driver 'psycopg' is not installed" in str(raised.value)
        assert "Write sqlite:///path/to/file.db instead" in str(raised.value)
    finally:
        driver_installed.cache_clear()
