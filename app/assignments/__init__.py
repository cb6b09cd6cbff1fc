"""Assignments by hand: who works on which document, assign/unassign/reassign, bulk."""
