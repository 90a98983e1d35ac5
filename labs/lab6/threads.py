"""Lab 6, Part A: clone and clone3, thread groups, exit, de-thread, vfork and posix_spawn.

Run by labs/lab6/lab.py, which provides `lab`.
"""
