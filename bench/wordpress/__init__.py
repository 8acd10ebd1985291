"""A real WordPress on the same machine, for the benchmark's ratios (issue #6): README.md."""
