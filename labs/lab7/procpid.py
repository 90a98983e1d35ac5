"""Lab 7, Part B: the pseudo-file framework and /proc/PID.

Run by labs/lab7/lab.py, which provides `lab`.
"""
