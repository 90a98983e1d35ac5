"""Lab 7, Part D: real programs that read /proc and /sys.

Run by labs/lab7/lab.py, which provides `lab`.

Each test is a busybox shell script (user/lab7/scripts/) run in the
kernel, as its first process, and on the host, outputs compared
(t.run_script). The scripts start processes whose state they know (a
sleeping, a stopped and a zombie process, prog_threads with three named
threads) and run unmodified programs on them: busybox's applets, Debian's
procps (libproc2), bash and python3. Two machines have different
processes, sizes and times, so the scripts print the structure of what
the programs print (header lines, numbers as N) and check the values that
must agree (the pids, parents, states, names and thread counts of their
own processes) as "what: ok". Each script mounts /proc, /sys and
/dev/shm first when they are missing (no rcS runs before it).
"""


def script_test(name, script, points, timeout, doc, depends=()):
    """user/lab7/scripts/<script> run by busybox sh in the kernel and on the
    host (t.run_script), outputs compared."""
    def run(t):
        t.run_script(script)
    run.__doc__ = doc
    run.__name__ = name.replace("-", "_")
    lab.test(points=points, timeout=timeout, name=name, depends=list(depends))(run)


script_test("busybox-proc", "prog_busybox.sh", 8, 60.0,
            "busybox ps (-o, -T), top -n 1 -b, free, uptime, pidof, mount, df (-h), nproc and an lsof-like walk "
            "of /proc/*/fd (ls -l), each on processes in known states: their lines, parents, states and "
            "thread names, and the programs' line structure, as on Linux")
script_test("procps", "prog_procps.sh", 10, 60.0,
            "Debian's procps: ps aux, ps -eLf (a glibc process's 4 threads), ps -L, -o, --ppid, free -m, "
            "top -bn1 (and -H -p), pgrep (-f, -x -P, -r T, -w, -a) and pmap on processes in known states, "
            "as on Linux")
script_test("bash-python-proc", "prog_shells.sh", 6, 60.0,
            "bash's process substitution (<(...) and >(...) are /dev/fd/N, that is /proc/self/fd/N) and "
            "python3's multiprocessing (Pool; Semaphore, Lock and Event: POSIX semaphores in /dev/shm; Queue), as on Linux")
# Waits on a kernel gap outside Lab 7's parts: exec (kernel/proc/elf.c,
# load_segment) copies the last, partial file page of each ELF segment
# into anonymous memory, where Linux maps it from the file. A segment
# smaller than a page (prog_threads' text) is then all anonymous, and
# /proc/PID/maps (pmap) shows "[ anon ]" where Linux names the file.
script_test("pmap-file-pages", "prog_pmap.sh", 2, 60.0,
            "pmap names every segment of the program, of ld.so and of libc after its file, with its mode, "
            "as on Linux (a segment's partial last page too)", depends=["procps"])
