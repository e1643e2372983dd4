"""Reliability catalogue (issue 14); a package so that its conftest does not shadow tests/conftest.py."""
