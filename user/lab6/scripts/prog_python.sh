# prog_python.sh: Debian's python3 (3.11) with threads: threading's Lock,
# local, Condition, Event, Timer, Semaphore and Barrier, queue.Queue, and
# concurrent.futures' ThreadPoolExecutor (map, as_completed, an exception
# in a worker). CPython makes its threads with pthread_create and sleeps
# in futex waits with timeouts (sem_clockwait). The image holds only the
# part of the standard library this imports (scripts/mkfsimg.py,
# stage_python). Run as: sh prog_python.sh
export LC_ALL=C
python3 - <<'PY'
import threading, queue, concurrent.futures, sys
lock = threading.Lock()
total = 0
def work(n):
    global total
    for _ in range(n):
        with lock:
            total += 1
ts = [threading.Thread(target=work, args=(2000,)) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("4 threads x 2000 increments under a Lock:", total)
print("threads alive after join:", sum(t.is_alive() for t in ts))
local = threading.local()
seen = []
def loc(i):
    local.v = i
    threading.Event().wait(0.01)
    seen.append(local.v == i)
ts = [threading.Thread(target=loc, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("threading.local kept per thread:", all(seen) and len(seen) == 4)
cond = threading.Condition()
print("Condition.wait(timeout) with no notify:", cond.acquire() and cond.wait(0.05))
cond.release()
ev = threading.Event()
threading.Timer(0.02, ev.set).start()
print("Event set by a Timer thread:", ev.wait(5))
q = queue.Queue()
def producer():
    for i in range(100): q.put(i)
    q.put(None)
threading.Thread(target=producer).start()
s = 0
while (x := q.get()) is not None: s += x
print("queue.Queue between threads, sum:", s)
sem = threading.Semaphore(0)
print("Semaphore.acquire(timeout):", sem.acquire(timeout=0.03))
b = threading.Barrier(3)
r = []
def bw(): r.append(b.wait())
ts = [threading.Thread(target=bw) for _ in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print("Barrier indexes:", sorted(r))
with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
    print("ThreadPoolExecutor.map:", list(ex.map(lambda x: x * x, range(10))))
    fs = [ex.submit(sum, range(n)) for n in (10, 100, 1000)]
    print("as_completed results:", sorted(f.result() for f in concurrent.futures.as_completed(fs)))
    f = ex.submit(lambda: 1 / 0)
    print("an exception in a worker:", type(f.exception()).__name__)
print("threads left:", threading.active_count())
PY
echo "python3: status $?"
