"""staff sessions kept in the database (signing out ends them everywhere, a copied cookie is
refused), no lock after failed sign-ins (throttled instead, outside the database), and every
stored time rounded down to the minute, the rows already there included

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Every time column of the tables about reports, reporters, cases, places and staff.
TIME_COLUMNS = {
    "report": ["received_at", "triaged_at", "first_triaged_at"],
    "report_message": ["sent_at"],
    "alert": ["created_at", "last_sent_at", "acknowledged_at"],
    "audit_entry": ["at"],
    "case_file": ["opened_at", "closed_at"],
    "case_note": ["written_at"],
    "case_task": ["done_at"],
    "case_assessment": ["assessed_at"],
    "case_referral": ["made_at"],
    "case_reopening": ["reopened_at", "closed_at"],
    "place": ["created_at", "retired_at"],
    "place_staff_change": ["changed_at"],
    "staff_user": ["invite_expires_at", "created_at"],
    "recovery_code": ["used_at"],
}


def _sqlite_to_the_minute(statement: str):
    # SQLAlchemy keeps SQLite times as 'YYYY-MM-DD HH:MM:SS.ffffff': keep the minute, zero the rest.
    return sa.text(statement).bindparams(seconds=":00.000000")


def _round_existing_times() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, columns in TIME_COLUMNS.items():
        for column in columns:
            if postgresql:
                op.execute(f"UPDATE {table} SET {column} = date_trunc('minute', {column}) WHERE {column} IS NOT NULL")
            else:
                op.execute(_sqlite_to_the_minute(f"UPDATE {table} SET {column} = substr({column}, 1, 16) || :seconds "
                                                 f"WHERE {column} IS NOT NULL"))


def _round_existing_times_in_the_append_only_audit_log() -> None:
    """The audit log refuses UPDATE (migration 0009): its guard is lifted for this one rounding."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        op.execute("UPDATE audit_entry SET at = date_trunc('minute', at)")
        op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")
    else:
        op.execute("DROP TRIGGER audit_entry_no_update")
        op.execute(_sqlite_to_the_minute("UPDATE audit_entry SET at = substr(at, 1, 16) || :seconds"))
        op.execute("CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
                   "BEGIN SELECT RAISE(ABORT, 'audit entries are never changed or deleted'); END")


def upgrade():
    op.create_table('staff_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_staff_session_staff_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_session_token_hash'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_staff_id'), ['staff_id'], unique=False)

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('locked')
        batch_op.drop_column('retry_not_before')
        batch_op.drop_column('failed_sign_ins')

    _round_existing_times()
    _round_existing_times_in_the_append_only_audit_log()


def downgrade():
    # Times rounded stay rounded: the seconds are gone.
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('retry_not_before', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_staff_id'))

    op.drop_table('staff_session')
