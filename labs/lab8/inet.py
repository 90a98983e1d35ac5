"""Lab 8, Part D: TCP and UDP on loopback over lwIP.

Run by labs/lab8/lab.py, which provides `lab`.
"""
