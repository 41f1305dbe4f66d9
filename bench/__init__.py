"""Province-scale benchmarks (issue #7): data generator, load generator and
the benchmarks themselves, with every figure printed as a ratio to the raw
limits of the same machine. Run: make bench (see bench/__main__.py)."""
