"""The project's claimant registry: how a written name finds its claimant."""
