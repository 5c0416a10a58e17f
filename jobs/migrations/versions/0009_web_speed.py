"""the web section's list by index: notice_cpv (CPV codes as numbers) and notice_text (the
search text), both with the notice's deadline; ix_notices_open (deadline, id, level,
notice_type, first_seen_at) instead of ix_notices_deadline

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-05 10:00:00

Fills notice_cpv and notice_text for the notices stored before, in batches
(jobs/listindex.py computes them, as the store does for new notices).
"""
from alembic import op
import sqlalchemy as sa

from jobs.listindex import cpv_numbers, search_text


revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    op.create_index(
        'ix_notices_open', 'notices', ['deadline', 'id', 'level', 'notice_type', 'first_seen_at'], unique=False
    )
    op.drop_index('ix_notices_deadline', table_name='notices')
    op.create_table('notice_cpv',
    sa.Column('notice_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_cpv_notice_id_notices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notice_id', 'code', name=op.f('pk_notice_cpv'))
    )
    op.create_index('ix_notice_cpv_code', 'notice_cpv', ['code', 'deadline', 'notice_id'], unique=False)
    op.create_table('notice_text',
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('notice_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_text_notice_id_notices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('deadline', 'notice_id', name=op.f('pk_notice_text')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_notice_text_notice_id', 'notice_text', ['notice_id'], unique=False)
    _fill(op.get_bind())


def _fill(conn: sa.Connection) -> None:
    notices = sa.table(
        'notices', sa.column('id', sa.Integer), sa.column('title', sa.Text), sa.column('buyer', sa.Text),
        sa.column('description', sa.Text), sa.column('cpv', sa.JSON), sa.column('deadline', sa.DateTime),
    )
    lots = sa.table('lots', sa.column('notice_id', sa.Integer), sa.column('cpv', sa.JSON))
    codes_table = sa.table(
        'notice_cpv', sa.column('notice_id', sa.Integer), sa.column('code', sa.Integer),
        sa.column('deadline', sa.DateTime),
    )
    text_table = sa.table(
        'notice_text', sa.column('notice_id', sa.Integer), sa.column('deadline', sa.DateTime),
        sa.column('search_text', sa.Text),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(notices.c.id, notices.c.title, notices.c.buyer, notices.c.description, notices.c.cpv,
                      notices.c.deadline)
            .where(notices.c.id > last).order_by(notices.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        lot_codes: dict[int, list[object]] = {}
        for notice_id, cpv in conn.execute(
            sa.select(lots.c.notice_id, lots.c.cpv).where(lots.c.notice_id.in_([r.id for r in rows]))
        ):
            lot_codes.setdefault(notice_id, []).extend(cpv or ())
        texts = [  # a notice without a deadline is never open: no text row
            {'notice_id': r.id, 'deadline': r.deadline, 'search_text': search_text(r.title, r.buyer, r.description)}
            for r in rows
            if r.deadline is not None
        ]
        if texts:
            conn.execute(text_table.insert(), texts)
        codes = [
            {'notice_id': r.id, 'code': code, 'deadline': r.deadline}
            for r in rows
            for code in sorted(cpv_numbers(r.cpv or (), lot_codes.get(r.id, ())))
        ]
        if codes:
            conn.execute(codes_table.insert(), codes)


def downgrade() -> None:
    op.drop_index('ix_notice_text_notice_id', table_name='notice_text')
    op.drop_table('notice_text')
    op.drop_index('ix_notice_cpv_code', table_name='notice_cpv')
    op.drop_table('notice_cpv')
    op.create_index('ix_notices_deadline', 'notices', ['deadline'], unique=False)
    op.drop_index('ix_notices_open', table_name='notices')
