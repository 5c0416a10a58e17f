"""workers: one row per running process (heartbeat); outbox.worker_id: which one claimed a row

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 06:00:00

Rows claimed by a process whose heartbeat stopped go back to pending within seconds
(jobs/deliver/workers.py); the claim's lease stays as the last resort.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workers'))
    )
    op.add_column('outbox', sa.Column('worker_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('worker_id')
    op.drop_table('workers')
