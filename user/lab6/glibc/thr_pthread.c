/* Lab 6, Part A: glibc's pthread_create and pthread_join (clone3 or
 * clone with CLONE_THREAD, CLONE_CHILD_CLEARTID and a futex wait), and
 * what threads share: memory, descriptors, the pid. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include "kt.h"

#define NTHREADS 8

static int counter;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t main_pid, main_tid;

struct result {
	int same_pid, own_tid, fd;
};

static void *worker(void *arg)
{
	struct result *r = arg;
	r->same_pid = getpid() == main_pid;
	r->own_tid = syscall(SYS_gettid) != main_tid;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	r->fd = open("/", O_RDONLY | O_DIRECTORY);     /* seen by the others: CLONE_FILES */
	return r;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	main_pid = getpid();
	main_tid = syscall(SYS_gettid);
	kt_check(main_pid == main_tid, "the main thread's tid is the pid");
	pthread_t th[NTHREADS];
	struct result res[NTHREADS];
	memset(res, 0, sizeof(res));
	int created = 0;
	for (int i = 0; i < NTHREADS; i++)
		created += pthread_create(&th[i], NULL, worker, &res[i]) == 0;
	kt_check_eq("threads created", created, NTHREADS);
	int joined = 0, same_pid = 0, own_tid = 0, fds = 0;
	for (int i = 0; i < created; i++) {
		void *ret;
		if (pthread_join(th[i], &ret) == 0 && ret == &res[i])
			joined++;
		same_pid += res[i].same_pid;
		own_tid += res[i].own_tid;
		if (res[i].fd >= 0 && fcntl(res[i].fd, F_GETFD) >= 0) {
			fds++;
			close(res[i].fd);
		}
	}
	kt_check_eq("threads joined with their results", joined, NTHREADS);
	kt_check_eq("getpid in a thread is the process's", same_pid, NTHREADS);
	kt_check_eq("gettid in a thread is its own", own_tid, NTHREADS);
	kt_check_eq("a thread's open file is the process's", fds, NTHREADS);
	kt_check_eq("counter under a mutex", counter, NTHREADS * 1000);
	/* One process: wait finds no child. */
	kt_check(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD, "threads are not children");
	return kt_status();
}
