"""shared rate limit for several processes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 18:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_limit',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('next_at', sa.Double(), nullable=False),
    sa.Column('paused_until', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_rate_limit'))
    )
    op.create_table('rate_limit_chats',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('next_at', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', name=op.f('pk_rate_limit_chats'))
    )


def downgrade() -> None:
    op.drop_table('rate_limit_chats')
    op.drop_table('rate_limit')
