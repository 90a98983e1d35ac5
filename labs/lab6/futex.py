"""Lab 6, Part C: the full futex.

Run by labs/lab6/lab.py, which provides `lab`.
"""
