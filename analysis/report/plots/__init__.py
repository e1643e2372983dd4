"""Plotting functions: each takes a finished table and draws; none computes."""
