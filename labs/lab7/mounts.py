"""Lab 7, Part A: mount and umount2, mount flags, tmpfs on /dev/shm, statfs, /proc/mounts.

Run by labs/lab7/lab.py, which provides `lab`.
"""
