"""covering indexes for the dashboard's counts, so they read no report's text

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_report_dashboard_counts', 'report',
                    ['team_id', 'kind', 'channel', 'triage_decision', 'place_code'])
    op.create_index('ix_report_triage_time', 'report', ['team_id', 'first_triaged_at', 'received_at'])


def downgrade():
    op.drop_index('ix_report_triage_time', table_name='report')
    op.drop_index('ix_report_dashboard_counts', table_name='report')
