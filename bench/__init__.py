"""Benchmarks and the synthetic corpus they (and the resume tests) use."""
