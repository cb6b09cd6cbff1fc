"""project revisions: dated changes of a project's guidelines or scheme (project_revisions),
marked on the agreement report's over-time chart

Revision ID: 0007_project_revisions
Revises: 0006_sessions
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_project_revisions'
down_revision = '0006_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'project_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('summary', sa.String(length=300), nullable=False),
        sa.CheckConstraint("kind IN ('guidelines', 'scheme')",
                           name=op.f('ck_project_revisions_kind_known')),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_project_revisions_project_id_projects'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_project_revisions_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_revisions')),
    )
    with op.batch_alter_table('project_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_project_revisions_project_created',
                              ['project_id', 'created_at'], unique=False)


def downgrade():
    op.drop_table('project_revisions')
