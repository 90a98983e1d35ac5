/* bench_mediaserver: MediaServer's start-to-serving time for `make bench`
 * (not a test: times vary). Needs the capstone's image (make fsimg
 * MEDIASERVER=1: MediaServer in /opt/mediaserver).
 *
 *   MediaServer start to serving   from just before the fork and exec of
 *                                  `./MediaServer -d -c config-test.ini` to
 *                                  the first HTTP 200 answer of its API
 *                                  (getServerConfig) on 127.0.0.1:8080,
 *                                  polled every 10 ms by connect
 *   MediaServer API request        one more such request once it serves:
 *                                  connect, request, answer, EOF (median)
 *
 * It runs MediaServer as the tests do (labs/final/msrun.py): /proc
 * and /sys mounted, the open-file limit 20000, environment PATH and HOME
 * only, its output in /root/ms.log (printed if it never serves). Then
 * SIGTERM to MediaServer's session (-d forks a worker), SIGKILL after 5 s.
 * Prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

#define DIR "/opt/mediaserver"
#define LOG "/root/ms.log"
#define REQUEST "GET /index/api/getServerConfig?secret=kestrel-zlm-test-secret-0123456789 HTTP/1.1\r\n" \
		"Host: 127.0.0.1:8080\r\nConnection: close\r\n\r\n"
enum { PORT = 8080, GIVE_UP_S = 60, REQUESTS = 20 };

static pid_t start_server(void)
{
	char *argv[] = { "./MediaServer", "-d", "-c", "config-test.ini", NULL };
	char *envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", NULL };
	pid_t pid = fork();
	if (pid == 0) {
		int log = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		setsid();       /* its own session: one kill(-pid) ends it and its worker */
		if (log >= 0)
			dup2(log, 1), dup2(log, 2), close(log);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	if (pid < 0)
		bench_die("fork");
	return pid;
}

/* One API request: 1 when the answer is HTTP 200 with a JSON body,
 * 0 when nobody listens yet or the answer is something else. */
static int ask(void)
{
	static char answer[16384];
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(PORT),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok = 0;
	if (fd < 0)
		bench_die("socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
	    write(fd, REQUEST, strlen(REQUEST)) == (long)strlen(REQUEST)) {
		long len = 0, got;
		while (len < (long)sizeof answer - 1 && (got = read(fd, answer + len, sizeof answer - 1 - len)) > 0)
			len += got;
		answer[len] = 0;
		ok = strncmp(answer, "HTTP/1.1 200", 12) == 0 && strstr(answer, "\r\n\r\n{") != NULL;
	}
	close(fd);
	return ok;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void stop_server(pid_t pid)
{
	kill(-pid, SIGTERM);
	for (int i = 0; i < 500 && waitpid(pid, NULL, WNOHANG) == 0; i++)
		usleep(10000);
	kill(-pid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

static void show_log(void)
{
	char line[512];
	FILE *f = fopen(LOG, "r");
	printf("bench_mediaserver: MediaServer did not serve within %d s; its output:\n", GIVE_UP_S);
	while (f && fgets(line, sizeof line, f))
		printf("  %s", line);
	if (f)
		fclose(f);
}

int main(void)
{
	struct rlimit files = { 20000, 20000 };
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	mount("proc", "/proc", "proc", 0, NULL);       /* already there on Linux: EBUSY */
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (setrlimit(RLIMIT_NOFILE, &files))
		perror("setrlimit(RLIMIT_NOFILE, 20000)");
	if (chdir(DIR))
		bench_die(DIR);

	double t0 = bench_now_ns();
	pid_t pid = start_server();
	int served = 0;
	while (!served && bench_now_ns() - t0 < GIVE_UP_S * 1e9) {
		served = ask();
		if (!served)
			usleep(10000);
	}
	double t1 = bench_now_ns();
	if (!served) {
		stop_server(pid);
		show_log();
		return 1;
	}
	printf("bench: MediaServer start to serving: %.0f ms (exec of MediaServer -d -c config-test.ini "
	       "to its first HTTP API answer, polled every 10 ms)\n", (t1 - t0) / 1e6);

	double took[REQUESTS];
	for (int i = 0; i < REQUESTS; i++) {
		double s = bench_now_ns();
		if (!ask())
			bench_die("a later API request failed");
		took[i] = bench_now_ns() - s;
	}
	qsort(took, REQUESTS, sizeof took[0], by_value);
	printf("bench: MediaServer API request: %.1f ms (getServerConfig: connect, request, answer; "
	       "median of %d)\n", took[REQUESTS / 2] / 1e6, REQUESTS);
	stop_server(pid);
	return 0;
}
