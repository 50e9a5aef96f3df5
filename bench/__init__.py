"""Benchmarks. Each `bench/bench_*.py` has a `main(argv)` that prints its figures beside a baseline
measured in the same run, so a reader compares like with like on the same noisy machine."""
