"""claimant foreign keys of spans and gold spans are checked at commit

Deleting a project cascades to its claimants and, by another path, to its spans. With
ON DELETE RESTRICT the claimant check ran immediately, before the spans were gone, so
PostgreSQL refused to delete any project with annotations. A deferred NO ACTION check
still refuses to delete a claimant that is in use, but only at commit.

Revision ID: 0002
Revises: 0001
"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TABLES = ('spans', 'gold_spans')


def _replace_claimant_fk(table, **options):
    name = f'fk_{table}_claimant_id_claimants'
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(name, type_='foreignkey')
        batch_op.create_foreign_key(name, 'claimants', ['claimant_id'], ['id'], **options)


def upgrade():
    for table in TABLES:
        _replace_claimant_fk(table, deferrable=True, initially='DEFERRED')


def downgrade():
    for table in TABLES:
        _replace_claimant_fk(table, ondelete='RESTRICT')
