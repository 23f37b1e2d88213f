"""What several test modules share: plain functions and constants, each module
named by what it reads or makes. Fixtures live in the conftest.py files."""
