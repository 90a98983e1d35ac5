"""Lab 5, Part A: the strace-format tracer, checked against Linux's strace.

Run by labs/lab5/lab.py, which provides `lab`."""
