"""`casebook serve`: the Voilà command that serves every app, and the rules for
sharing a small machine among many pages. Nothing here imports Voilà."""
