"""A tiny HTTP + SQL service the sample shop does not contain: a to-do list.

It proves the generic vocabulary works against a system the framework has never seen,
with configuration only (tests/other_system/config/todo.toml). Sessions are cookies,
and writes need a CSRF token sent back from a cookie in a header, as Django does.
Its answers link to each to-do with an absolute URL (``Location``, ``url``), as
hypermedia APIs do.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS todos "
    "(id INTEGER PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, done INTEGER NOT NULL)"
)


class TodoService:
    """``notify_url``: a third party told of every new to-do (a stub in the tests); when it fails
    with a server error or cannot be reached, the to-do is not stored and the answer is 502."""

    def __init__(self, database: Path, notify_url: str | None = None) -> None:
        self.database = database
        self.notify_url = notify_url
        self.sessions: dict[str, tuple[str, str]] = {}  # session id -> (user, csrf token)
        self.lock = threading.Lock()
        with sqlite3.connect(database) as connection:
            connection.execute(SCHEMA)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> TodoService:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def link(self, todo_id: int) -> str:
        """A to-do's absolute URL, as the service's answers give it."""
        return f"{self.url}/todos/{todo_id}"

    def notify(self, user: str, title: str) -> bool:
        request = urllib.request.Request(
            self.notify_url,
            data=json.dumps({"owner": user, "title": title}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=1.0) as answer:
                return answer.status < 500
        except urllib.error.HTTPError as error:
            return error.code < 500
        except (urllib.error.URLError, OSError):
            return False

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if self.path == "/health":
                    return self._send(200, {"status": "ok"})
                user = self._user()
                if user is None:
                    return self._send(401, {"error": "not_signed_in"})
                with sqlite3.connect(service.database) as connection:
                    rows = connection.execute(
                        "SELECT id, title, done FROM todos WHERE owner = ? ORDER BY id", (user,)
                    ).fetchall()
                todos = [{"id": r[0], "title": r[1], "done": bool(r[2]), "url": service.link(r[0])} for r in rows]
                one = [todo for todo in todos if self.path == f"/todos/{todo['id']}"]
                if self.path.startswith("/todos/"):
                    return self._send(200, one[0]) if one else self._send(404, {"error": "not_found"})
                return self._send(200, {"todos": todos, "url": f"{service.url}/todos"})

            def do_DELETE(self):
                user = self._user()
                if user is None:
                    return self._send(401, {"error": "not_signed_in"})
                if self.headers.get("X-CSRFToken") != service.sessions[self._session()][1]:
                    return self._send(403, {"error": "csrf_failed"})
                todo_id = self.path.removeprefix("/todos/")
                with service.lock, sqlite3.connect(service.database) as connection:
                    cursor = connection.execute("DELETE FROM todos WHERE id = ? AND owner = ?", (todo_id, user))
                return self._send(204, None) if cursor.rowcount else self._send(404, {"error": "not_found"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if self.path == "/login":
                    session, csrf = secrets.token_hex(16), secrets.token_hex(16)
                    service.sessions[session] = (body["user"], csrf)
                    cookies = [f"session={session}; Path=/; HttpOnly", f"csrftoken={csrf}; Path=/"]
                    return self._send(204, None, cookies)
                user = self._user()
                if user is None:
                    return self._send(401, {"error": "not_signed_in"})
                if self.headers.get("X-CSRFToken") != service.sessions[self._session()][1]:
                    return self._send(403, {"error": "csrf_failed"})
                if service.notify_url and not service.notify(user, body["title"]):
                    return self._send(502, {"error": "notification_failed"})
                with service.lock, sqlite3.connect(service.database) as connection:
                    cursor = connection.execute(
                        "INSERT INTO todos (owner, title, done) VALUES (?, ?, 0)", (user, body["title"])
                    )
                location = [("Location", service.link(cursor.lastrowid))]
                return self._send(201, {"id": cursor.lastrowid, "title": body["title"], "done": False}, (), location)

            def _session(self) -> str | None:
                for part in self.headers.get("Cookie", "").split(";"):
                    name, _, value = part.strip().partition("=")
                    if name == "session":
                        return value
                return None

            def _user(self) -> str | None:
                entry = service.sessions.get(self._session() or "")
                return entry[0] if entry else None

            def _send(self, status, payload, cookies=(), headers=()):
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for cookie in cookies:
                    self.send_header("Set-Cookie", cookie)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler
