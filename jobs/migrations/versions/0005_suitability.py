"""notice facts the suitability rules need: DPS, concession, EU threshold, lot nature

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notices') as batch:
        batch.add_column(sa.Column('dps', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('concession', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('above_threshold', sa.Boolean(), nullable=True))
    with op.batch_alter_table('lots') as batch:
        batch.add_column(sa.Column('contract_nature', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('dps', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('lots') as batch:
        batch.drop_column('dps')
        batch.drop_column('contract_nature')
    with op.batch_alter_table('notices') as batch:
        batch.drop_column('above_threshold')
        batch.drop_column('concession')
        batch.drop_column('dps')
