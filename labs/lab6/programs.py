"""Lab 6, Part E: real threaded programs, compared with Linux.

Run by labs/lab6/lab.py, which provides `lab`.

Every test here runs a real program twice, in the kernel and on the host,
and compares what it prints and how it ends (Lab.program_test, or
t.run_script for the Debian programs driven by a busybox shell script).
The programs use nothing written for Kestrel: glibc's and musl's threads,
libstdc++'s, Debian's make, xz, sort and python3. Thread tests run with
1 CPU and with 4 (names X-1cpu and X-4cpu): one CPU finds lost wake-ups
and missing preemption, four find races and TLB shootdowns; the 4-CPU
test depends on the 1-CPU one, so a kernel without threads pays for one
boot, not two.
"""

# Each thread program: (name, program, points per CPU count, timeout, doc).
THREAD_PROGRAMS = [
    ("glibc-pthreads", "prog_pthread", 8, 30.0,
     "glibc: 100 threads created and joined, 200 detached, __thread, pthread_key_create destructors, "
     "pthread_cancel (deferred, in read, cleanup handlers; disabled then testcancel), pthread_kill "
     "(a handler in the target thread, sigwait in another)"),
    ("glibc-sync", "prog_sync", 8, 30.0,
     "glibc: mutexes (normal, recursive, error-checking: EDEADLK/EPERM; robust with an owner thread "
     "and an owner process that die: EOWNERDEAD, consistent, ENOTRECOVERABLE), condition variables "
     "(broadcast, producer/consumers, ETIMEDOUT on CLOCK_MONOTONIC), rwlocks, barriers, semaphores "
     "(sem_timedwait)"),
    ("cxx-threads", "prog_cxx_threads", 5, 30.0,
     "C++: std::thread, std::mutex, std::async, std::promise/future (a value and an exception), "
     "std::packaged_task, std::condition_variable (wait_for's timeout), std::shared_mutex, "
     "thread_local destructors"),
    ("musl-threads", "prog_musl_threads", 4, 20.0,
     "musl (static): clone-made threads created, joined and detached, a mutex counter, __thread, key "
     "destructors, timed condition and semaphore waits, pthread_cancel"),
    ("thread-death", "prog_thread_death", 6, 30.0,
     "a thread's SIGSEGV kills the whole process; SIGKILL (from itself and from the parent) ends "
     "every thread; a thread's exit() and the last thread after main's pthread_exit set the status; "
     "execve from a non-main thread keeps the pid and leaves one thread"),
    ("mutex-counter", "prog_counter", 5, 40.0,
     "8 threads x 100,000 increments under a glibc mutex: the total is exact, and every CPU of the "
     "affinity mask ran one of the threads"),
]

for name, program, points, timeout, doc in THREAD_PROGRAMS:
    lab.program_test_per_cpus(name, program, points, timeout, doc=doc)

lab.program_test("spawn-popen-system", "prog_spawn", 14, 30.0,
                 doc="glibc's popen(\"which ls\"), system() and posix_spawn/posix_spawnp with file actions "
                     "(clone3 with CLONE_VM|CLONE_VFORK), waitpid, ENOENT from posix_spawn itself, vfork + "
                     "execl (Part A's vfork on a stack, through glibc)")


# --- Debian programs that make threads or spawn processes ------------------------

def script_test(name, script, points, timeout, depends, doc):
    """user/lab6/scripts/<script> run by busybox sh in the kernel and on the
    host (t.run_script), outputs compared."""
    def run(t):
        t.run_script(script)
    run.__doc__ = doc
    run.__name__ = name.replace("-", "_")
    lab.test(points=points, timeout=timeout, name=name, depends=depends)(run)


script_test("make-j2", "prog_make.sh", 6, 60.0, ["spawn-popen-system"],
            "GNU make runs the recipes of a Makefile of a few targets with -j2 (posix_spawn of /bin/sh, "
            "its jobserver pipe), rebuilds only what changed, and reports a failing recipe")
script_test("xz-sort-threads", "prog_xz_sort.sh", 9, 60.0, ["glibc-pthreads-1cpu"],
            "xz -T2 compresses 1.5 MiB of the image's files in two threads and decompresses them in two "
            "(the same compressed bytes and checksums as on Linux); GNU sort --parallel=2 sorts the "
            "81,000 lines strings finds in busybox and python3 (the same output)")
script_test("python3-threads", "prog_python.sh", 6, 60.0, ["glibc-pthreads-1cpu"],
            "Debian's python3: threading (Lock, local, Condition, Event, Timer, Semaphore, Barrier), "
            "queue.Queue and concurrent.futures.ThreadPoolExecutor, the same results as on Linux")
