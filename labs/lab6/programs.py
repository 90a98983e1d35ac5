"""Lab 6, Part E: real threaded programs, compared with Linux.

Run by labs/lab6/lab.py, which provides `lab`.
"""
