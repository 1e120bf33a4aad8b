"""The benchmark suite of issue 6: `python -m benchmarks [--quick]` (or `make bench`).

Kept import-free on purpose: worker processes started with "spawn" re-import the main
module (`benchmarks.__main__`) and its package, so both stay cheap.
"""
