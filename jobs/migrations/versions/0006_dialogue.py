"""dialogue state and button presses in the database; advice requests once per message

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dialogues',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prompt_message_id', sa.BigInteger(), nullable=True),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', 'user_id', name=op.f('pk_dialogues'))
    )
    with op.batch_alter_table('dialogues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogues_expires_at'), ['expires_at'], unique=False)

    op.create_table('button_presses',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('pressed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_button_presses'))
    )
    with op.batch_alter_table('button_presses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_button_presses_pressed_at'), ['pressed_at'], unique=False)

    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_message_id', sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint('uq_advice_requests_source_message', ['subscriber_id', 'source_message_id'])


def downgrade() -> None:
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.drop_constraint('uq_advice_requests_source_message', type_='unique')
        batch_op.drop_column('source_message_id')
    with op.batch_alter_table('button_presses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_button_presses_pressed_at'))
    op.drop_table('button_presses')
    with op.batch_alter_table('dialogues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dialogues_expires_at'))
    op.drop_table('dialogues')
