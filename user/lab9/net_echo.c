/* net_echo: a TCP echo server on port 7 of every address, for clients
 * on the host (Lab 9): QEMU forwards a port of the host's 127.0.0.1 to
 * the guest's port 7 through the network card. (No UDP: QEMU's user
 * network with restrict=on drops the guest's answers; labs/lab9/card.py.)
 *
 * One thread per connection echoes everything until the client closes;
 * the main thread accepts. A connection whose first bytes are "QUIT\n"
 * ends the server, which then prints what it served (the grader compares
 * that with what its clients sent). Lines: "net_echo: listening" when
 * ready, then the totals. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 7
#define BUF 65536

static atomic_long tcp_bytes, tcp_conns;
static atomic_int quitting, active;   /* active: connection threads running */

static int listener(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0) {
		printf("net_echo: cannot listen on port %d: %s\n", PORT, strerror(errno));
		exit(1);
	}
	return fd;
}

/* Writes all of buf: 0, or -1 if the client went away. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static void *serve(void *arg)
{
	int fd = (int)(long)arg;
	char *buf = malloc(BUF);
	ssize_t n;
	bool first = true;
	for (;;) {
		if (!buf || (n = read(fd, buf, BUF)) <= 0)
			break;
		if (first && n >= 5 && memcmp(buf, "QUIT\n", 5) == 0) {
			atomic_store(&quitting, 1);
			free(buf);
			close(fd);
			active--;
			return NULL;
		}
		first = false;
		tcp_bytes += n;
		if (write_all(fd, buf, n) < 0)
			break;
	}
	tcp_conns++;
	free(buf);
	close(fd);
	active--;
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int tcp = listener();
	printf("net_echo: listening on TCP port %d\n", PORT);
	struct pollfd fds[1] = { { .fd = tcp, .events = POLLIN } };
	while (!atomic_load(&quitting)) {
		/* A second at a time: QUIT arrives on a connection's thread. */
		if (poll(fds, 1, 1000) < 0 && errno != EINTR)
			return 1;
		if (fds[0].revents & POLLIN) {
			int c = accept(tcp, NULL, NULL);
			pthread_t t;
			if (c < 0)
				continue;
			active++;
			if (pthread_create(&t, NULL, serve, (void *)(long)c) == 0) {
				pthread_detach(t);
			} else {
				active--;
				close(c);
			}
		}
	}
	/* The clients were done before the host sent QUIT; their threads may
	 * still be seeing their end of file. */
	for (int i = 0; i < 500 && atomic_load(&active) > 0; i++)
		usleep(10000);
	printf("net_echo: tcp: %ld connections, %ld bytes echoed\n", (long)tcp_conns, (long)tcp_bytes);
	return 0;
}
