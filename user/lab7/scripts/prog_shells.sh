# prog_shells.sh: programs that need /proc without saying so. bash's
# process substitution <(...) names a pipe as /dev/fd/63, which is
# /proc/self/fd/63 (devfs's /dev/fd is a symbolic link to /proc/self/fd);
# python3's multiprocessing.Pool forks workers that talk through pipes
# and lock with POSIX semaphores (sem_open: files in the tmpfs on
# /dev/shm). Compared with Linux. Run as: sh prog_shells.sh
name=shells
. "${PWD%/}/usr/lib/kestrel/lab7/prog_lib.sh"

echo "-- bash process substitution"
/bin/bash -c '
echo "names: " <(true) >(true)
diff <(echo a) <(echo a) && echo "diff <(echo a) <(echo a): the same"
diff -q <(echo a) <(echo b)
echo "diff -q of two different ones: status $?"
cat <(seq 3) <(seq 4 6) | wc -l | sed "s/^/lines of cat <(seq 3) <(seq 4 6): /"
while read -r line; do n=$((n + 1)); done < <(seq 100)
echo "lines read from < <(seq 100): $n"
{ echo "through >(...)" > >(tr a-z A-Z); } | cat    # cat ends when tr has written
echo "/dev/fd -> $(readlink /dev/fd)"
exec 5< <(echo from fd 5)
read -r x < /proc/self/fd/5
echo "read through /proc/self/fd/5: $x"
'
echo "bash: status $?"

echo "-- python3 multiprocessing"
python3 - "$dir" <<'PY'
import multiprocessing, os, sys

def square(x):
    return x * x

def parent(_):
    return os.getppid()

def stat_fields(pid):
    """(state, ppid, comm) from /proc/PID/stat, which ps reads."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    comm = text[text.index("(") + 1:text.rindex(")")]
    rest = text[text.rindex(")") + 2:].split()
    return rest[0], int(rest[1]), comm

def release_under_lock(sem, lock):
    with lock:
        sem.release()

def hold(lock, held, done):
    with lock:
        held.set()
        done.wait(30)

if __name__ == "__main__":
    # glibc's sysconf(_SC_NPROCESSORS_ONLN) reads /sys/devices/system/cpu/online
    print("os.cpu_count() is the number of CPUs we may run on:", os.cpu_count() == len(os.sched_getaffinity(0)))
    with multiprocessing.Pool(2) as pool:
        print("Pool(2).map:", pool.map(square, range(10)))
        print("workers' parent is this process:", set(pool.map(parent, range(8))) == {os.getpid()})
        workers = multiprocessing.active_children()
        print("workers:", len(workers))
        seen = [stat_fields(w.pid) for w in workers]
        print("their /proc/PID/stat: state S or R, parent this process, comm as ours:",
              all(s in "SR" and pp == os.getpid() and c == stat_fields(os.getpid())[2] for s, pp, c in seen))
    # Semaphore, Lock and Event are POSIX semaphores (sem_open: /dev/shm) shared by fork.
    sem, lock = multiprocessing.Semaphore(0), multiprocessing.Lock()
    ps = [multiprocessing.Process(target=release_under_lock, args=(sem, lock)) for _ in range(3)]
    for p in ps:
        p.start()
    print("a Semaphore released by 3 processes, acquired:", sum(sem.acquire(timeout=30) for _ in range(3)))
    for p in ps:
        p.join()
    print("their exit codes:", [p.exitcode for p in ps])
    held, done = multiprocessing.Event(), multiprocessing.Event()
    p = multiprocessing.Process(target=hold, args=(lock, held, done))
    p.start()
    held.wait(30)
    print("the Lock, held by another process: acquire(timeout=0.1) ->", lock.acquire(timeout=0.1))
    done.set()
    p.join()
    print("once it let go ->", lock.acquire(timeout=30))
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=q.put, args=("through a Queue",))
    p.start()
    print(q.get(timeout=30))
    p.join()
    print("children left:", len(multiprocessing.active_children()))
PY
echo "python3: status $?"
rm -rf "$dir"
