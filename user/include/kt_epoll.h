/* kt_epoll.h: what the epoll test programs (user/lab8/ep_*) share: printing epoll_wait's
 * answers deterministically (the events by name, the caller's data as a
 * small tag, in the order the tags sort), and small wrappers. */
#ifndef KT_EPOLL_H
#define KT_EPOLL_H
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <kt.h>

static inline const char *ep_names(uint32_t ev)
{
	static char buf[128];
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ EPOLLIN, "IN" }, { EPOLLPRI, "PRI" }, { EPOLLOUT, "OUT" }, { EPOLLERR, "ERR" },
		{ EPOLLHUP, "HUP" }, { EPOLLRDNORM, "RDNORM" }, { EPOLLRDBAND, "RDBAND" },
		{ EPOLLWRNORM, "WRNORM" }, { EPOLLWRBAND, "WRBAND" }, { EPOLLRDHUP, "RDHUP" },
	};
	buf[0] = 0;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ev & names[i].bit) {
			if (buf[0])
				strcat(buf, "|");
			strcat(buf, names[i].name);
			ev &= ~names[i].bit;
		}
	if (ev)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%#x", buf[0] ? "|" : "", ev);
	return buf[0] ? buf : "none";
}

static inline int ep_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct epoll_event *)a)->data.u64, y = ((const struct epoll_event *)b)->data.u64;
	return x < y ? -1 : x > y;
}

/* epoll_wait(ep, ..., timeout_ms) and prints "what: N event(s) tag=EVENTS...". */
static inline int ep_show(const char *what, int ep, int timeout_ms)
{
	struct epoll_event ev[16];
	int n = epoll_wait(ep, ev, 16, timeout_ms);
	if (n < 0) {
		printf("%s: errno %s\n", what, kt_errname(errno));
		return n;
	}
	qsort(ev, n, sizeof(ev[0]), ep_cmp);
	printf("%s: %d", what, n);
	for (int i = 0; i < n; i++)
		printf(" %llu=%s", (unsigned long long)ev[i].data.u64, ep_names(ev[i].events));
	printf("\n");
	return n;
}

static inline int ep_add(int ep, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event e = { .events = events, .data.u64 = tag };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static inline int ep_mod(int ep, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event e = { .events = events, .data.u64 = tag };
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

/* A call that must succeed: "what: ok" or the errno. */
static inline int ep_ok(const char *what, long ret)
{
	if (ret >= 0) {
		printf("%s: ok\n", what);
		return 1;
	}
	printf("%s: errno %s\n", what, kt_errname(errno));
	++*kt_failures();
	return 0;
}
#endif
