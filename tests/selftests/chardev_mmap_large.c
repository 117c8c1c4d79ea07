// SPDX-License-Identifier: GPL-2.0-only
/*
 * chardev_mmap_large - mmap() of a region made of many order-0 blocks: the
 * worst case of mapping, one remap per block, each looking up the memtype
 * of every page it maps (PAT), all with the mmap_lock held.
 *
 * The cache is fragmented first (lib/um_frag.h: every other page freed, or
 * adjacent pairs that are not buddies) and refills are failed on purpose
 * (fault/block_alloc), so the region is built from exactly the freed
 * pages. Then: every page of the mapping must be one of them, each once,
 * as the process's page tables show (unmapped_pfnmap.ko), and a second
 * mapping must map the same frames in the same order; a process killed
 * inside mmap() must die at once and give every page back.
 *
 * Figures, as "# " lines, not asserted (TCG timing is noisy): how long
 * mmap() took, how long a thread on the same CPU waited meanwhile, how
 * long mmap() went on after a SIGKILL (how long the signal stayed
 * pending), and how many
 * physically contiguous runs the mapping has.
 *
 *   chardev_mmap_large [PAGES]	pages per region, a multiple of 256
 *				(default $UM_MMAP_LARGE_PAGES, else 32768:
 *				128 MiB in order-0 blocks)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "lib/um_frag.h"

#define PAGE		4096UL
#define MiB		(1UL << 20)

static int fd;
static long ncpu;
static long long base_in_use;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % ncpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void check_pages_back(long long held, const char *after)
{
	long long want = base_in_use + held, v;

	if (base_in_use < 0) {
		ksft_test(false, "pages back after %s (no pages_in_use in " UM_STATS ")", after);
		return;
	}
	v = um_stat_wait("pages_in_use", want, 5000);
	ksft_test(v == want, "pages back after %s (pages_in_use %lld, want %lld)", after, v, want);
}

/* A thread on the same CPU as the caller, sleeping 1 ms at a time. */
struct competitor {
	pthread_t thread;
	atomic_bool stop;
	double max_late_ms;
};

static void *compete(void *arg)
{
	struct competitor *c = arg;

	pin(0);
	while (!atomic_load(&c->stop)) {
		struct timespec ts = { 0, 1000 * 1000 };
		double t = now_ms(), late;

		nanosleep(&ts, NULL);
		late = now_ms() - t - 1;
		if (late > c->max_late_ms)
			c->max_late_ms = late;
	}
	return NULL;
}

#define MAP_TRIES	3	/* TCG timing is noisy: the best of three */

/*
 * Map @a MAP_TRIES times with a competitor on the same CPU, keeping the
 * last mapping: the fastest mmap() in *@ms, the competitor's longest wait
 * in *@late_ms. NULL on failure.
 */
static void *map_timed(const struct unmapped_alloc *a, double *ms, double *late_ms)
{
	struct competitor c = { .max_late_ms = 0 };
	struct timespec settle = { 0, 20 * 1000 * 1000 };
	void *p = MAP_FAILED;
	double t;

	pin(0);
	pthread_create(&c.thread, NULL, compete, &c);
	*ms = 1e12;
	for (int i = 0; i < MAP_TRIES; i++) {
		if (p != MAP_FAILED)
			munmap(p, a->length);
		nanosleep(&settle, NULL);
		t = now_ms();
		p = mmap(NULL, a->length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a->offset);
		t = now_ms() - t;
		if (p == MAP_FAILED)
			break;
		if (t < *ms)
			*ms = t;
	}
	nanosleep(&settle, NULL);
	atomic_store(&c.stop, true);
	pthread_join(c.thread, NULL);
	*late_ms = c.max_late_ms;
	return p == MAP_FAILED ? NULL : p;
}

/*
 * Page-table pfns of @n pages at @p: how many are not mapped, how many are
 * not in @fr's freed set or repeat one (@stray), in how many physically
 * contiguous runs they lie. 0 or -errno.
 */
static int check_pfns(void *p, size_t n, const struct um_frag *fr, uint64_t *pfns,
		      size_t *unmapped, size_t *stray, size_t *runs)
{
	uint64_t *sorted = calloc(n, sizeof(*sorted));
	int err = sorted ? um_user_pfns(getpid(), (unsigned long)p, n, pfns) : -ENOMEM;
	size_t i;

	*unmapped = *stray = *runs = 0;
	for (i = 0; !err && i < n; i++) {
		*unmapped += !pfns[i];
		*runs += !i || pfns[i] != pfns[i - 1] + 1;
	}
	if (!err) {
		memcpy(sorted, pfns, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), um_cmp_u64);
		for (i = 0; i < n; i++)
			*stray += i >= fr->nr_free || sorted[i] != fr->free_pfns[i];
	}
	free(sorted);
	return err;
}

/*
 * Whether SIGKILL is still pending for @pid's thread: it takes it on its way
 * out of the system call it is in, so this tells how long that call went
 * on (the process-wide ShdPnd keeps it until the end).
 */
static bool kill_pending(pid_t pid)
{
	unsigned long long v, mask = 0;
	char path[64], line[128], state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigPnd: %llx", &v) == 1)
			mask |= v;
		else if (sscanf(line, "State: %c", &state) == 1 && state == 'Z')
			break;
	fclose(f);
	return state != 'Z' && (mask & (1ULL << (SIGKILL - 1)));
}

/*
 * A child allocates a region of @n pages from the fragmented cache and maps
 * it; it is SIGKILLed from the other CPU 20 ms into its mmap() (@during),
 * or once mmap() has returned. Returns how long SIGKILL stayed pending, in
 * ms: how long the system call it was in went on.
 */
static double kill_child(size_t n, bool during, long long held)
{
	int ready[2], mapped[2], status = 0;
	double t, taken_ms = -1, dead_ms;
	char c = 0;
	pid_t pid;

	if (pipe(ready) || pipe(mapped)) {
		ksft_test(false, "kill: pipes");
		return -1;
	}
	pin(0);
	pid = fork();
	if (pid == 0) {
		struct unmapped_alloc a;
		void *p;

		if (um_alloc(fd, n * PAGE, 0, 0, -1, &a) || write(ready[1], "r", 1) != 1)
			_exit(1);
		p = mmap(NULL, a.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.offset);
		if (write(mapped[1], p == MAP_FAILED ? "f" : "m", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	pin(1);
	close(ready[1]);
	close(mapped[1]);
	if (read(ready[0], &c, 1) != 1 || (!during && read(mapped[0], &c, 1) != 1)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ksft_test(false, "kill: the child allocates %zu pages and maps them (status %#x)",
			  n, status);
		goto out;
	}
	if (during)
		usleep(20 * 1000);
	t = now_ms();
	kill(pid, SIGKILL);
	while (kill_pending(pid))
		;
	taken_ms = now_ms() - t;
	waitpid(pid, &status, 0);
	dead_ms = now_ms() - t;
	if (during && read(mapped[0], &c, 1) != 1)
		c = 0;
	ksft_diag("a SIGKILL %s mmap() of %zu order-0 blocks was taken %.1f ms later, the process dead %.1f ms later%s",
		  during ? "20 ms into" : "after", n, taken_ms, dead_ms,
		  !during ? "" : c == 'm' ? " (its mmap() had returned)" :
		  c == 'f' ? " (its mmap() had failed)" : "");
	ksft_test(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "a process killed %s mmap() dies of SIGKILL (status %#x)",
		  during ? "inside" : "after", status);
	check_pages_back(held, during ? "a kill inside mmap()" : "a kill after mmap()");
out:
	close(ready[0]);
	close(mapped[0]);
	pin(0);
	return taken_ms;
}

static void run_round(size_t n, enum um_frag_pattern pattern, const char *name, bool kill)
{
	size_t unmapped, stray, runs;
	struct unmapped_region rg;
	struct unmapped_alloc a;
	double ms, late_ms;
	uint64_t *pfns, *pfns2;
	struct um_frag fr;
	void *p, *p2;
	int err;

	memset(&fr, 0, sizeof(fr));
	pfns = calloc(n, sizeof(*pfns));
	pfns2 = calloc(n, sizeof(*pfns2));
	err = pfns && pfns2 ? um_frag_make(fd, n, pattern, &fr) : -ENOMEM;
	if (!ksft_test(!err, "%s: leave %zu order-0 pages free in the cache (%s)", name, n,
		       err ? strerror(-err) : "ok"))
		goto out_undo;
	err = um_fault_set("block_alloc", -1);
	if (!ksft_test(!err, "%s: fail every refill (fault/block_alloc: %s)", name,
		       err ? strerror(-err) : "ok"))
		goto out_undo;
	err = um_alloc(fd, n * PAGE, 0, 0, -1, &a);
	if (!err)
		err = um_region(fd, a.id, &rg);
	if (!ksft_test(!err && rg.nr_blocks == n && rg.max_block_order == 0,
		       "%s: ALLOC %zu MiB is made of %zu order-0 blocks (%s: %u blocks, largest order %u)",
		       name, n * PAGE / MiB, n, err ? strerror(-err) : "ok", rg.nr_blocks,
		       rg.max_block_order)) {
		if (!err)
			um_free(fd, a.id);
		goto out_disarm;
	}

	p = map_timed(&a, &ms, &late_ms);
	if (!ksft_test(p != NULL, "%s: mmap() of the region (%s)", name, p ? "ok" : strerror(errno)))
		goto out_free;
	ksft_diag("%s: mmap() of %zu order-0 blocks took %.1f ms at best of %d (%.0f ns/page); a thread on the same CPU waited up to %.1f ms",
		  name, n, ms, MAP_TRIES, ms * 1e6 / n, late_ms);
	err = check_pfns(p, n, &fr, pfns, &unmapped, &stray, &runs);
	ksft_diag("%s: the mapping lies in %zu physically contiguous runs", name, runs);
	ksft_test(!err && !unmapped && !stray,
		  "%s: every page is mapped, to a page of the region, each once (%s; %zu unmapped, %zu wrong or repeated)",
		  name, err ? strerror(-err) : "pfns read", unmapped, stray);
	p2 = mmap(NULL, a.length, PROT_READ, MAP_SHARED, fd, a.offset);
	err = p2 == MAP_FAILED ? -errno : um_user_pfns(getpid(), (unsigned long)p2, n, pfns2);
	ksft_test(!err && !memcmp(pfns, pfns2, n * sizeof(*pfns)),
		  "%s: a second mapping maps the same frames in the same order (%s)", name,
		  err ? strerror(-err) : "ok");
	if (p2 != MAP_FAILED)
		munmap(p2, a.length);
	munmap(p, a.length);
out_free:
	um_free(fd, a.id);
	if (kill) {
		double after = kill_child(n, false, fr.nr_held);
		double during = kill_child(n, true, fr.nr_held);

		ksft_diag("%s: mmap() went on %.1f ms after a SIGKILL (a process in pause(): %.1f ms)",
			  name, during, after);
	}
out_disarm:
	um_fault_set("block_alloc", 0);
out_undo:
	um_frag_undo(fd, &fr);
	free(pfns);
	free(pfns2);
	check_pages_back(0, name);
}

int main(int argc, char **argv)
{
	const char *env = getenv("UM_MMAP_LARGE_PAGES");
	size_t n = strtoul(argc > 1 ? argv[1] : env ? env : "32768", NULL, 0);
	long long max_cached;
	char old[32];
	bool loaded;

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	if (!n || n % 256)
		ksft_exit_fail("PAGES must be a positive multiple of 256");
	fd = um_frag_open();
	loaded = um_need_test_module("unmapped_pfnmap", UM_PFNMAP_PTES);
	ksft_plan(0);
	base_in_use = um_stat("pages_in_use");
	/* Keep every freed page cached: the trim would give them back. */
	max_cached = um_read_number(UM_PARAMS "max_cached_mb");
	if (max_cached < 0 || um_set_param("max_cached_mb", "0"))
		ksft_diag("cannot lift max_cached_mb: freed pages may leave the cache");

	run_round(n, UM_FRAG_SINGLES, "every other page", true);
	run_round(n, UM_FRAG_PAIRS, "adjacent pairs", false);

	snprintf(old, sizeof(old), "%lld", max_cached < 0 ? 64 : max_cached);
	um_set_param("max_cached_mb", old);
	close(fd);
	if (loaded)
		um_unload_test_module("unmapped_pfnmap");
	ksft_exit();
}
