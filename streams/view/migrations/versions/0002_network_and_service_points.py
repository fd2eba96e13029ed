"""Network nodes, service points and their sources.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:59:50.653612
"""

import sqlalchemy as sa
from alembic import op

from lintas.streams.view.models import UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('network_nodes',
    sa.Column('node_id', sa.String(length=200), nullable=False),
    sa.Column('partner', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('postal_code', sa.String(length=5), nullable=True),
    sa.Column('region_code', sa.String(length=16), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_network_nodes'))
    )
    with op.batch_alter_table('network_nodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_nodes_partner'), ['partner'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_network_nodes_postal_code'), ['postal_code'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_network_nodes_region_code'), ['region_code'], unique=False
        )

    op.create_table('service_points',
    sa.Column('service_point_id', sa.String(length=220), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=True),
    sa.Column('region_name', sa.String(length=120), nullable=True),
    sa.Column('province_name', sa.String(length=120), nullable=True),
    sa.Column('postal_code', sa.String(length=5), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('service_point_id', name=op.f('pk_service_points'))
    )
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_points_kind'), ['kind'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_service_points_postal_code'), ['postal_code'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_service_points_region_code'), ['region_code'], unique=False
        )

    op.create_table('service_point_sources',
    sa.Column('service_point_id', sa.String(length=220), nullable=False),
    sa.Column('node_id', sa.String(length=200), nullable=False),
    sa.Column('partner', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(
        ['service_point_id'], ['service_points.service_point_id'],
        name=op.f('fk_service_point_sources_service_point_id_service_points'),
        ondelete='CASCADE',
    ),
    sa.PrimaryKeyConstraint('service_point_id', 'node_id', name=op.f('pk_service_point_sources'))
    )
    with op.batch_alter_table('service_point_sources', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_service_point_sources_partner'), ['partner'], unique=False
        )



def downgrade() -> None:
    with op.batch_alter_table('service_point_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_point_sources_partner'))

    op.drop_table('service_point_sources')
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_points_region_code'))
        batch_op.drop_index(batch_op.f('ix_service_points_postal_code'))
        batch_op.drop_index(batch_op.f('ix_service_points_kind'))

    op.drop_table('service_points')
    with op.batch_alter_table('network_nodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_nodes_region_code'))
        batch_op.drop_index(batch_op.f('ix_network_nodes_postal_code'))
        batch_op.drop_index(batch_op.f('ix_network_nodes_partner'))

    op.drop_table('network_nodes')
