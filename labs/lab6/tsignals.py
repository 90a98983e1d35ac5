"""Lab 6, Part B: signals in a thread group.

Run by labs/lab6/lab.py, which provides `lab`.
"""
