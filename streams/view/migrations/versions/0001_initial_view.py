"""The first view: shipments, legs, timeline, dead letters and sink offsets.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:42:55.693407
"""

import sqlalchemy as sa
from alembic import op

from lintas.streams.view.models import UTCDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dead_letters',
    sa.Column('dead_letter_id', sa.String(length=300), nullable=False),
    sa.Column('partner', sa.String(length=40), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('error_class', sa.String(length=100), nullable=False),
    sa.Column('error_message', sa.Text(), nullable=False),
    sa.Column('source_topic', sa.String(length=200), nullable=True),
    sa.Column('source_partition', sa.Integer(), nullable=True),
    sa.Column('source_offset', sa.BigInteger(), nullable=True),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('key', sa.LargeBinary(), nullable=True),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.Column('failed_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('dead_letter_id', name=op.f('pk_dead_letters'))
    )
    with op.batch_alter_table('dead_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dead_letters_failed_at'), ['failed_at'], unique=False)
        batch_op.create_index(
            'ix_dead_letters_partner_class', ['partner', 'error_class'], unique=False
        )

    op.create_table('shipments',
    sa.Column('shipment_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('aftership_tag', sa.String(length=32), nullable=False),
    sa.Column('delivered_at', UTCDateTime(), nullable=True),
    sa.Column('origin_region', sa.String(length=16), nullable=True),
    sa.Column('destination_region', sa.String(length=16), nullable=True),
    sa.Column('first_event_at', UTCDateTime(), nullable=False),
    sa.Column('last_event_at', UTCDateTime(), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('anomalies', sa.JSON(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('shipment_id', name=op.f('pk_shipments'))
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_shipments_destination_region'), ['destination_region'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_shipments_last_event_at'), ['last_event_at'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_shipments_origin_region'), ['origin_region'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_shipments_status'), ['status'], unique=False)

    op.create_table('sink_offsets',
    sa.Column('consumer', sa.String(length=100), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('next_offset', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'topic', 'partition', name=op.f('pk_sink_offsets'))
    )
    op.create_table('shipment_legs',
    sa.Column('partner', sa.String(length=40), nullable=False),
    sa.Column('tracking_number', sa.String(length=80), nullable=False),
    sa.Column('shipment_id', sa.String(length=200), nullable=False),
    sa.Column('link_method', sa.String(length=16), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(
        ['shipment_id'], ['shipments.shipment_id'],
        name=op.f('fk_shipment_legs_shipment_id_shipments'),
        ondelete='CASCADE',
    ),
    sa.PrimaryKeyConstraint('partner', 'tracking_number', name=op.f('pk_shipment_legs'))
    )
    with op.batch_alter_table('shipment_legs', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_shipment_legs_shipment_id'), ['shipment_id'], unique=False
        )

    op.create_table('shipment_timeline',
    sa.Column('shipment_id', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('partner', sa.String(length=40), nullable=False),
    sa.Column('tracking_number', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('raw_status', sa.String(length=200), nullable=False),
    sa.Column('raw_text', sa.Text(), nullable=False),
    sa.Column('occurred_at', UTCDateTime(), nullable=False),
    sa.Column('utc_offset', sa.String(length=6), nullable=False),
    sa.Column('location_name', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(
        ['shipment_id'], ['shipments.shipment_id'],
        name=op.f('fk_shipment_timeline_shipment_id_shipments'),
        ondelete='CASCADE',
    ),
    sa.PrimaryKeyConstraint('shipment_id', 'event_id', name=op.f('pk_shipment_timeline'))
    )


def downgrade() -> None:
    op.drop_table('shipment_timeline')
    with op.batch_alter_table('shipment_legs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_legs_shipment_id'))

    op.drop_table('shipment_legs')
    op.drop_table('sink_offsets')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_status'))
        batch_op.drop_index(batch_op.f('ix_shipments_origin_region'))
        batch_op.drop_index(batch_op.f('ix_shipments_last_event_at'))
        batch_op.drop_index(batch_op.f('ix_shipments_destination_region'))

    op.drop_table('shipments')
    with op.batch_alter_table('dead_letters', schema=None) as batch_op:
        batch_op.drop_index('ix_dead_letters_partner_class')
        batch_op.drop_index(batch_op.f('ix_dead_letters_failed_at'))

    op.drop_table('dead_letters')
