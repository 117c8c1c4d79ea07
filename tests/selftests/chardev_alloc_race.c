// SPDX-License-Identifier: GPL-2.0-only
/*
 * chardev_alloc_race - ALLOC's reply against a FREE of the id it is about
 * to return. Ids are handed out cyclically, so another thread of the same
 * process can predict the next one and FREE it between the moment ALLOC
 * makes it visible and the moment ALLOC copies its reply out. The reply
 * must still describe the region that was allocated: the length asked
 * for, an id in range, offset == id << 40. A kernel that fills the reply
 * from a region the racing FREE already released copies freed slab memory
 * out (the strict boot's slub_debug poisons it with 0x6b; KASAN reports
 * the read).
 *
 * To make the window reachable on a voluntary-preemption kernel, the test
 * switches the scheduler to full preemption for its duration when
 * /sys/kernel/debug/sched/preempt allows it, and runs each ALLOC thread on
 * one CPU with its FREE thread, so that a tick inside ALLOC can hand the
 * CPU to the FREE thread.
 *
 * An ALLOC whose reply cannot be copied out must fail with EFAULT and
 * leave no region: it releases the id it just published by comparing the
 * region it still holds.
 *
 *   chardev_alloc_race [SECONDS]	default 10
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "lib/um_test.h"

#define PAGE		4096UL
#define ID_MAX		((1ULL << 22) - 1)
#define OFFSET_SHIFT	40
#define PREEMPT		"/sys/kernel/debug/sched/preempt"
#define NR_PAIRS	2
#define NR_PREDICT	4	/* ids past the last one the FREE thread tries */

struct pair {
	int fd;
	int cpu;
	atomic_ullong last_id;	/* the last id ALLOC returned */
	atomic_bool stop;
	/* ALLOC side */
	unsigned long rounds, bad, errors, stolen;
	struct unmapped_alloc first_bad;
	/* FREE side */
	unsigned long freed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static bool reply_ok(const struct unmapped_alloc *a)
{
	return a->length == PAGE && a->id >= 1 && a->id <= ID_MAX &&
	       a->offset == a->id << OFFSET_SHIFT;
}

static void *alloc_thread(void *arg)
{
	struct pair *p = arg;

	pin(p->cpu);
	while (!atomic_load(&p->stop)) {
		struct unmapped_alloc a;
		int err = um_alloc(p->fd, 0, UNMAPPED_ALLOC_BLOCK, 0, -1, &a);

		p->rounds++;
		if (err) {
			p->errors++;
			continue;
		}
		if (!reply_ok(&a) && !p->bad++)
			p->first_bad = a;
		atomic_store(&p->last_id, a.id);
		/* ENOENT: the FREE thread got it first. */
		if (reply_ok(&a) && um_free(p->fd, a.id) == -ENOENT)
			p->stolen++;
	}
	return NULL;
}

static void *free_thread(void *arg)
{
	struct pair *p = arg;

	pin(p->cpu);
	while (!atomic_load(&p->stop)) {
		unsigned long long next = atomic_load(&p->last_id) + 1;

		for (int i = 0; i < NR_PREDICT; i++)
			if (!um_free(p->fd, next + i))
				p->freed++;
	}
	return NULL;
}

/* ALLOC's argument in a read-only page: it is read, the reply faults. */
static void test_reply_fault(void)
{
	struct unmapped_alloc *a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct unmapped_query q;
	int fd = um_open(), err;

	if (a == MAP_FAILED || fd < 0) {
		ksft_test(false, "ALLOC with a read-only argument: set-up");
		return;
	}
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->flags = UNMAPPED_ALLOC_BLOCK;
	a->node = -1;
	mprotect(a, PAGE, PROT_READ);
	err = um_raw_ioctl(fd, UNMAPPED_IOC_ALLOC, a);
	um_query(fd, &q);
	ksft_test(err == -EFAULT && q.regions == 0 && q.bytes == 0 && q.pending_bytes == 0,
		  "ALLOC whose reply cannot be written: EFAULT (%s), no region left (%llu)",
		  strerror(-err), (unsigned long long)q.regions);
	close(fd);
	munmap(a, PAGE);
}

/* The preemption mode in use ("voluntary"), or "" if it cannot be read. */
static void preempt_mode(char *mode, size_t len)
{
	char buf[128] = "", *open, *close;
	FILE *f = fopen(PREEMPT, "re");

	mode[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f) && (open = strchr(buf, '(')) &&
	    (close = strchr(open, ')'))) {
		*close = '\0';
		snprintf(mode, len, "%s", open + 1);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10, t0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct pair pairs[NR_PAIRS];
	pthread_t th[NR_PAIRS][2];
	char old_mode[32], mode[32];
	unsigned long rounds = 0, bad = 0, stolen = 0, freed = 0, errors = 0;
	long long base_in_use;
	int i, fd;

	fd = um_open();
	if (fd < 0)
		ksft_exit_fail("cannot open %s: %s", UNMAPPED_DEVICE, strerror(-fd));
	close(fd);
	ksft_plan(0);
	base_in_use = um_stat("pages_in_use");
	test_reply_fault();

	preempt_mode(old_mode, sizeof(old_mode));
	if (old_mode[0] && strcmp(old_mode, "full"))
		um_write_file(PREEMPT, "full");
	preempt_mode(mode, sizeof(mode));
	ksft_diag("preemption: %s (was %s)", mode[0] ? mode : "unknown",
		  old_mode[0] ? old_mode : "unknown");

	memset(pairs, 0, sizeof(pairs));
	for (i = 0; i < NR_PAIRS; i++) {
		pairs[i].fd = um_open();
		pairs[i].cpu = ncpu > 0 ? i % ncpu : 0;
		if (pairs[i].fd < 0)
			ksft_exit_fail("cannot open %s again", UNMAPPED_DEVICE);
		pthread_create(&th[i][0], NULL, alloc_thread, &pairs[i]);
		pthread_create(&th[i][1], NULL, free_thread, &pairs[i]);
	}
	t0 = now();
	while (now() - t0 < seconds) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		for (i = 0, bad = 0; i < NR_PAIRS; i++)
			bad += pairs[i].bad;
		if (bad)
			break;	/* one is proof enough */
	}
	for (i = 0; i < NR_PAIRS; i++)
		atomic_store(&pairs[i].stop, true);
	for (i = 0; i < NR_PAIRS; i++) {
		struct pair *p = &pairs[i];

		pthread_join(th[i][0], NULL);
		pthread_join(th[i][1], NULL);
		if (p->bad)
			ksft_diag("CPU %d: first bad reply: length %#llx id %#llx offset %#llx",
				  p->cpu, (unsigned long long)p->first_bad.length,
				  (unsigned long long)p->first_bad.id,
				  (unsigned long long)p->first_bad.offset);
		rounds += p->rounds;
		bad += p->bad;
		stolen += p->stolen;
		freed += p->freed;
		errors += p->errors;
		close(p->fd);
	}
	if (old_mode[0] && strcmp(old_mode, mode))
		um_write_file(PREEMPT, old_mode);

	ksft_diag("%.1f s: %lu ALLOCs, %lu predicted FREEs succeeded, %lu of them before ALLOC returned its id",
		  now() - t0, rounds, freed, stolen);
	ksft_test(rounds > 0 && errors == 0, "ALLOC of one page never fails (%lu errors)", errors);
	ksft_test(freed > 0, "the FREE threads predicted and freed ids (%lu)", freed);
	ksft_test(bad == 0,
		  "every ALLOC reply is self-consistent: length 4096, id in range, offset == id << 40 (%lu bad of %lu)",
		  bad, rounds);
	if (base_in_use < 0)
		ksft_test(false, "pages back after the race (no pages_in_use in " UM_STATS ")");
	else
		ksft_test(um_stat_wait("pages_in_use", base_in_use, 5000) == base_in_use,
			  "pages back after the race (pages_in_use %lld, start %lld)",
			  um_stat("pages_in_use"), base_in_use);
	ksft_exit();
}
