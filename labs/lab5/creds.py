"""Lab 5, Part D: credentials and permission checks.

Run by labs/lab5/lab.py, which provides `lab`."""
