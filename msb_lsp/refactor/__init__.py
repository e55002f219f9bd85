"""Refactorings and fixes: pure functions from the model to text edits (no LSP types)."""
