"""auth service: registration, login (session tokens) and ``GET /me``.

Only the sha256 of a session token is stored; the token itself is shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from shop.auth.passwords import dummy_hash, hash_password, verify_password
from shop.common.config import ServerSettings
from shop.common.db import as_utc, create_db_engine, create_tables, isoformat_utc, utcnow
from shop.common.errors import ApiError, invalid_request
from shop.common.security import bearer_token
from shop.common.validation import get_number, get_str, json_body
from shop.common.web import create_base_app

DEFAULT_SESSION_SECONDS = 3600
MAX_SESSION_SECONDS = 86400

metadata = MetaData()
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ux_users_email_lower", func.lower(users.c.email), unique=True)
sessions = Table(
    "sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Settings:
    server: ServerSettings

    @classmethod
    def from_env(cls) -> Settings:
        return cls(server=ServerSettings.from_env("auth"))


def create_app(settings: Settings) -> Flask:
    engine = create_db_engine(settings.server.database_url)
    create_tables(engine, metadata)
    app = create_base_app("auth", engine)
    AuthApi(engine).register(app)
    return app


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_json(row) -> dict:
    return {"id": row.id, "email": row.email, "name": row.name}


def _valid_email(field: str, value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in value):
        raise invalid_request(f"'{field}' must be an email address")
    return value


class AuthApi:
    """HTTP handlers of the auth service."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def register(self, app: Flask) -> None:
        app.add_url_rule("/users", view_func=self.create_user, methods=["POST"])
        app.add_url_rule("/sessions", view_func=self.create_session, methods=["POST"])
        app.add_url_rule("/me", view_func=self.me, methods=["GET"])

    def create_user(self):
        body = json_body()
        email = _valid_email("email", get_str(body, "email", max_length=254))
        password = self._password(body)
        name = get_str(body, "name", max_length=200)
        values = {
            "email": email,
            "name": name,
            "password_hash": hash_password(password),
            "created_at": utcnow(),
        }
        try:
            with self.engine.begin() as conn:
                user_id = conn.execute(insert(users).values(**values)).inserted_primary_key[0]
        except IntegrityError:
            raise ApiError(409, "email_taken", "an account with this email already exists") from None
        return {"id": user_id, "email": email, "name": name}, 201

    def create_session(self):
        body = json_body()
        email = get_str(body, "email", max_length=254)
        password = self._password(body, check_length=False)
        expires_in = get_number(
            body,
            "expires_in",
            minimum=0,
            maximum=MAX_SESSION_SECONDS,
            exclusive_minimum=True,
            default=DEFAULT_SESSION_SECONDS,
        )
        user = self._find_user(email)
        stored_hash = user.password_hash if user else dummy_hash()
        if not verify_password(password, stored_hash) or user is None:
            raise ApiError(401, "invalid_credentials", "email or password is incorrect")
        token = secrets.token_urlsafe(32)
        expires_at = utcnow() + timedelta(seconds=expires_in)
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions).values(token_sha256=_token_digest(token), user_id=user.id, expires_at=expires_at)
            )
        return {
            "token": token,
            "token_type": "Bearer",
            "expires_at": isoformat_utc(expires_at),
            "user_id": user.id,
        }, 201

    def me(self):
        token = bearer_token()
        if token is None:
            raise ApiError(401, "missing_token", "an Authorization: Bearer token is required")
        query = (
            select(users.c.id, users.c.email, users.c.name, sessions.c.expires_at)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_sha256 == _token_digest(token))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise ApiError(401, "invalid_token", "the bearer token is not valid")
        if as_utc(row.expires_at) <= utcnow():
            raise ApiError(401, "token_expired", "the bearer token has expired")
        return _user_json(row)

    def _find_user(self, email: str):
        query = select(users).where(func.lower(users.c.email) == email.lower())
        with self.engine.connect() as conn:
            return conn.execute(query).first()

    @staticmethod
    def _password(body: dict, *, check_length: bool = True) -> str:
        value = body.get("password")
        if not isinstance(value, str) or not value:
            raise invalid_request("'password' is required and must be a string")
        try:
            value.encode("utf-8")  # what it is hashed as
        except UnicodeEncodeError:
            raise invalid_request("'password' must be text without unpaired surrogates") from None
        if check_length and len(value) < 8:
            raise invalid_request("'password' must be at least 8 characters long")
        if len(value) > 1024:
            raise invalid_request("'password' must be at most 1024 characters long")
        return value
