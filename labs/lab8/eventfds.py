"""Lab 8, Part A: eventfd, timerfd and signalfd.

Run by labs/lab8/lab.py, which provides `lab`.
"""
