"""`make bench`: accuracy, speed, throughput, training time and memory, written to BENCHMARKS.md."""
