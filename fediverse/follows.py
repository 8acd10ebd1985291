"""Follow and Undo of a Follow from the fediverse (issue #15)."""
