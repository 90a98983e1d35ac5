"""Lab 8, Part C: the socket layer and AF_UNIX.

Run by labs/lab8/lab.py, which provides `lab`.
"""
