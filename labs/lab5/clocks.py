"""Lab 5, Part C: time as programs read it (vDSO, clocks, times, getrusage), sysinfo, scheduling calls.

Run by labs/lab5/lab.py, which provides `lab`."""
