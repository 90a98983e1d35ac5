/* pid_threads: a glibc process with three threads reads /proc/self/task
 * (Lab 7, Part B): the list is its threads' tids; each task/TID has its
 * own stat, status and comm; Threads: and num_threads count them;
 * pthread_setname_np on another thread writes its task/TID/comm and
 * pthread_getname_np reads it back (glibc does both through /proc);
 * /proc/thread-self in a thread is its own directory; a joined thread's
 * task/TID is gone. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kt.h"
#include "kt_proc.h"

#define THREADS 3

static pthread_t threads[THREADS];
static pid_t tids[THREADS];
static int self_ok[THREADS];
static pthread_barrier_t started, done;
static char text[65536];

static void *thread_main(void *arg)
{
	int i = (int)(long)arg;
	tids[i] = gettid();
	char buf[128], want[128];
	ssize_t n = readlink("/proc/thread-self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d/task/%d", getpid(), gettid());
	self_ok[i] = !strcmp(buf, want);
	n = readlink("/proc/self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	self_ok[i] &= !strcmp(buf, want);
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&done);
	return NULL;
}

/* The tids listed in /proc/self/task: how many, and whether each is ours. */
static int listed(int *all_known)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;
	*all_known = 1;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		pid_t t = atoi(e->d_name);
		int known = t == getpid();
		for (int i = 0; i < THREADS; i++)
			known |= t == tids[i];
		*all_known &= known && e->d_type == DT_DIR;
		n++;
	}
	closedir(d);
	return n;
}

static void per_thread(int i)
{
	char path[128], v[64], want[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tids[i]);
	kt_read_file(path, text, sizeof(text));
	snprintf(want, sizeof(want), "%d (worker-%d) ", tids[i], i);
	if (!kt_check(!strncmp(text, want, strlen(want)), "task/TID/stat: the thread's tid and name"))
		printf("  %.60s\n", text);
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tids[i]);
	kt_read_file(path, text, sizeof(text));
	kt_field(text, "Pid", v, sizeof(v));
	kt_check(atoi(v) == tids[i], "task/TID/status Pid: the tid");
	kt_field(text, "Tgid", v, sizeof(v));
	kt_check(atoi(v) == getpid(), "task/TID/status Tgid: the process");
	kt_field(text, "Name", v, sizeof(v));
	snprintf(want, sizeof(want), "worker-%d", i);
	kt_check(!strcmp(v, want), "task/TID/status Name");
}

int main(void)
{
	kt_proc_mount();
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_barrier_init(&started, NULL, THREADS + 1);
	pthread_barrier_init(&done, NULL, THREADS + 1);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&threads[i], NULL, thread_main, (void *)(long)i);
	pthread_barrier_wait(&started);

	int known, n = listed(&known);
	kt_check(n == THREADS + 1 && known, "task/: the main thread and the three others");
	for (int i = 0; i < THREADS; i++)
		kt_check(self_ok[i], "a thread's /proc/thread-self and /proc/self");
	kt_read_file("/proc/self/status", text, sizeof(text));
	char v[64];
	kt_field(text, "Threads", v, sizeof(v));
	kt_check(atoi(v) == THREADS + 1, "status Threads: 4");

	for (int i = 0; i < THREADS; i++) {
		char name[16], got[16] = "";
		snprintf(name, sizeof(name), "worker-%d", i);
		kt_check(pthread_setname_np(threads[i], name) == 0, "pthread_setname_np (writes task/TID/comm)");
		kt_check(pthread_getname_np(threads[i], got, sizeof(got)) == 0 && !strcmp(got, name),
			 "pthread_getname_np reads it back");
	}
	for (int i = 0; i < THREADS; i++)
		per_thread(i);
	/* /proc/TID of a thread: not listed, yet there (the thread's view). */
	char tpath[64];
	snprintf(tpath, sizeof(tpath), "/proc/%d/status", tids[1]);
	kt_read_file(tpath, text, sizeof(text));
	kt_field(text, "Pid", v, sizeof(v));
	kt_check(atoi(v) == tids[1], "/proc/TID of a thread resolves: status Pid: the tid");
	DIR *d = opendir("/proc");
	struct dirent *e;
	int listed_tid = 0;
	while (d && (e = readdir(d)))
		listed_tid |= atoi(e->d_name) == tids[1];
	closedir(d);
	kt_check(!listed_tid, "  but /proc does not list it");
	char main_name[16] = "";
	pthread_getname_np(pthread_self(), main_name, sizeof(main_name));
	kt_check(!strcmp(main_name, "pid_threads"), "the main thread keeps its name");

	pthread_barrier_wait(&done);
	pthread_join(threads[0], NULL);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d", tids[0]);
	int gone = 0;
	for (int i = 0; i < 500 && !gone; i++) {
		if (access(path, F_OK) != 0)
			gone = 1;
		else
			kt_sleep_ms(2);
	}
	kt_check(gone, "a joined thread's task/TID is gone");
	for (int i = 1; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	return kt_status();
}
