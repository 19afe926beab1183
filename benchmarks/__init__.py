"""Benchmarks: deterministic claim generation and engine throughput (see benchmarks/README.md)."""
