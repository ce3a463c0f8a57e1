"""Benchmarks that print ratios (core vs NumPy, page vs a floor app), never timed tests."""
