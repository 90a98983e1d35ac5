/* ep_threads: epoll with several threads and processes, against Linux:
 * wake-ups from writers in other threads and processes, threads sharing
 * one epoll (an edge-triggered event goes to one of them, a
 * level-triggered one to all), EPOLLEXCLUSIVE with one epoll per waiting
 * process (not all of them wake), no lost wake-up while four writers
 * race one edge-triggered reader, signals (EINTR even with SA_RESTART,
 * epoll_pwait's mask in force only during the call, SIGKILL). */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <kt_epoll.h>

/* --- threads sharing one epoll ---------------------------------------------- */

static int shared_ep;
static int events_seen;         /* atomic */

static void *waiter(void *arg)
{
	(void)arg;
	struct epoll_event ev;
	if (epoll_wait(shared_ep, &ev, 1, 800) == 1)
		__atomic_add_fetch(&events_seen, 1, __ATOMIC_RELAXED);
	return NULL;
}

static int run_waiters(uint32_t how)
{
	enum { N = 4 };
	int p[2];
	pipe(p);
	shared_ep = epoll_create1(0);
	ep_add(shared_ep, p[0], EPOLLIN | how, 1);
	events_seen = 0;
	pthread_t t[N];
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, waiter, NULL);
	kt_sleep_ms(300);               /* all asleep in epoll_wait */
	write(p[1], "x", 1);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	close(p[0]), close(p[1]), close(shared_ep);
	return events_seen;
}

static void shared_epoll(void)
{
	printf("ET, 4 threads on one epoll, one write: %d thread(s) got it\n", run_waiters(EPOLLET));
	printf("LT, 4 threads on one epoll, one write: %d thread(s) got it\n", run_waiters(0));
}

/* --- a writer thread and a writer process --------------------------------------- */

static int wpipe;

static void *late_writer(void *arg)
{
	(void)arg;
	kt_sleep_ms(50);
	write(wpipe, "t", 1);
	return NULL;
}

static void writers(void)
{
	int p[2], ep = epoll_create1(0);
	pipe(p);
	ep_add(ep, p[0], EPOLLIN | EPOLLET, 2);
	wpipe = p[1];
	pthread_t t;
	pthread_create(&t, NULL, late_writer, NULL);
	ep_show("a thread writes while we wait", ep, 5000);
	pthread_join(t, NULL);
	pid_t pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(50);
		write(p[1], "p", 1);
		_exit(0);
	}
	ep_show("a process writes while we wait", ep, 5000);
	waitpid(pid, NULL, 0);
	pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(50);
		_exit(0);               /* its copy of the write end goes: not the last */
	}
	waitpid(pid, NULL, 0);
	ep_show("a process closed its copy of the write end", ep, 0);
	pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(50);
		_exit(0);
	}
	close(p[1]);                    /* the child's copy is the last */
	ep_show("the last writer exits while we wait", ep, 5000);
	waitpid(pid, NULL, 0);
	close(p[0]), close(ep);
}

/* --- EPOLLEXCLUSIVE: one epoll per process, all on one pipe ---------------------- */

static void exclusive(void)
{
	enum { N = 4 };
	int p[2], ready[2], result[2];
	pipe(p), pipe(ready), pipe(result);
	for (int i = 0; i < N; i++) {
		if (kt_fork() == 0) {
			int ep = epoll_create1(0);
			ep_add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 3);
			write(ready[1], "r", 1);
			struct epoll_event ev;
			int n = epoll_wait(ep, &ev, 1, 800);
			write(result[1], n == 1 ? "W" : "T", 1);
			_exit(0);
		}
	}
	char c;
	for (int i = 0; i < N; i++)
		read(ready[0], &c, 1);
	kt_sleep_ms(300);               /* all asleep in epoll_wait */
	write(p[1], "x", 1);
	int woken = 0;
	for (int i = 0; i < N; i++) {
		read(result[0], &c, 1);
		woken += c == 'W';
	}
	while (wait(NULL) > 0)
		;
	printf("EXCLUSIVE, %d processes: at least one woke: %s, not all woke: %s\n", N,
	       woken >= 1 ? "yes" : "no", woken < N ? "yes" : "no");
	close(p[0]), close(p[1]), close(ready[0]), close(ready[1]), close(result[0]), close(result[1]);
}

/* --- four writers, one edge-triggered reader --------------------------------------- */

enum { WRITERS = 4, BYTES = 400 };
static int race_pipes[WRITERS][2];

static void *race_writer(void *arg)
{
	int i = (int)(long)arg;
	for (int n = 0; n < BYTES; n++) {
		write(race_pipes[i][1], "b", 1);
		if (n % 64 == 0)
			sched_yield();
	}
	return NULL;
}

static void race(void)
{
	int ep = epoll_create1(0);
	for (int i = 0; i < WRITERS; i++) {
		pipe(race_pipes[i]);
		fcntl(race_pipes[i][0], F_SETFL, O_NONBLOCK);
		ep_add(ep, race_pipes[i][0], EPOLLIN | EPOLLET, i);
	}
	pthread_t t[WRITERS];
	for (int i = 0; i < WRITERS; i++)
		pthread_create(&t[i], NULL, race_writer, (void *)(long)i);
	long total = 0;
	int stuck = 0;
	while (total < WRITERS * BYTES) {
		struct epoll_event ev[WRITERS];
		int n = epoll_wait(ep, ev, WRITERS, 3000);
		if (n <= 0) {
			stuck = 1;          /* a lost wake-up: the data sits there */
			break;
		}
		for (int k = 0; k < n; k++) {
			char buf[256];
			ssize_t got;
			/* Edge-triggered: read until EAGAIN, or miss the rest. */
			while ((got = read(race_pipes[ev[k].data.u64][0], buf, sizeof(buf))) > 0)
				total += got;
		}
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	printf("4 writers, ET reader: %ld bytes read, no lost wake-up: %s\n", total, stuck ? "no" : "yes");
	for (int i = 0; i < WRITERS; i++)
		close(race_pipes[i][0]), close(race_pipes[i][1]);
	close(ep);
}

/* --- signals ----------------------------------------------------------------------------- */

static volatile int handled;
static void on_signal(int sig) { (void)sig; handled++; }

static void signals_child(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	int ep = epoll_create1(0);
	struct epoll_event ev;
	struct itimerval it = { .it_value = { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	kt_expect_err("wait -1, SIGALRM with SA_RESTART", epoll_wait(ep, &ev, 1, -1), EINTR);
	printf("handler ran: %d\n", handled);

	/* SIGUSR1 blocked and pending; the call's mask lets it in. */
	sigset_t usr1, none, now;
	sigemptyset(&usr1), sigemptyset(&none);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	kill(getpid(), SIGUSR1);
	handled = 0;
	kt_expect_err("pwait, mask lets a pending signal in", epoll_pwait(ep, &ev, 1, 1000, &none), EINTR);
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("handler ran: %d, SIGUSR1 blocked again after: %s\n", handled,
	       sigismember(&now, SIGUSR1) ? "yes" : "no");

	/* The call's mask blocks SIGALRM: the wait runs to its timeout, and
	 * the signal is handled after. */
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigaddset(&alrm, SIGUSR1);
	handled = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	int n = epoll_pwait(ep, &ev, 1, 200, &alrm);
	printf("pwait, mask blocks SIGALRM: %d, handled during: %d\n", n, handled);
	kt_sleep_ms(100);
	printf("handled after: %d\n", handled);
	_exit(kt_status());
}

static void signals(void)
{
	pid_t pid = kt_fork();
	if (pid == 0)
		signals_child();
	int status;
	waitpid(pid, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "signal checks");

	/* SIGKILL ends a wait that nothing else would. */
	int ep = epoll_create1(0), p[2];
	pipe(p);
	ep_add(ep, p[0], EPOLLIN, 4);
	pid = kt_fork();
	if (pid == 0) {
		struct epoll_event ev;
		epoll_wait(ep, &ev, 1, -1);
		_exit(0);
	}
	kt_sleep_ms(100);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	printf("SIGKILL ends epoll_wait: %s\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "yes" : "no");
	close(p[0]), close(p[1]), close(ep);
}

static void run(void)
{
	shared_epoll();
	writers();
	exclusive();
	race();
	signals();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return kt_run_in_session(run);
}
