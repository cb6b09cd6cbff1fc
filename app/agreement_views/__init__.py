"""Agreement statistics in front of users: the dashboard, its JSON API route and the CLI."""
