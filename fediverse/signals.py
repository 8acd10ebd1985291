"""The post lifecycle delivered to followers (issue #15)."""
