"""Benchmarks: one command each, printing ratios against a baseline run in the same process."""
