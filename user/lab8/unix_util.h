/* unix_util.h: what the AF_UNIX test programs (unix_*.c) share: printing
 * an errno by name, and checking a call's result against Linux's. */
#ifndef UNIX_UTIL_H
#define UNIX_UTIL_H
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <kt.h>

static inline const char *u_errname(int e)
{
	switch (e) {
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case EISCONN: return "EISCONN";
	case ENOTCONN: return "ENOTCONN";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPIPE: return "EPIPE";
	case ENOTSOCK: return "ENOTSOCK";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EPROTOTYPE: return "EPROTOTYPE";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case ENOTDIR: return "ENOTDIR";
	case EDOM: return "EDOM";
	case ENOBUFS: return "ENOBUFS";
	default: return kt_errname(e);
	}
}

/* "what: result" where result is the value, or the errno's name. */
static inline void u_show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, u_errname(errno));
	else
		printf("%s: %ld\n", what, r);
}
#endif
