"""enterprise directory, purchase matches, indexes for the web section's lists

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_deadline', ['deadline'], unique=False)
        batch_op.create_index('ix_notices_changes_notice_id', ['changes_notice_id'], unique=False)

    op.create_table('enterprises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('cvr', sa.String(length=8), nullable=False),
    sa.Column('trades', sa.JSON(), nullable=False),
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('capacity_dkk', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('website', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('published', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by', sa.BigInteger(), nullable=True),
    sa.Column('staff_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('staff_message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], name=op.f('fk_enterprises_subscriber_id_subscribers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprises')),
    sa.UniqueConstraint('subscriber_id', name=op.f('uq_enterprises_subscriber_id'))
    )
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.create_index('ix_enterprises_listed', ['listed'], unique=False)

    op.create_table('purchase_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('cpv', sa.JSON(), nullable=False),
    sa.Column('value_dkk', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_ids', sa.JSON(), nullable=False),
    sa.Column('headsup_at', sa.DateTime(), nullable=True),
    sa.Column('headsup_count', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_purchase_matches_notice_id_notices'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_matches'))
    )


def downgrade() -> None:
    op.drop_table('purchase_matches')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprises_listed')
    op.drop_table('enterprises')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_changes_notice_id')
        batch_op.drop_index('ix_notices_deadline')
