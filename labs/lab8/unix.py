"""Lab 8, Part C: the socket layer and AF_UNIX.

Run by labs/lab8/lab.py, which provides `lab`.
"""

lab.program_test("unix-pair", "unix_pair", 5, 30.0,
                 doc="socketpair(AF_UNIX, SOCK_STREAM) as files: read/write, poll, fstat, /proc fd links, "
                     "options, FIONREAD, shutdown and close (EOF, EPIPE, SIGPIPE, ECONNRESET), a 2 MB transfer")
