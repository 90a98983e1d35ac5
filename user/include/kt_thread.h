/* kt_thread.h: for the thread tests (Lab 6). A kernel without threads
 * must fail them at once, not leave them waiting for threads that never
 * ran until the grader's timeout: kt_threads_or_exit() starts one thread
 * and joins it, and ends the program if that does not work. */
#ifndef KT_THREAD_H
#define KT_THREAD_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int kt_thread_token;

static void *kt_thread_ret(void *arg)
{
	return arg;
}

static inline void kt_threads_or_exit(void)
{
	pthread_t t;
	void *ret = NULL;
	int r = pthread_create(&t, NULL, kt_thread_ret, &kt_thread_token);
	if (r == 0)
		r = pthread_join(t, &ret);
	if (r != 0 || ret != &kt_thread_token) {
		printf("a first thread, created and joined: BAD (%s)\n", r ? strerror(r) : "wrong value");
		exit(1);
	}
	printf("a first thread, created and joined: ok\n");
}

#endif
