"""languages started in the back office and marked as reviewed; what the catalog served when a
suggestion was approved

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('translation_language',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['staff_user.id'], name=op.f('fk_translation_language_reviewed_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['started_by_id'], ['staff_user.id'], name=op.f('fk_translation_language_started_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_translation_language'))
    )
    with op.batch_alter_table('translation_suggestion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('catalog_forms', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('translation_suggestion', schema=None) as batch_op:
        batch_op.drop_column('catalog_forms')

    op.drop_table('translation_language')
