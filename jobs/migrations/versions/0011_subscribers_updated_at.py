"""subscribers.updated_at indexed: the newest change is read on every subscription change

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:00:00

``changed_at`` (jobs/people/subscribers.py) reads max(updated_at) in every transaction that
changes a subscription (a /start, a settings press), and the fan-out's fingerprint
(jobs/deliver/audience.py) reads it at each poll: without an index, a scan of every
subscriber each time.
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_subscribers_updated_at'), 'subscribers', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_subscribers_updated_at'), table_name='subscribers')
