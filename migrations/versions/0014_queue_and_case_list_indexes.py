"""a report's urgency stored, and indexes that hold the queue's order, so that a page of the queue
is read straight from an index (keyset paging) instead of sorting every report; the new reports'
ones hold the filters' columns too

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

UNTRIAGED = 'triage_decision IS NULL'


def upgrade():
    op.add_column('report', sa.Column('urgency', sa.SmallInteger(), nullable=True))
    # The rule of app.models.report.urgency_of as it stands today, written out: a migration must
    # not change meaning when the app's code does.
    report = sa.table('report', sa.column('urgency', sa.SmallInteger()), sa.column('danger_now', sa.String()),
                      sa.column('kind', sa.String()), sa.column('still_happening', sa.Boolean()))
    op.execute(report.update().values(urgency=sa.case(
        (report.c.danger_now == 'yes', 2),
        (sa.or_(report.c.kind.in_(['weapons', 'self_harm']), report.c.still_happening.is_(True)), 1),
        else_=0)))
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.alter_column('urgency', existing_type=sa.SmallInteger(), nullable=False)
    op.create_index('ix_report_queue', 'report', ['urgency', 'received_at', 'id'])
    op.create_index('ix_report_queue_new', 'report',
                    ['urgency', 'received_at', 'id', 'team_id', 'kind', 'channel', 'language', 'place_code'],
                    sqlite_where=sa.text(UNTRIAGED), postgresql_where=sa.text(UNTRIAGED))
    op.create_index('ix_report_queue_new_by_team', 'report',
                    ['team_id', 'urgency', 'received_at', 'id', 'kind', 'channel', 'language', 'place_code'],
                    sqlite_where=sa.text(UNTRIAGED), postgresql_where=sa.text(UNTRIAGED))
    op.create_index('ix_report_language', 'report', ['language'])


def downgrade():
    op.drop_index('ix_report_language', table_name='report')
    op.drop_index('ix_report_queue_new_by_team', table_name='report')
    op.drop_index('ix_report_queue_new', table_name='report')
    op.drop_index('ix_report_queue', table_name='report')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('urgency')
