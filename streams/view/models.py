"""SQLAlchemy models of the view. Alembic migrations in ``migrations/`` create them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "DeadLetterRow",
    "LegRow",
    "NetworkNodeRow",
    "ServicePointRow",
    "ServicePointSourceRow",
    "ShipmentRow",
    "SinkOffset",
    "TimelineRow",
    "UTCDateTime",
]


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the view")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class ShipmentRow(Base):
    """One reconciled shipment."""

    __tablename__ = "shipments"

    shipment_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    aftership_tag: Mapped[str] = mapped_column(String(32))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    origin_region: Mapped[str | None] = mapped_column(String(16), index=True)
    destination_region: Mapped[str | None] = mapped_column(String(16), index=True)
    first_event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event_count: Mapped[int] = mapped_column(Integer)
    anomalies: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LegRow(Base):
    """One partner's tracking number within a shipment; lookups by any leg find it.

    Keyed by shipment as well as by leg: each shipment's rows are its latest view's legs
    and nothing else writes them, so the view is a function of each shipment's latest
    record whatever order the sink reads the partitions of ``lintas.shipments.v1`` in.
    A leg that moves to another shipment is in both until the old shipment's next record
    (its view without the leg, or its tombstone) arrives."""

    __tablename__ = "shipment_legs"
    __table_args__ = (
        Index("ix_shipment_legs_partner_tracking_number", "partner", "tracking_number"),
    )

    shipment_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("shipments.shipment_id", ondelete="CASCADE"), primary_key=True,
        index=True,
    )
    partner: Mapped[str] = mapped_column(String(40), primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(80), primary_key=True)
    link_method: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)


class TimelineRow(Base):
    """One distinct event of a shipment, in canonical order."""

    __tablename__ = "shipment_timeline"

    shipment_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("shipments.shipment_id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    partner: Mapped[str] = mapped_column(String(40))
    tracking_number: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(32))
    raw_status: Mapped[str] = mapped_column(String(200))
    raw_text: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    utc_offset: Mapped[str] = mapped_column(String(6))
    location_name: Mapped[str | None] = mapped_column(String(200))


class DeadLetterRow(Base):
    """A record lintas could not process (from ``lintas.dlq.v1``)."""

    __tablename__ = "dead_letters"
    __table_args__ = (Index("ix_dead_letters_partner_class", "partner", "error_class"),)

    dead_letter_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    partner: Mapped[str | None] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(20))
    error_class: Mapped[str] = mapped_column(String(100))
    error_message: Mapped[str] = mapped_column(Text)
    source_topic: Mapped[str | None] = mapped_column(String(200))
    source_partition: Mapped[int | None] = mapped_column(Integer)
    source_offset: Mapped[int | None] = mapped_column(BigInteger)
    row: Mapped[int | None] = mapped_column(Integer)
    key: Mapped[bytes | None] = mapped_column(LargeBinary)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SinkOffset(Base):
    """Next offset to consume per partition, written in the same transaction as the rows."""

    __tablename__ = "sink_offsets"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    topic: Mapped[str] = mapped_column(String(200), primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_offset: Mapped[int] = mapped_column(BigInteger)


class NetworkNodeRow(Base):
    """One outlet as one partner's network describes it."""

    __tablename__ = "network_nodes"

    node_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    partner: Mapped[str] = mapped_column(String(40), index=True)
    source_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(String(5), index=True)
    region_code: Mapped[str | None] = mapped_column(String(16), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServicePointRow(Base):
    """One physical outlet unified across partners."""

    __tablename__ = "service_points"

    service_point_id: Mapped[str] = mapped_column(String(220), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str | None] = mapped_column(String(16), index=True)
    region_name: Mapped[str | None] = mapped_column(String(120))
    province_name: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(5), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServicePointSourceRow(Base):
    """A partner's record of a service point, with its match score."""

    __tablename__ = "service_point_sources"

    service_point_id: Mapped[str] = mapped_column(
        String(220), ForeignKey("service_points.service_point_id", ondelete="CASCADE"),
        primary_key=True,
    )
    node_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    partner: Mapped[str] = mapped_column(String(40), index=True)
    source_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
