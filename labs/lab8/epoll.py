"""Lab 8, Part B: epoll.

Run by labs/lab8/lab.py, which provides `lab`.
"""
