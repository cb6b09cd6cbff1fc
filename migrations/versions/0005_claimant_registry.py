"""claimant registry: proposals, source types, roles, descriptions, external ids, history

Claimants created while annotating become `proposed` (visible to their creator and to
reviewers and managers only). A confirmed name is unique per project; a proposed name is
unique per creator, so the old unique (project_id, name) becomes two partial indexes.
Existing claimants are confirmed: they were already visible to everyone. Claimant ids are
never reused (SQLite AUTOINCREMENT), so undoing a merge restores the merged claimant's id.

Revision ID: 0005_claimant_registry
Revises: 0004_accounts
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_claimant_registry'
down_revision = '0004_accounts'
branch_labels = None
depends_on = None

CONFIRMED = sa.text("status = 'confirmed'")
PROPOSED = sa.text("status = 'proposed'")


def upgrade():
    # Recreated on SQLite with AUTOINCREMENT: ids are never reused, so undoing a merge can
    # give the merged claimant its id back.
    with op.batch_alter_table('claimants', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('source_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('role', sa.String(length=300), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('external_id', sa.String(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False,
                                      server_default='confirmed'))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_claimants_created_by_id_users'), 'users',
                                    ['created_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint('status_known', "status IN ('confirmed', 'proposed')")
        batch_op.drop_constraint('uq_claimants_project_id_name', type_='unique')
    with op.batch_alter_table('claimants', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        for column in ('role', 'description', 'external_id'):
            batch_op.alter_column(column, server_default=None)
        batch_op.create_index(batch_op.f('ix_claimants_created_by_id'), ['created_by_id'],
                              unique=False)
    op.create_index('uq_claimants_confirmed_name', 'claimants', ['project_id', 'name'],
                    unique=True, sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)
    op.create_index('uq_claimants_proposed_name', 'claimants',
                    ['project_id', 'created_by_id', 'name'], unique=True,
                    sqlite_where=PROPOSED, postgresql_where=PROPOSED)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimant_registry_version', sa.Integer(),
                                      nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('claimants_agree_by_root', sa.Boolean(),
                                      nullable=False, server_default='0'))

    op.create_table('claimant_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('claimant_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("action IN ('create', 'edit', 'rename', 'confirm', 'alias', 'merge', "
                       "'import')", name=op.f('ck_claimant_events_action_known')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                            name=op.f('fk_claimant_events_project_id_projects'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_claimant_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claimant_events'))
    )
    with op.batch_alter_table('claimant_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claimant_events_claimant_id'), ['claimant_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_claimant_events_project_id'), ['project_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('claimant_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claimant_events_project_id'))
        batch_op.drop_index(batch_op.f('ix_claimant_events_claimant_id'))
    op.drop_table('claimant_events')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('claimants_agree_by_root')
        batch_op.drop_column('claimant_registry_version')
    op.drop_index('uq_claimants_proposed_name', table_name='claimants')
    op.drop_index('uq_claimants_confirmed_name', table_name='claimants')
    with op.batch_alter_table('claimants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claimants_created_by_id'))
        batch_op.create_unique_constraint('uq_claimants_project_id_name', ['project_id', 'name'])
        batch_op.drop_constraint('status_known', type_='check')
        batch_op.drop_constraint('fk_claimants_created_by_id_users', type_='foreignkey')
        for column in ('created_by_id', 'status', 'external_id', 'description', 'role',
                       'source_type'):
            batch_op.drop_column(column)
