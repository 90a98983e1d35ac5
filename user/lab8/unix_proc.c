/* unix_proc: this program's own AF_UNIX sockets in /proc/net/unix (Lab 8,
 * Part C), as netstat -x and ss read it: the header, then one line per
 * socket in Linux's layout ("%pK: %08X %08X %08X %04X %02X %5lu path").
 * Sockets with names in a temporary directory or an abstract name of
 * this run: a stream listener (the listening flag), a connection queued
 * on it and not accepted (connecting, no inode: no socket yet), an
 * accepted one (the listener's name), a client bound before it connected,
 * datagram sockets bound, connected and shut down, a seqpacket listener
 * on an abstract name with a NUL inside ('@' for each NUL), and a closed
 * one (gone). Every line's layout is checked; ours are shown sorted
 * (Linux lists by hash), without the pointer (hashed or zeros) and the
 * reference count, the run's directory and pid as "X", and the inode
 * column as which of our sockets fstat gives that inode. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "kt_proc.h"
#include "unix_util.h"

enum { MAX_LINES = 64, MAX_FDS = 16 };

static char dir[64], abstract_tag[64];

/* Our sockets' inodes, to name the inode column. */
static struct {
	ino_t ino;
	const char *name;
} fds[MAX_FDS];
static int nfds;

static int remember(int fd, const char *name)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		printf("%s: %s\n", name, u_errname(errno));
		return fd;
	}
	fds[nfds].ino = st.st_ino;
	fds[nfds++].name = name;
	return fd;
}

static socklen_t path_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

/* "\0<tag>-seq\0packet": an abstract name with a NUL inside. */
static socklen_t abstract_addr(struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s-seq", abstract_tag);
	memcpy(a->sun_path + 2 + n, "packet", 6);
	return offsetof(struct sockaddr_un, sun_path) + 2 + n + 6;
}

static int bound(int type, const struct sockaddr_un *a, socklen_t len, const char *name)
{
	int s = socket(AF_UNIX, type, 0);
	if (bind(s, (const struct sockaddr *)a, len))
		printf("bind %s: %s\n", name, u_errname(errno));
	return remember(s, name);
}

static void make_sockets(void)
{
	struct sockaddr_un l, c, d, d2, gone, seq;
	socklen_t llen = path_addr(&l, "listen.sock");
	int ls = bound(SOCK_STREAM, &l, llen, "listener");
	listen(ls, 4);
	/* A client bound before it connects: accepted, it shows its name. */
	int bc = bound(SOCK_STREAM, &c, path_addr(&c, "client.sock"), "bound client");
	u_show("connect of the bound client", connect(bc, (struct sockaddr *)&l, llen));
	remember(accept(ls, NULL, NULL), "accepted");
	/* Queued, never accepted: the listener's name, no socket yet. */
	int queued = socket(AF_UNIX, SOCK_STREAM, 0);
	u_show("connect left in the queue", connect(queued, (struct sockaddr *)&l, llen));

	socklen_t dlen = path_addr(&d, "dgram.sock");
	bound(SOCK_DGRAM, &d, dlen, "datagram");
	int dc = bound(SOCK_DGRAM, &d2, path_addr(&d2, "dgram-connected.sock"), "connected datagram");
	u_show("datagram connect", connect(dc, (struct sockaddr *)&d, dlen));
	int ds = bound(SOCK_DGRAM, &d2, path_addr(&d2, "dgram-shut.sock"), "shut datagram");
	u_show("datagram shutdown", shutdown(ds, SHUT_RDWR));

	socklen_t slen = abstract_addr(&seq);
	int ss = bound(SOCK_SEQPACKET, &seq, slen, "seqpacket listener");
	listen(ss, 1);

	int g = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(g, (struct sockaddr *)&gone, path_addr(&gone, "closed.sock"));
	close(g);
}

static const char *inode_name(unsigned long ino)
{
	if (ino == 0)
		return "0";
	for (int i = 0; i < nfds; i++)
		if (fds[i].ino == ino)
			return fds[i].name;
	return "not one of ours";
}

/* The path with the run's directory and tag as "X". */
static void normalise_path(const char *path, char *out, size_t size)
{
	const char *rest = path;
	const char *prefix = "";
	if (!strncmp(path, dir, strlen(dir))) {
		rest = path + strlen(dir);
		prefix = "X";
	} else if (path[0] == '@' && !strncmp(path + 1, abstract_tag, strlen(abstract_tag))) {
		rest = path + 1 + strlen(abstract_tag);
		prefix = "@X";
	}
	snprintf(out, size, "%s%s", prefix, rest);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Checks one line's layout and, if it is one of ours, keeps a normalised
 * copy in lines[*n]. */
static void take(const char *line, char **lines, int *n)
{
	char ptr[32], path[256] = "";
	unsigned ref, proto, flags, type, st;
	unsigned long ino;
	int at = 0;
	if (sscanf(line, "%31[0-9a-f]: %8X %8X %8X %4X %2X %lu%n", ptr, &ref, &proto, &flags,
		   &type, &st, &ino, &at) != 7) {
		printf("a line not in Linux's layout: %s", line);
		return;
	}
	if (line[at] == ' ')
		sscanf(line + at + 1, "%255[^\n]", path);
	char again[512];
	snprintf(again, sizeof(again), "%s: %08X %08X %08X %04X %02X %5lu%s%s\n", ptr, ref, proto,
		 flags, type, st, ino, path[0] ? " " : "", path);
	if (strcmp(again, line))
		printf("a line not in Linux's layout: %s", line);
	if (!strstr(path, dir) && !strstr(path, abstract_tag))
		return;
	char shown[256], *out = malloc(512);
	normalise_path(path, shown, sizeof(shown));
	/* Not the reference count: which holders count differs between
	 * Linux versions (the layout is checked above). */
	snprintf(out, 512, "%s: protocol %08X flags %08X type %04X st %02X inode %s\n",
		 shown, proto, flags, type, st, inode_name(ino));
	if (*n < MAX_LINES)
		lines[(*n)++] = out;
}

static void show_proc_net_unix(void)
{
	FILE *f = fopen("/proc/net/unix", "r");
	if (!f) {
		printf("/proc/net/unix: %s\n", u_errname(errno));
		return;
	}
	char line[512], *lines[MAX_LINES];
	int n = 0;
	if (fgets(line, sizeof(line), f))
		printf("header: %s", line);
	while (fgets(line, sizeof(line), f))
		take(line, lines, &n);
	fclose(f);
	qsort(lines, n, sizeof(lines[0]), by_text);
	for (int i = 0; i < n; i++) {
		printf("%s", lines[i]);
		free(lines[i]);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	kt_proc_mount();        /* as the kernel's first process, nothing is mounted */
	snprintf(dir, sizeof(dir), "/tmp/unix_proc.%d", getpid());
	snprintf(abstract_tag, sizeof(abstract_tag), "kestrel-unix-proc-%d", getpid());
	mkdir(dir, 0700);
	make_sockets();
	show_proc_net_unix();
	const char *names[] = { "listen.sock", "client.sock", "dgram.sock", "dgram-connected.sock",
				"dgram-shut.sock", "closed.sock" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[128];
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
	return kt_status();
}
