"""Shipment legs keyed by shipment as well as by leg.

A shipment's rows in ``shipment_legs`` are its latest view's legs; keyed by the leg alone,
the view of two shipments sharing a leg for a moment (a hand-over's leg moves to the
shipment of the leg it came from; the old shipment's view still names it) depended on
which partition of ``lintas.shipments.v1`` the sink read first, and the old shipment's
tombstone could take the moved leg's only row with it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 03:00:00
"""

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_LOOKUP = 'ix_shipment_legs_partner_tracking_number'


def upgrade() -> None:
    with op.batch_alter_table('shipment_legs', schema=None) as batch_op:
        batch_op.drop_constraint('pk_shipment_legs', type_='primary')
        batch_op.create_primary_key(
            'pk_shipment_legs', ['shipment_id', 'partner', 'tracking_number']
        )
        batch_op.create_index(_LOOKUP, ['partner', 'tracking_number'], unique=False)


def downgrade() -> None:
    # A leg in two shipments at once cannot go back to one row per leg: keep the row of
    # the shipment updated last.
    op.execute(
        "DELETE FROM shipment_legs WHERE EXISTS (SELECT 1 FROM shipment_legs AS other "
        "JOIN shipments AS mine ON mine.shipment_id = shipment_legs.shipment_id "
        "JOIN shipments AS theirs ON theirs.shipment_id = other.shipment_id "
        "WHERE other.partner = shipment_legs.partner "
        "AND other.tracking_number = shipment_legs.tracking_number "
        "AND other.shipment_id <> shipment_legs.shipment_id "
        "AND (theirs.updated_at > mine.updated_at OR (theirs.updated_at = mine.updated_at "
        "AND other.shipment_id > shipment_legs.shipment_id)))"
    )
    with op.batch_alter_table('shipment_legs', schema=None) as batch_op:
        batch_op.drop_index(_LOOKUP)
        batch_op.drop_constraint('pk_shipment_legs', type_='primary')
        batch_op.create_primary_key('pk_shipment_legs', ['partner', 'tracking_number'])
