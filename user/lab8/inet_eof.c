/* inet_eof: the end of a TCP stream arrives right after its last byte
 * (Lab 8, Part D), compared with Linux.
 *
 * A child writes a number of bytes on a connection over the loopback and
 * exits (its close sends the FIN); the parent reads everything and times
 * from the last byte read to read() returning 0. In Linux that is a few
 * microseconds. Kestrel's lwIP once dropped a FIN that came one sequence
 * number past its closed receive window, and the EOF then waited for the
 * writer's retransmission, 1 to 3 s later (kernel/net/inet/tcp_fin.c):
 *   - 128 KiB (Kestrel's whole window, TCP_WND) read only once the writer
 *     has exited: the FIN comes alone, at a window of zero;
 *   - 256 KiB read the same way: the FIN comes on the segment whose data
 *     ends at the window's edge, sent when the reader opens the window;
 *   - 1 MiB with the reader reading all along, as make bench's bench_net;
 *   - 128 KiB on ::1.
 * The line says whether the EOF came within 500 ms of the last byte: the
 * retransmission came no sooner than lwIP's smallest retransmission
 * timeout, 3 ticks of its 500 ms timer after the last ACK (more than 1 s;
 * 1.2 to 2.7 s measured), while a FIN taken at once makes the read after
 * the last byte return 0 in microseconds: a loaded machine cannot blur
 * the two. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <kt_inet.h>

#define PROMPT_MS 500

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	printf("%s: errno %s\n", what, kt_errname(errno));
	exit(1);
}

/* A connected pair over the loopback of family fam: *writer, *reader. */
static void connected_pair(int fam, int *writer, int *reader)
{
	int port = 0, l = kt_bound(fam, SOCK_STREAM, 0, &port);
	if (l < 0 || listen(l, 1) < 0)
		die("listen");
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, 0, port);
	*writer = socket(fam, SOCK_STREAM, 0);
	if (*writer < 0 || connect(*writer, (struct sockaddr *)&ss, len) < 0)
		die("connect");
	*reader = accept(l, NULL, NULL);
	if (*reader < 0)
		die("accept");
	close(l);
}

/* The child: bytes in 64 KiB writes, then exit (the close). */
static pid_t start_writer(int fd, long bytes)
{
	pid_t pid = kt_fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		static char buf[1 << 16];
		for (long left = bytes; left > 0;) {
			long put = write(fd, buf, left < (long)sizeof buf ? left : (long)sizeof buf);
			if (put <= 0)
				_exit(1);
			left -= put;
		}
		_exit(0);
	}
	return pid;
}

/* Waits up to 2 s for the writer to have exited without reading (a stack
 * with smaller buffers could need a reader first: then it reads anyway). */
static void wait_for_writer_exit(pid_t pid)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	for (int i = 0; i < 200; i++) {
		siginfo_t si;
		si.si_pid = 0;
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
			return;
		nanosleep(&tick, NULL);
	}
}

static void trial(int fam, long bytes, bool read_after_exit, const char *what)
{
	int writer, reader;
	connected_pair(fam, &writer, &reader);
	pid_t pid = start_writer(writer, bytes);
	close(writer);
	if (read_after_exit)
		wait_for_writer_exit(pid);
	static char buf[1 << 16];
	long total = 0, got;
	double last = now_ms();
	while ((got = read(reader, buf, sizeof buf)) > 0) {
		total += got;
		last = now_ms();
	}
	double eof_ms = now_ms() - last;
	int status;
	if (waitpid(pid, &status, 0) != pid || status != 0)
		die("writer");
	close(reader);
	printf("%s %s: %ld bytes, ", fam == AF_INET ? "127.0.0.1" : "::1", what, total);
	if (got < 0)
		printf("read: %s\n", kt_errname(errno));
	else if (eof_ms < PROMPT_MS)
		printf("EOF within %d ms of the last byte\n", PROMPT_MS);
	else
		printf("EOF %.0f ms after the last byte\n", eof_ms);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	trial(AF_INET, 128 << 10, true, "128 KiB read after the writer's exit");
	trial(AF_INET, 256 << 10, true, "256 KiB read after the writer's exit");
	trial(AF_INET, 1 << 20, false, "1 MiB read as it comes");
	trial(AF_INET6, 128 << 10, true, "128 KiB read after the writer's exit");
	return 0;
}
