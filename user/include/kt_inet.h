/* kt_inet.h: helpers for the Lab 8 TCP/UDP test programs (user/lab8/inet_*.c):
 * loopback addresses of either family with a port, and errno names for
 * the network errors. Ports come from bind(port 0), never fixed. */
#ifndef KT_INET_H
#define KT_INET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <kt.h>

/* A socket address of family fam: 127.0.0.1 or ::1 (any=1: the wildcard). */
static inline socklen_t kt_addr(struct sockaddr_storage *ss, int fam, int any, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (fam == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(any ? INADDR_ANY : INADDR_LOOPBACK);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	a->sin6_addr = any ? in6addr_any : in6addr_loopback;
	return sizeof(*a);
}

static inline int kt_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* The address without the port, as text ("127.0.0.1", "::ffff:127.0.0.1"). */
static inline const char *kt_host(const struct sockaddr_storage *ss)
{
	static char buf[INET6_ADDRSTRLEN];
	if (ss->ss_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, sizeof(buf));
	if (ss->ss_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, sizeof(buf));
	return "?";
}

/* A socket bound to port 0 of the loopback (or wildcard) address; its port. */
static inline int kt_bound(int fam, int type, int any, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = kt_addr(&ss, fam, any, 0);
	int fd = socket(fam, type, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0)
		return -1;
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = kt_port(&ss);
	return fd;
}

static inline const char *kt_net_errname(int e)
{
	switch (e) {
	case ECONNREFUSED:	return "ECONNREFUSED";
	case EADDRINUSE:	return "EADDRINUSE";
	case EADDRNOTAVAIL:	return "EADDRNOTAVAIL";
	case EINPROGRESS:	return "EINPROGRESS";
	case EALREADY:		return "EALREADY";
	case EISCONN:		return "EISCONN";
	case ENOTCONN:		return "ENOTCONN";
	case EAFNOSUPPORT:	return "EAFNOSUPPORT";
	case EOPNOTSUPP:	return "EOPNOTSUPP";
	case EDESTADDRREQ:	return "EDESTADDRREQ";
	case EPIPE:		return "EPIPE";
	case ECONNRESET:	return "ECONNRESET";
	case ECONNABORTED:	return "ECONNABORTED";
	case ENETUNREACH:	return "ENETUNREACH";
	case EMSGSIZE:		return "EMSGSIZE";
	case ENOPROTOOPT:	return "ENOPROTOOPT";
	default:		return kt_errname(e);
	}
}

/* "what: -1 ENAME" or "what: 0": a call's result, as Linux gives it. */
static inline void kt_result(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, kt_net_errname(errno));
	else
		printf("%s: %ld\n", what, r);
}

#endif
