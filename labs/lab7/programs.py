"""Lab 7, Part D: real programs that read /proc and /sys.

Run by labs/lab7/lab.py, which provides `lab`.
"""
