"""Lab 7, Part C: system-wide /proc files and /sys.

Run by labs/lab7/lab.py, which provides `lab`.
"""
