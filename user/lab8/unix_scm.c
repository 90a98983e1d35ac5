/* unix_scm: control messages over AF_UNIX (Lab 8, Part C): SCM_RIGHTS
 * passes open files to another process (a file, with its shared offset,
 * and a pipe end), MSG_CTRUNC when the receiver's room is short,
 * MSG_CMSG_CLOEXEC, files in flight dropped when the socket closes
 * unread (the pipe's reader sees end of file), a bad fd refused; cycles
 * of sockets in flight that nobody can reach collected (Linux's unix_gc:
 * a pipe's write end in flight with them gets closed), and one still
 * reachable kept;
 * SCM_CREDENTIALS with SO_PASSCRED (the sender's pid, uid, gid), SO_PEERCRED. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unix_util.h"

/* Sends data with the fds (n of them) in one SCM_RIGHTS message. */
static ssize_t send_fds(int sock, const char *data, const int *fds, int n)
{
	char control[CMSG_SPACE(sizeof(int) * 8)];
	memset(control, 0, sizeof(control));
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(sock, &m, 0);
}

/* Receives data and up to room fds; returns how many fds came, -1 on error. */
static int recv_fds(int sock, char *data, size_t len, int *fds, int room, int flags, int *msg_flags)
{
	char control[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { data, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			    .msg_controllen = room ? CMSG_SPACE(sizeof(int) * room) : 0 };
	ssize_t n = recvmsg(sock, &m, flags);
	if (n < 0)
		return -1;
	data[n] = 0;
	*msg_flags = m.msg_flags;
	int got = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(fds + got, CMSG_DATA(c), k * sizeof(int));
			got += k;
		}
	}
	return got;
}

static void pass_between_processes(const char *dir)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/file", dir);
	int file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(file, "0123456789", 10);
	lseek(file, 3, SEEK_SET);
	int pipefd[2];
	pipe(pipefd);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(file);
		close(pipefd[1]);
		char data[32];
		int fds[4], flags;
		int n = recv_fds(sv[1], data, sizeof(data) - 1, fds, 4, 0, &flags);
		char buf[8] = {0};
		/* The file's offset is shared with the sender's fd: 3. */
		read(fds[0], buf, 2);
		char line[64];
		int len = snprintf(line, sizeof(line), "child got %d fds with '%s', read '%s'", n, data, buf);
		write(fds[1], line, len);
		_exit(0);
	}
	close(sv[1]);
	int fds[2] = { file, pipefd[1] };
	u_show("sendmsg with two fds", send_fds(sv[0], "files", fds, 2));
	close(pipefd[1]);
	char line[128] = {0};
	ssize_t n = read(pipefd[0], line, sizeof(line) - 1);
	printf("through the passed pipe: %s (%zd)\n", line, n);
	printf("file offset after the child's read: %ld\n", (long)lseek(file, 0, SEEK_CUR));
	u_show("pipe read after the child exited", (waitpid(pid, NULL, 0), read(pipefd[0], line, 1)));
	close(pipefd[0]);
	close(sv[0]);
	close(file);
	unlink(path);
}

static void truncation_and_flags(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int three[3] = { 0, 1, 2 };
	u_show("send three fds", send_fds(sv[0], "three", three, 3));
	char data[16];
	int got[8], flags;
	int n = recv_fds(sv[1], data, sizeof(data) - 1, got, 1, 0, &flags);
	printf("received with room for one: %d fds, MSG_CTRUNC %d\n", n, !!(flags & MSG_CTRUNC));
	struct stat a, b;
	fstat(got[0], &a);
	fstat(0, &b);
	kt_check(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "the fd received is the file sent");
	close(got[0]);
	send_fds(sv[0], "cloexec", three, 1);
	n = recv_fds(sv[1], data, sizeof(data) - 1, got, 4, MSG_CMSG_CLOEXEC, &flags);
	printf("MSG_CMSG_CLOEXEC: %d fd, FD_CLOEXEC %d\n", n, fcntl(got[0], F_GETFD));
	close(got[0]);
	send_fds(sv[0], "none", three, 1);
	n = recv_fds(sv[1], data, sizeof(data) - 1, got, 0, 0, &flags);
	printf("received with no room: %d fds, MSG_CTRUNC %d, data '%s'\n", n, !!(flags & MSG_CTRUNC), data);
	int bad = 99;
	u_show("send a closed fd", send_fds(sv[0], "bad", &bad, 1));
	char control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = 77;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	u_show("send an unknown control message", sendmsg(sv[0], &m, 0));
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = 4;
	u_show("send a control message too short", sendmsg(sv[0], &m, 0));
	close(sv[0]);
	close(sv[1]);
}

static void in_flight_at_close(void)
{
	int pipefd[2];
	pipe(pipefd);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send_fds(sv[0], "unread", &pipefd[1], 1);
	close(pipefd[1]);
	char c;
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	u_show("pipe read while its write end is in flight", read(pipefd[0], &c, 1));
	close(sv[1]);           /* the receiver closes without reading */
	close(sv[0]);
	u_show("pipe read once the socket holding it closed", read(pipefd[0], &c, 1));
	close(pipefd[0]);
}

/* A socket in its own receive queue, closed: garbage for the collector. */
static void self_cycle(void)
{
	int z[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, z);
	send_fds(z[0], "z", &z[1], 1);
	close(z[0]);
	close(z[1]);
}

/* Waits (up to 5 s) for the pipe's writers to go: "end of file" once
 * the sockets that held its write end in flight were collected. A
 * collection runs when a unix socket's file is released (its last
 * reference gone), which the close of a socket still in flight is not;
 * and Linux's runs from a work queue that a release schedules unless a
 * collection is running already. So every 100 ms a self_cycle releases
 * a socket (and leaves garbage for the next collection). */
static void pipe_writer_gone(const char *what, int rd)
{
	struct pollfd p = { .fd = rd, .events = POLLIN };
	int n = 0;
	for (int i = 0; i < 50 && n == 0; i++) {
		self_cycle();
		n = poll(&p, 1, 100);
	}
	char c;
	printf("%s: %s\n", what, n == 1 && (p.revents & POLLHUP) && read(rd, &c, 1) == 0 ? "end of file" : "still open");
}

/* Cycles: a socket in its own receive queue, and two pairs holding each
 * other's receivers, closed with a pipe's write end in flight beside
 * them: the collector frees them. A socket in flight to a receiver still
 * open is reachable: kept, received, and it works. */
static void garbage_cycles(void)
{
	int pipefd[2], sv[2];
	pipe(pipefd);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int self[2] = { sv[1], pipefd[1] };
	u_show("send the receiver to itself, with the pipe's write end", send_fds(sv[0], "self", self, 2));
	close(pipefd[1]);
	close(sv[0]);
	close(sv[1]);
	pipe_writer_gone("a socket in its own queue", pipefd[0]);
	close(pipefd[0]);

	int x[2], y[2];
	pipe(pipefd);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, x);
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, y);
	int to_y[2] = { x[1], pipefd[1] };
	send_fds(y[0], "x's receiver", to_y, 2);
	send_fds(x[0], "y's receiver", &y[1], 1);
	close(pipefd[1]);
	close(x[0]);
	close(x[1]);
	close(y[0]);
	close(y[1]);
	pipe_writer_gone("two pairs holding each other", pipefd[0]);
	close(pipefd[0]);

	int keep[2], inner[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, keep);
	socketpair(AF_UNIX, SOCK_STREAM, 0, inner);
	send_fds(keep[0], "inner", &inner[1], 1);
	close(inner[1]);
	close(keep[0]);
	int got = -1, flags = 0;
	char buf[16];
	recv_fds(keep[1], buf, sizeof(buf), &got, 1, 0, &flags);
	u_show("write to the kept socket's peer", write(inner[0], "hi", 2));
	u_show("read from the socket received", read(got, buf, sizeof(buf)));
	close(got);
	close(inner[0]);
	close(keep[1]);
}

static void credentials(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int on = 1;
	u_show("SO_PASSCRED", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
	pid_t pid = fork();
	if (pid == 0) {
		send(sv[0], "from child", 10, 0);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	char data[32] = {0};
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control) };
	u_show("recvmsg", recvmsg(sv[1], &m, 0));
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	kt_check(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		 c->cmsg_len == CMSG_LEN(sizeof(struct ucred)), "an SCM_CREDENTIALS message came");
	struct ucred cr;
	memcpy(&cr, CMSG_DATA(c), sizeof(cr));
	kt_check(cr.pid == pid && cr.uid == getuid() && cr.gid == getgid(), "they are the child's pid, uid and gid");

	/* Claiming one's own credentials explicitly. */
	struct ucred mine = { getpid(), getuid(), getgid() };
	m.msg_controllen = CMSG_SPACE(sizeof(mine));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(mine));
	memcpy(CMSG_DATA(c), &mine, sizeof(mine));
	iov.iov_len = 4;
	u_show("sendmsg with SCM_CREDENTIALS", sendmsg(sv[0], &m, 0));
	m.msg_controllen = sizeof(control);
	iov.iov_len = sizeof(data);
	recvmsg(sv[1], &m, 0);
	memcpy(&cr, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(cr));
	kt_check(cr.pid == getpid(), "the claimed pid came");
	struct ucred peer;
	socklen_t len = sizeof(peer);
	getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &peer, &len);
	kt_check(peer.pid == getpid() && peer.uid == geteuid(), "SO_PEERCRED of a socketpair: our own");
	int v = 0;
	len = sizeof(v);
	getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &len);
	printf("SO_PASSCRED reads back: %d\n", v);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(20);              /* a kernel that loses a wake-up fails, not hangs */
	char dir[64];
	snprintf(dir, sizeof(dir), "/tmp/unix_scm.%d", getpid());
	mkdir(dir, 0700);
	pass_between_processes(dir);
	truncation_and_flags();
	in_flight_at_close();
	garbage_cycles();
	credentials();
	rmdir(dir);
	return kt_status();
}
