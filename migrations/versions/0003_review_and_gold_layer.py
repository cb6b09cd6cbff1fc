"""review and gold layer: document review status, gold history, provenance and decisions

Gold spans get their provenance, a "rejected" flag (a decided "not a claim") and a reason;
an annotator span can be the source of one gold span only; assignments can be returned
with a note; projects get two review settings.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_reviews',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('adjudicated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('not_started', 'in_review', 'adjudicated')", name=op.f('ck_document_reviews_status_known')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_reviews_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_document_reviews_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_reviews'))
    )
    op.create_table('gold_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('gold_span_id', sa.Integer(), nullable=False),
    sa.Column('batch', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("action IN ('create', 'update', 'delete')", name=op.f('ck_gold_events_action_known')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_gold_events_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_gold_events_undone_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_gold_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gold_events'))
    )
    with op.batch_alter_table('gold_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gold_events_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_gold_events_document_id'), ['document_id'], unique=False)

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('return_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('gold_span_sources', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_gold_span_sources_span_id', ['span_id'])

    # Recreated on SQLite with AUTOINCREMENT: a deleted decision's id is never given to
    # another, so undo can restore it under its own id.
    with op.batch_alter_table('gold_spans', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('provenance', sa.String(length=20), nullable=False, server_default='adjudicated'))
        batch_op.add_column(sa.Column('rejected', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('reason', sa.String(length=30), nullable=True))
        batch_op.create_check_constraint(
            'provenance_known',
            "provenance IN ('unanimous', 'majority', 'adjudicated', 'added')")
        batch_op.create_check_constraint(
            'reason_known',
            "reason IS NULL OR reason IN ('annotator_error', 'guideline_gap', 'ambiguous_text', "
            "'boundary_convention', 'other')")

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_review', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('annotators_see_scores', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('annotators_see_scores')
        batch_op.drop_column('anonymous_review')

    with op.batch_alter_table('gold_spans', schema=None) as batch_op:
        batch_op.drop_constraint('reason_known', type_='check')
        batch_op.drop_constraint('provenance_known', type_='check')
        batch_op.drop_column('reason')
        batch_op.drop_column('rejected')
        batch_op.drop_column('provenance')

    with op.batch_alter_table('gold_span_sources', schema=None) as batch_op:
        batch_op.drop_constraint('uq_gold_span_sources_span_id', type_='unique')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('returned_at')
        batch_op.drop_column('return_note')

    with op.batch_alter_table('gold_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gold_events_document_id'))
        batch_op.drop_index(batch_op.f('ix_gold_events_batch'))

    op.drop_table('gold_events')
    op.drop_table('document_reviews')
