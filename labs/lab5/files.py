"""Lab 5, Part E: file locks, and the calls everyday programs probe and fall back from.

Run by labs/lab5/lab.py, which provides `lab`."""
