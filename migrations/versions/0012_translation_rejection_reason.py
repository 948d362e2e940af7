"""a rejected translation suggestion keeps the reviewer's short reason, which its author sees

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('translation_suggestion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('translation_suggestion', schema=None) as batch_op:
        batch_op.drop_column('review_note')
