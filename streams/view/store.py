"""The view store: idempotent writes of shipment views and dead letters, with the sink's
offsets in the same transaction, and the queries the CLI and API ask."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from lintas.core.errors import ConfigurationError, RetriableError
from lintas.core.redact import redact_url, scrub
from lintas.streams.view.migrate import upgrade
from lintas.streams.view.models import (
    DeadLetterRow,
    LegRow,
    NetworkNodeRow,
    ServicePointRow,
    ServicePointSourceRow,
    ShipmentRow,
    SinkOffset,
    TimelineRow,
)

__all__ = ["TopicPartitionKey", "ViewStore", "ViewUnavailable", "open_store"]

TopicPartitionKey = tuple[str, int]

_NODE_COLUMNS = ("node_id", "partner", "source_id", "kind", "name", "address", "postal_code",
                 "region_code", "city", "latitude", "longitude", "active", "updated_at")


def _dialect_insert(connection: Connection, table: Any) -> Any:
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    if connection.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise ConfigurationError(
        f"the view supports SQLite and PostgreSQL, not {connection.dialect.name}"
    )


def _upsert(
    connection: Connection, model: Any, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> None:
    if not rows:
        return
    stmt = _dialect_insert(connection, model.__table__)
    columns = [c for c in rows[0] if c not in keys]
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns}
    )
    connection.execute(stmt, list(rows))


def _insert_new(
    connection: Connection, model: Any, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> None:
    if not rows:
        return
    stmt = _dialect_insert(connection, model.__table__).on_conflict_do_nothing(
        index_elements=list(keys)
    )
    connection.execute(stmt, list(rows))


def _shipment_rows(
    view: Mapping[str, Any], updated_at: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    sid = view["shipment_id"]
    shipment = {
        "shipment_id": sid,
        "status": view["status"],
        "aftership_tag": view["aftership_tag"],
        "delivered_at": view["delivered_at"],
        "origin_region": view["origin_region"],
        "destination_region": view["destination_region"],
        "first_event_at": view["first_event_at"],
        "last_event_at": view["last_event_at"],
        "event_count": view["event_count"],
        "anomalies": list(view["anomalies"]),
        "updated_at": updated_at,
    }
    legs = [
        {
            "partner": leg["partner"],
            "tracking_number": leg["tracking_number"],
            "shipment_id": sid,
            "link_method": leg["link_method"],
            "confidence": leg["confidence"],
        }
        for leg in view["legs"]
    ]
    timeline = [
        {"shipment_id": sid, "position": i, **entry} for i, entry in enumerate(view["timeline"])
    ]
    return shipment, legs, timeline


class ViewUnavailable(RetriableError):
    """The view's database cannot be reached (stopped, restarting, its connections
    dropped): try again later; nothing of the failed write was kept."""


class ViewStore:
    """Reads and writes the view through SQLAlchemy (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Create or upgrade the tables (Alembic)."""
        upgrade(self.engine)

    # -- the sink's side ------------------------------------------------------------

    def offsets(self, consumer: str) -> dict[TopicPartitionKey, int]:
        """Next offsets to consume, as stored with the rows; :class:`ViewUnavailable`
        while the database cannot be reached."""
        with self._reachable(), self.engine.connect() as conn:
            rows = conn.execute(
                select(SinkOffset.topic, SinkOffset.partition, SinkOffset.next_offset).where(
                    SinkOffset.consumer == consumer
                )
            )
            return {(t, p): o for t, p, o in rows}

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """Turn the database being away into :class:`ViewUnavailable`."""
        try:
            yield
        except (OperationalError, InterfaceError) as exc:
            raise ViewUnavailable(self._unavailable(exc)) from exc
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            raise ViewUnavailable(self._unavailable(exc)) from exc

    def _unavailable(self, exc: Exception) -> str:
        where = self.engine.url.render_as_string(hide_password=True)
        first = str(getattr(exc, "orig", exc)).strip().splitlines()
        return scrub(f"the view database ({where}) is unavailable: {type(exc).__name__}: "
                     f"{first[0] if first else ''}",
                     self.engine.url.render_as_string(hide_password=False))

    def apply(
        self,
        consumer: str,
        *,
        views: Iterable[Mapping[str, Any]] = (),
        deleted: Iterable[str] = (),
        dead_letters: Iterable[Mapping[str, Any]] = (),
        nodes: Iterable[Mapping[str, Any]] = (),
        points: Iterable[Mapping[str, Any]] = (),
        deleted_points: Iterable[str] = (),
        offsets: Mapping[TopicPartitionKey, int],
        updated_at: datetime | None = None,
    ) -> None:
        """Write one batch and its offsets in one transaction. Applying the same batch
        twice leaves the view as applying it once. :class:`ViewUnavailable` (nothing
        written) while the database cannot be reached."""
        now = updated_at or datetime.now(timezone.utc)
        shipments: list[dict[str, Any]] = []
        legs: list[dict[str, Any]] = []
        timeline: list[dict[str, Any]] = []
        for view in views:
            s, lg, tl = _shipment_rows(view, now)
            shipments.append(s)
            legs += lg
            timeline += tl
        ids = [s["shipment_id"] for s in shipments]
        gone = list(deleted)
        with self._reachable(), self.engine.begin() as conn:
            if gone:
                for model in (TimelineRow, LegRow, ShipmentRow):
                    conn.execute(delete(model).where(model.shipment_id.in_(gone)))
            _upsert(conn, ShipmentRow, shipments, ["shipment_id"])
            if ids:
                conn.execute(delete(TimelineRow).where(TimelineRow.shipment_id.in_(ids)))
                conn.execute(delete(LegRow).where(LegRow.shipment_id.in_(ids)))
            _upsert(conn, LegRow, legs, ["shipment_id", "partner", "tracking_number"])
            if timeline:
                conn.execute(insert(TimelineRow), timeline)
            _insert_new(conn, DeadLetterRow, list(dead_letters), ["dead_letter_id"])
            _upsert(conn, NetworkNodeRow, [{k: n[k] for k in _NODE_COLUMNS} for n in nodes],
                    ["node_id"])
            self._apply_points(conn, list(points), list(deleted_points))
            _upsert(
                conn,
                SinkOffset,
                [
                    {"consumer": consumer, "topic": t, "partition": p, "next_offset": o}
                    for (t, p), o in offsets.items()
                ],
                ["consumer", "topic", "partition"],
            )

    @staticmethod
    def _apply_points(
        conn: Connection, points: list[Mapping[str, Any]], deleted: list[str]
    ) -> None:
        ids = [p["service_point_id"] for p in points] + deleted
        if not ids:
            return
        conn.execute(delete(ServicePointSourceRow).where(ServicePointSourceRow.service_point_id.in_(ids)))
        if deleted:
            conn.execute(delete(ServicePointRow).where(ServicePointRow.service_point_id.in_(deleted)))
        _upsert(conn, ServicePointRow,
                [{k: v for k, v in p.items() if k != "sources"} for p in points],
                ["service_point_id"])
        sources = [
            {"service_point_id": p["service_point_id"], **s} for p in points for s in p["sources"]
        ]
        if sources:
            conn.execute(insert(ServicePointSourceRow), sources)

    # -- the read side --------------------------------------------------------------

    def find_shipments(self, tracking_number: str, partner: str | None = None) -> list[str]:
        """Shipment ids a tracking number (of any leg) or a shipment id names."""
        with self.engine.connect() as conn:
            query = select(LegRow.shipment_id).where(LegRow.tracking_number == tracking_number)
            if partner:
                query = query.where(LegRow.partner == partner)
            ids = list(dict.fromkeys(conn.scalars(query)))
            if not ids:
                direct = conn.scalar(
                    select(ShipmentRow.shipment_id)
                    .where(ShipmentRow.shipment_id == tracking_number)
                )
                ids = [direct] if direct else []
            return ids

    def shipment(self, shipment_id: str) -> dict[str, Any] | None:
        """One shipment with its legs and timeline, shaped like a ShipmentView."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ShipmentRow).where(ShipmentRow.shipment_id == shipment_id)
            ).mappings().first()
            if row is None:
                return None
            legs = conn.execute(
                select(
                    LegRow.partner, LegRow.tracking_number, LegRow.link_method, LegRow.confidence
                )
                .where(LegRow.shipment_id == shipment_id)
                .order_by(LegRow.partner, LegRow.tracking_number)
            ).mappings().all()
            timeline = conn.execute(
                select(
                    TimelineRow.event_id, TimelineRow.partner, TimelineRow.tracking_number,
                    TimelineRow.status, TimelineRow.raw_status, TimelineRow.raw_text,
                    TimelineRow.occurred_at, TimelineRow.utc_offset, TimelineRow.location_name,
                )
                .where(TimelineRow.shipment_id == shipment_id)
                .order_by(TimelineRow.position)
            ).mappings().all()
        out = dict(row)
        out["legs"] = [dict(leg) for leg in legs]
        out["timeline"] = [dict(entry) for entry in timeline]
        return out

    def count_shipments(self, shipment_ids: Iterable[str] | None = None) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(ShipmentRow)
            if shipment_ids is not None:
                query = query.where(ShipmentRow.shipment_id.in_(list(shipment_ids)))
            return int(conn.scalar(query) or 0)

    def count_nodes(self, partner: str | None = None) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(NetworkNodeRow)
            if partner:
                query = query.where(NetworkNodeRow.partner == partner)
            return int(conn.scalar(query) or 0)

    def count_service_points(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(ServicePointRow)) or 0)

    def timeline_counts(self, shipment_ids: Iterable[str]) -> dict[str, int]:
        """Number of distinct events per shipment."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(TimelineRow.shipment_id, func.count())
                .where(TimelineRow.shipment_id.in_(list(shipment_ids)))
                .group_by(TimelineRow.shipment_id)
            )
            return {sid: int(n) for sid, n in rows}

    def statuses(self, shipment_ids: Iterable[str]) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ShipmentRow.shipment_id, ShipmentRow.status).where(
                    ShipmentRow.shipment_id.in_(list(shipment_ids))
                )
            )
            return {sid: status for sid, status in rows}

    def dead_letters(
        self, *, keys: Iterable[bytes] | None = None, partner: str | None = None
    ) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            query = select(DeadLetterRow).order_by(DeadLetterRow.failed_at)
            if keys is not None:
                query = query.where(DeadLetterRow.key.in_(list(keys)))
            if partner:
                query = query.where(DeadLetterRow.partner == partner)
            return [dict(r) for r in conn.execute(query).mappings()]

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_store(url: str, *, migrate: bool = True) -> ViewStore:
    """A store on ``url`` (SQLite file or PostgreSQL), migrated to the newest schema."""
    if url.startswith("sqlite:///"):
        from pathlib import Path

        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        # from None: the driver's error may quote the whole URL, password included
        raise ConfigurationError(
            scrub(f"cannot open the view database {redact_url(url)}: {exc}", url)) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = ViewStore(engine)
    if migrate:
        try:
            store.migrate()
        except SQLAlchemyError as exc:
            where = engine.url.render_as_string(hide_password=True)
            raise ConfigurationError(scrub(
                f"cannot prepare the view database ({where}): "
                f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}", url)
            ) from exc
    return store
