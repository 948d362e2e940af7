"""a reporter's answer keeps the language of the status page it was written on, for the team

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table('report_message', schema=None) as batch_op:
        batch_op.drop_column('language')
