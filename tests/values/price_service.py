"""A tiny HTTP + SQL service that keeps money in a NUMERIC column: baskets of priced items.

It runs on SQLite or PostgreSQL (any SQLAlchemy URL), so that the same features can show
that Handoff gives one answer on both: PostgreSQL hands NUMERIC out as Decimal and dates
as date objects, SQLite as floats, integers and text. Prices travel as JSON numbers.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, Numeric, String, Table, create_engine, func, select

from handoff.database.databases import sqlalchemy_url

METADATA = MetaData()
ITEMS = Table(
    "items",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("basket", String(80), nullable=False),
    Column("title", String(200), nullable=False),
    Column("price", Numeric(10, 2), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("added_on", Date, nullable=False),
    Column("added_at", DateTime, nullable=False),
)


class PriceService:
    """``POST /baskets/<basket>/items`` adds an item; ``GET /baskets/<basket>`` lists them with their total."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine = create_engine(sqlalchemy_url(database_url))
        METADATA.create_all(self.engine)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> PriceService:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.engine.dispose()

    def add(self, basket: str, body: dict) -> dict:
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        values = {
            "basket": basket,
            "title": str(body["title"]),
            "price": Decimal(str(body["price"])),
            "quantity": int(body["quantity"]),
            "added_on": now.date(),
            "added_at": now,
        }
        with self.engine.begin() as connection:
            item_id = connection.execute(ITEMS.insert().values(**values)).inserted_primary_key[0]
        return {"id": item_id, **_public(values)}

    def basket(self, basket: str) -> dict:
        with self.engine.connect() as connection:
            rows = connection.execute(select(ITEMS).where(ITEMS.c.basket == basket).order_by(ITEMS.c.id)).mappings()
            items = [dict(row) for row in rows]
            count = connection.execute(select(func.count()).where(ITEMS.c.basket == basket)).scalar_one()
        total = sum((Decimal(item["price"]) * item["quantity"] for item in items), Decimal("0"))
        return {"basket": basket, "count": count, "items": [_public(item) for item in items], "total": total}

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if self.path == "/health":
                    return self._send(200, {"status": "ok"})
                parts = self.path.strip("/").split("/")
                if len(parts) == 2 and parts[0] == "baskets":
                    return self._send(200, service.basket(parts[1]))
                return self._send(404, {"error": "not_found"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                parts = self.path.strip("/").split("/")
                if len(parts) != 3 or parts[0] != "baskets" or parts[2] != "items":
                    return self._send(404, {"error": "not_found"})
                if not isinstance(body.get("price"), (int, float)) or isinstance(body.get("price"), bool):
                    return self._send(400, {"error": "price_must_be_a_number", "got": body.get("price")})
                return self._send(201, service.add(parts[1], body))

            def _send(self, status, payload):
                data = json.dumps(payload, default=_json_default).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _public(item: dict) -> dict:
    shown = {key: item[key] for key in ("id", "title", "price", "quantity", "added_on") if key in item}
    return shown


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{value!r} is not JSON")
