"""Benchmarks (``make bench``): ratios measured in one run on one broker, never timed tests."""
