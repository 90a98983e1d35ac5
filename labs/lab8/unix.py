"""Lab 8, Part C: the socket layer and AF_UNIX.

Run by labs/lab8/lab.py, which provides `lab`.
"""

lab.program_test("unix-pair", "unix_pair", 5, 30.0,
                 doc="socketpair(AF_UNIX, SOCK_STREAM) as files: read/write, poll, fstat, /proc fd links, "
                     "options, FIONREAD, shutdown and close (EOF, EPIPE, SIGPIPE, ECONNRESET), a 2 MB transfer")

lab.program_test("unix-stream", "unix_stream", 10, 30.0, depends=["unix-pair"],
                 doc="AF_UNIX stream sockets with names: echo over a path in a temporary directory, "
                     "the socket file, abstract names, autobind, the accept queue and backlog, "
                     "getsockname/getpeername, SO_PEERCRED, errors as Linux's")

lab.program_test("unix-msgs", "unix_msgs", 5, 30.0, depends=["unix-pair"],
                 doc="AF_UNIX datagram and seqpacket sockets: boundaries, MSG_TRUNC, MSG_PEEK, sender names, "
                     "connected datagram sockets, sendmmsg/recvmmsg, SO_RCVTIMEO, EMSGSIZE, ECONNREFUSED, EPIPE")

lab.program_test("unix-scm", "unix_scm", 5, 30.0, depends=["unix-pair"],
                 doc="SCM_RIGHTS between processes (MSG_CTRUNC, MSG_CMSG_CLOEXEC, files in flight at close) "
                     "and SCM_CREDENTIALS with SO_PASSCRED, SO_PEERCRED")

lab.program_test("unix-proc", "unix_proc", 5, 30.0, depends=["unix-stream"],
                 doc="/proc/net/unix as netstat -x and ss read it: the program's own named sockets (a listener, "
                     "a connection queued and one accepted, bound and connected datagram sockets, a seqpacket "
                     "listener on an abstract name with a NUL inside) in Linux's layout, with their flags, "
                     "types, states and the inodes fstat gives; a closed one gone")

lab.exercise_tests[4] = ["unix-stream"]
lab.exercise_tests[5] = ["unix-pair", "unix-stream", "unix-msgs"]
