"""sessions: a per-user session generation, so logout and password changes end every session

Revision ID: 0006_sessions
Revises: 0005_claimant_registry
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_sessions'
down_revision = '0005_claimant_registry'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
