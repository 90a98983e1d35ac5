"""Lab 6, Part D: one address space on several CPUs.

Run by labs/lab6/lab.py, which provides `lab`.
"""
