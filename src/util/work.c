#include "util/work.h"

#include <pthread.h>
#include <stdatomic.h>

#define WORK_MAX_THREADS 8

struct work {
	size_t n;
	atomic_size_t next;
	void (*fn)(size_t i, void *arg);
	void *arg;
};

static void *
work_run(void *p)
{
	struct work *w = p;
	size_t i;

	while ((i = atomic_fetch_add(&w->next, 1)) < w->n)
		w->fn(i, w->arg);
	return NULL;
}

void
work_for(size_t n, unsigned nthreads, void (*fn)(size_t i, void *arg), void *arg)
{
	pthread_t threads[WORK_MAX_THREADS];
	struct work w;
	unsigned t, started = 0;

	w.n = n;
	atomic_init(&w.next, 0);
	w.fn = fn;
	w.arg = arg;
	if (nthreads > WORK_MAX_THREADS)
		nthreads = WORK_MAX_THREADS;
	for (t = 1; t < nthreads && n > 1; t++) {
		if (pthread_create(&threads[started], NULL, work_run, &w) == 0)
			started++;
	}
	work_run(&w);
	for (t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
}
