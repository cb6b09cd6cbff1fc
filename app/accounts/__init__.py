"""Accounts: users, set-password links, invitations, personal API tokens, site settings."""
