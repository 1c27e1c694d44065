"""`make bench`: load, serve and measure Newsroom at scale (see run.py and docs/benchmarks.md)."""
