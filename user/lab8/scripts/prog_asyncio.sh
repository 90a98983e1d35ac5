# prog_asyncio.sh: Python's asyncio, an event loop over epoll. Its
# selector (selectors.EpollSelector) waits in epoll_wait; its self-pipe is
# a socketpair (call_soon_threadsafe, run_in_executor's threads and
# signal.set_wakeup_fd write a byte there to wake the loop); every socket
# it makes is non-blocking. An echo server on 127.0.0.1 (port 0) with 8
# clients at once (then on ::1 and on a Unix path), large transfers
# (loop.sendfile too), EOF, a refused connection, UDP, the loop's own
# sock_* calls on a socketpair, timers and timeouts, a signal handler, a
# thread and a subprocess. Compared with Linux. Run as: sh prog_asyncio.sh
export LC_ALL=C
exec 0</dev/null            # the console in the guest, /dev/null on the host

python3 - <<'PY'
import asyncio, hashlib, os, selectors, signal, socket, sys, threading

async def echo(reader, writer):
    # Echoes lines until EOF, then says how many it saw and closes.
    n = 0
    while line := await reader.readline():
        n += 1
        writer.write(line)
        await writer.drain()
    writer.write(b"bye after %d lines\n" % n)
    await writer.drain()
    writer.close()
    await writer.wait_closed()

async def client(port, i, host="127.0.0.1"):
    reader, writer = await asyncio.open_connection(host, port)
    lines = [b"client %d line %d\n" % (i, j) for j in range(i + 1)]
    for line in lines:
        writer.write(line)
    await writer.drain()
    got = [await reader.readline() for _ in lines]
    writer.write_eof()                      # shutdown(SHUT_WR): the server's readline sees EOF
    bye = await reader.readline()
    end = await reader.read()               # then our EOF
    writer.close()
    await writer.wait_closed()
    return got == lines, bye.decode().strip(), end

async def sink(reader, writer):
    # Reads everything, answers with its length and SHA-256.
    h, n = hashlib.sha256(), 0
    while chunk := await reader.read(65536):
        h.update(chunk)
        n += len(chunk)
    writer.write(b"%d %s\n" % (n, h.hexdigest().encode()))
    await writer.drain()
    writer.close()

async def tcp():
    print("-- TCP streams on 127.0.0.1")
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("listening socket: non-blocking:", not os.get_blocking(server.sockets[0].fileno()), "port chosen:", port != 0)
    async with server:
        results = await asyncio.gather(*(client(port, i) for i in range(8)))
        for i, (same, bye, end) in enumerate(results):
            print(f"client {i}: echoes match: {same}; then {bye!r}, then EOF: {end!r}")
    print("server closed:", not server.is_serving())

    server = await asyncio.start_server(sink, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        data = bytes(range(256)) * (4 << 12)  # 4 MiB
        for k in range(0, len(data), 1 << 20):
            writer.write(data[k:k + (1 << 20)])
            await writer.drain()
        writer.write_eof()
        n, digest = (await reader.readline()).split()
        print("4 MiB sent, the server counted:", int(n), "digest matches:", digest.decode() == hashlib.sha256(data).hexdigest())
        writer.close()
        await writer.wait_closed()
        # loop.sendfile: os.sendfile on the non-blocking socket, partial
        # counts and EAGAIN (then EPOLLOUT) until the file is sent
        path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "kt-lab8-asyncio.data")
        with open(path, "wb") as f:
            f.write(data[:3 << 20])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        with open(path, "rb") as f:
            sent = await asyncio.get_running_loop().sendfile(writer.transport, f)
        os.unlink(path)
        writer.write_eof()
        n, digest = (await reader.readline()).split()
        print("loop.sendfile of a 3 MiB file:", sent, "sent,", int(n), "counted, digest matches:",
              digest.decode() == hashlib.sha256(data[:3 << 20]).hexdigest())
        writer.close()
        await writer.wait_closed()

    with socket.socket() as s:                # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    try:
        await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError as e:
        print("connect to a closed port:", type(e).__name__, e.errno == 111)

async def families():
    print("-- the same echo server on ::1 and on an AF_UNIX path")
    server = await asyncio.start_server(echo, "::1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        print("on ::1, two clients:", await asyncio.gather(client(port, 2, "::1"), client(port, 3, "::1")))
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "kt-lab8-asyncio.sock")
    if os.path.exists(path):
        os.unlink(path)
    server = await asyncio.start_unix_server(echo, path)
    async with server:
        reader, writer = await asyncio.open_unix_connection(path)
        writer.write(b"over a path\n")
        print("on a Unix socket:", await reader.readline())
        writer.write_eof()
        print("then:", await reader.read())
        writer.close()
    print("its socket file stays after close (Python 3.11 leaves it):", os.path.exists(path))
    os.unlink(path)

class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport
    def datagram_received(self, data, addr):
        self.transport.sendto(data.upper(), addr)

class Collect(asyncio.DatagramProtocol):
    def __init__(self, want):
        self.got, self.want, self.done = [], want, asyncio.get_running_loop().create_future()
    def datagram_received(self, data, addr):
        self.got.append(data)
        if len(self.got) == self.want:
            self.done.set_result(None)

async def udp():
    print("-- UDP datagrams")
    loop = asyncio.get_running_loop()
    server, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
    client, proto = await loop.create_datagram_endpoint(lambda: Collect(3),
                                                        remote_addr=server.get_extra_info("sockname"))
    for w in (b"one", b"two", b"three"):
        client.sendto(w)
    await asyncio.wait_for(proto.done, 10)
    print("answers:", sorted(proto.got))
    client.close()
    server.close()

async def socks():
    print("-- the loop's sock_* calls on a socketpair")
    loop = asyncio.get_running_loop()
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    reading = asyncio.ensure_future(loop.sock_recv(b, 100))
    await asyncio.sleep(0)                  # the read waits: b is not readable yet
    print("recv waiting:", not reading.done())
    await loop.sock_sendall(a, b"through the pair")
    print("received:", await reading)
    big = b"x" * (1 << 20)                  # more than the pair buffers: sendall waits for EPOLLOUT
    sending = asyncio.ensure_future(loop.sock_sendall(a, big))
    got = 0
    while got < len(big):
        got += len(await loop.sock_recv(b, 65536))
    await sending
    print("1 MiB through the pair:", got)
    a.close()
    print("after the peer closed:", await loop.sock_recv(b, 100))
    b.close()

async def timers():
    print("-- timers")
    order = []
    async def sleeper(name, delay):
        await asyncio.sleep(delay)
        order.append(name)
    await asyncio.gather(sleeper("c", 0.3), sleeper("a", 0.1), sleeper("b", 0.2))
    print("woke in order:", order)
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(0.2)
    print("slept at least 0.2 s:", loop.time() - t0 >= 0.2)
    try:
        await asyncio.wait_for(asyncio.sleep(30), 0.1)
    except asyncio.TimeoutError:
        print("wait_for(sleep(30), 0.1): TimeoutError after", "less than 10 s" if loop.time() - t0 < 10 else "too long")
    fired = loop.create_future()
    loop.call_later(0.05, fired.set_result, "call_later fired")
    print(await fired)

async def wakeups():
    print("-- waking the loop: threads and signals (the self-pipe)")
    loop = asyncio.get_running_loop()
    print("selector:", type(loop._selector).__name__)
    ssock = loop._ssock
    print("self-pipe: a socketpair:", ssock.family == socket.AF_UNIX and ssock.type == socket.SOCK_STREAM,
          "non-blocking:", ssock.getblocking() is False)
    print("in a thread:", await loop.run_in_executor(None, lambda: sum(range(1000))))
    fut = loop.create_future()
    threading.Thread(target=lambda: loop.call_soon_threadsafe(fut.set_result, "set from a thread")).start()
    print(await asyncio.wait_for(fut, 10))
    got = loop.create_future()
    loop.add_signal_handler(signal.SIGUSR1, lambda: got.set_result("SIGUSR1 handled in the loop"))
    print("wakeup fd is the self-pipe:", signal.set_wakeup_fd(-1) == loop._csock.fileno())
    signal.set_wakeup_fd(loop._csock.fileno())
    os.kill(os.getpid(), signal.SIGUSR1)
    print(await asyncio.wait_for(got, 10))
    loop.remove_signal_handler(signal.SIGUSR1)

async def subprocess_pipes():
    print("-- a subprocess")
    proc = await asyncio.create_subprocess_exec("cat", stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate(b"through cat's pipes\n" * 1000)
    print("cat echoed:", len(out), "bytes,", out.splitlines()[0].decode(), "; exit status", proc.returncode)
    proc = await asyncio.create_subprocess_exec("sh", "-c", "echo out; echo err >&2; exit 3",
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    print("sh:", out, err, proc.returncode)

async def main():
    for part in (tcp, families, udp, socks, timers, wakeups, subprocess_pipes):
        await part()

asyncio.run(main())
print("done")
PY
echo "python3: status $?"
