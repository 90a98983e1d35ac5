"""Lab 5, Part B: signals delivered to handlers, sigreturn, interval timers.

Run by labs/lab5/lab.py, which provides `lab`."""
