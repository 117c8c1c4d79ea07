// SPDX-License-Identifier: GPL-2.0-only
/*
 * unmapped_bench.c - test-only module: the in-kernel paths of the benchmark.
 *
 * Interface: /sys/kernel/debug/unmapped_bench/run. Write one command line of
 * key=value words, then read the result as "key value" lines:
 *
 *   path=unmapped|percpu|alloc  where pages come from:
 *       unmapped  unmapped_pages_alloc_node() of unmapped.ko (whatever
 *                 backend it was loaded with; looked up with symbol_get so
 *                 this module loads without it)
 *       percpu    alloc_pages + set_direct_map_invalid_noflush per page +
 *                 one flush_tlb_kernel_range per allocation: what
 *                 memfd_secret does per fault, without a cache
 *       alloc     plain alloc_pages / __free_pages: the lower bound
 *   workload=seq|mixed|churn
 *       seq    allocate pages= order-0 pages, then free them all
 *       mixed  allocate blocks of random order 0..9 until pages= pages,
 *              then free them all
 *       churn  keep a live set of pages= pages in blocks of order 0..3 and
 *              replace steps= random blocks; the live set survives between
 *              commands (so userspace can drop caches in between) until a
 *              command with release=1
 *   pages=N iters=N threads=N steps=N seed=N release=0|1
 *
 * /sys/kernel/debug/unmapped_bench/counters reads the same exact counters
 * at any time ("call_ipis N", "tlb_ipis N", "splits_l2 N", "splits_l3 N"),
 * for the userspace paths, which cannot count IPIs exactly themselves.
 * Call-function IPIs carry kernel TLB flushes (the direct map), user-mm
 * shootdowns (munmap of a process that ran on several CPUs; tlb_ipis counts
 * those alone) and unrelated work such as the scheduler's nohz idle-balance
 * kick, which a busy CPU sends its idle sibling from the timer tick. So the
 * module also counts exactly the IPIs that flushed kernel TLB entries
 * (kernel_flush_ipis, ktest_flush.h).
 *
 * Each iteration is timed (ns_per_page_<i>); the result also gives what the
 * whole command cost in call-function IPIs (received, summed over CPUs:
 * exact) and direct-map splits. With threads=T, T kthreads run the workload on pages/T pages each
 * at once and the result adds the wall time; in seq and mixed every thread
 * holds its share until all hold theirs, so that each iteration peaks at
 * all the pages however the threads happen to overlap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/static_call.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>
#include <asm/hardirq.h>
#include <asm/tlbflush.h>

#include <linux/unmapped.h>

#include "ktest_cmd.h"
#include "ktest_counters.h"
#include "ktest_flush.h"
#include "ktest_kallsyms.h"

#define BENCH_MAX_ITERS		64
#define BENCH_MAX_THREADS	8
#define BENCH_MAX_ORDER		9

enum bench_path { PATH_UNMAPPED, PATH_PERCPU, PATH_ALLOC };
enum bench_workload { WL_SEQ, WL_MIXED, WL_CHURN };

struct bench_cmd {
	enum bench_path path;
	enum bench_workload workload;
	unsigned long pages, steps;
	unsigned int iters, threads, release;
	u64 seed;
};

struct block {
	struct page *page;
	unsigned int order;
};

/*
 * Unexported functions the percpu path needs (see PLATFORM.md), called
 * through static calls as unmapped.ko calls them (module/plat/linux/kcall.c): an
 * indirect call to them would trap on IBT machines. The prototypes give
 * the static calls their types and are never defined.
 */
unsigned long bench_proto_lookup(const char *name);
int bench_proto_set_direct_map(struct page *page);
void bench_proto_flush(unsigned long start, unsigned long end);
DEFINE_STATIC_CALL_NULL(bench_lookup, bench_proto_lookup);
DEFINE_STATIC_CALL_NULL(bench_set_invalid, bench_proto_set_direct_map);
DEFINE_STATIC_CALL_NULL(bench_set_default, bench_proto_set_direct_map);
DEFINE_STATIC_CALL_NULL(bench_flush_kernel_range, bench_proto_flush);

static struct page *(*bench_um_alloc)(int nid, gfp_t gfp, unsigned int order);
static void (*bench_um_free)(struct page *page, unsigned int order);

static int bench_run(char *line);
DEFINE_KTEST_CMD(bench_cmd, 4096, 256, bench_run);
static struct block *churn_live;	/* churn live set, kept between commands */
static unsigned long churn_nr;
static enum bench_path churn_path;

/* Bind the static calls; kallsyms_lookup_name's address from a kprobe. */
static int bench_resolve(void)
{
	unsigned long addr = ktest_kallsyms_lookup_name_addr();
	unsigned long inv, def, flush;

	if (!addr)
		return -ENOENT;
	static_call_update(bench_lookup, (typeof(&bench_proto_lookup))addr);
	inv = static_call(bench_lookup)("set_direct_map_invalid_noflush");
	def = static_call(bench_lookup)("set_direct_map_default_noflush");
	flush = static_call(bench_lookup)("flush_tlb_kernel_range");
	if (!inv || !def || !flush)
		return -ENOENT;
	static_call_update(bench_set_invalid, (typeof(&bench_proto_set_direct_map))inv);
	static_call_update(bench_set_default, (typeof(&bench_proto_set_direct_map))def);
	static_call_update(bench_flush_kernel_range, (typeof(&bench_proto_flush))flush);
	return 0;
}

/* --- the three paths ------------------------------------------------- */

static struct page *path_alloc(enum bench_path path, unsigned int order)
{
	struct page *page;
	unsigned int i;

	switch (path) {
	case PATH_UNMAPPED:
		return bench_um_alloc(NUMA_NO_NODE, GFP_KERNEL, order);
	case PATH_PERCPU:
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		if (!page)
			return NULL;
		for (i = 0; i < (1U << order); i++) {
			if (static_call(bench_set_invalid)(page + i)) {
				while (i--)
					static_call(bench_set_default)(page + i);
				__free_pages(page, order);
				return NULL;
			}
		}
		static_call(bench_flush_kernel_range)((unsigned long)page_address(page),
			(unsigned long)page_address(page) + (PAGE_SIZE << order));
		return page;
	case PATH_ALLOC:
		return alloc_pages(GFP_KERNEL, order);
	}
	return NULL;
}

static void path_free(enum bench_path path, struct page *page, unsigned int order)
{
	unsigned int i;

	switch (path) {
	case PATH_UNMAPPED:
		bench_um_free(page, order);
		break;
	case PATH_PERCPU:
		/* As secretmem: back into the direct map, then to the allocator. */
		for (i = 0; i < (1U << order); i++)
			static_call(bench_set_default)(page + i);
		__free_pages(page, order);
		break;
	case PATH_ALLOC:
		__free_pages(page, order);
		break;
	}
}

/* --- workloads --------------------------------------------------------- */

/* The threads of one command: each iteration's fill ends when all filled. */
struct bench_hold {
	unsigned int threads;
	atomic_t filled[BENCH_MAX_ITERS];
};

struct bench_run {
	const struct bench_cmd *cmd;
	struct bench_hold *hold;	/* NULL on one thread */
	unsigned long pages;		/* this thread's share */
	u64 seed;
	u64 ns[BENCH_MAX_ITERS];	/* per iteration */
	unsigned long done;		/* pages handed out per iteration */
	int err;
	struct completion started, go, finished;
};

static unsigned int random_order(struct rnd_state *rnd, unsigned int max)
{
	return prandom_u32_state(rnd) % (max + 1);
}

/*
 * Iteration @it's fill is done here (or will never be: @wait false, after
 * an error); with @wait, until every thread's is.
 */
static void hold_filled(struct bench_run *run, unsigned int it, bool wait)
{
	atomic_t *filled;

	if (!run->hold)
		return;
	filled = &run->hold->filled[it];
	atomic_inc(filled);
	wake_up_var(filled);
	if (wait)
		wait_var_event(filled, atomic_read(filled) >= run->hold->threads);
}

/* Allocate until @want pages are live, then (all threads so) free everything. */
static int run_fill_free(struct bench_run *run, unsigned int max_order,
			 struct rnd_state *rnd, unsigned int it, u64 *ns)
{
	const struct bench_cmd *cmd = run->cmd;
	struct block *blocks;
	unsigned long nr = 0, have = 0;
	u64 t0;
	int err = 0;

	blocks = kvmalloc_array(run->pages, sizeof(*blocks), GFP_KERNEL);
	if (!blocks) {
		hold_filled(run, it, false);
		return -ENOMEM;
	}
	t0 = ktime_get_ns();
	while (have < run->pages) {
		unsigned int order = max_order ? random_order(rnd, max_order) : 0;

		while (have + (1UL << order) > run->pages)
			order--;
		blocks[nr].page = path_alloc(cmd->path, order);
		if (!blocks[nr].page) {
			err = -ENOMEM;
			break;
		}
		blocks[nr++].order = order;
		have += 1UL << order;
	}
	/* Also after a failed fill: the other threads wait for this one. */
	hold_filled(run, it, true);
	while (nr--)
		path_free(cmd->path, blocks[nr].page, blocks[nr].order);
	*ns = ktime_get_ns() - t0;
	run->done = have;
	kvfree(blocks);
	return err;
}

/* Churn: replace @steps random blocks of a live set of run->pages pages. */
static int run_churn(struct bench_run *run, struct rnd_state *rnd, u64 *ns)
{
	const struct bench_cmd *cmd = run->cmd;
	unsigned long i, have = 0, handed = 0;
	u64 t0 = ktime_get_ns();

	if (!churn_live) {
		churn_live = kvmalloc_array(run->pages, sizeof(*churn_live), GFP_KERNEL);
		if (!churn_live)
			return -ENOMEM;
		churn_path = cmd->path;
		churn_nr = 0;
		while (have < run->pages) {
			unsigned int order = random_order(rnd, 3);

			while (have + (1UL << order) > run->pages)
				order--;
			churn_live[churn_nr].page = path_alloc(cmd->path, order);
			if (!churn_live[churn_nr].page)
				return -ENOMEM;
			churn_live[churn_nr++].order = order;
			have += 1UL << order;
			handed += 1UL << order;
		}
	}
	for (i = 0; i < cmd->steps && churn_nr; i++) {
		struct block *b = &churn_live[prandom_u32_state(rnd) % churn_nr];
		unsigned int order = b->order;	/* same size keeps the set stable */

		path_free(churn_path, b->page, b->order);
		b->page = path_alloc(churn_path, order);
		if (!b->page) {
			*b = churn_live[--churn_nr];
			return -ENOMEM;
		}
		handed += 1UL << order;
	}
	*ns = ktime_get_ns() - t0;
	run->done = handed;
	return 0;
}

static void churn_release(void)
{
	while (churn_nr--)
		path_free(churn_path, churn_live[churn_nr].page, churn_live[churn_nr].order);
	kvfree(churn_live);
	churn_live = NULL;
	churn_nr = 0;
}

static int run_iterations(struct bench_run *run)
{
	const struct bench_cmd *cmd = run->cmd;
	struct rnd_state rnd;
	unsigned int it;
	int err = 0;

	prandom_seed_state(&rnd, run->seed);
	for (it = 0; it < cmd->iters && !err; it++) {
		switch (cmd->workload) {
		case WL_SEQ:
			err = run_fill_free(run, 0, &rnd, it, &run->ns[it]);
			break;
		case WL_MIXED:
			err = run_fill_free(run, BENCH_MAX_ORDER, &rnd, it, &run->ns[it]);
			break;
		case WL_CHURN:
			err = run_churn(run, &rnd, &run->ns[it]);
			break;
		}
		cond_resched();
	}
	/* Stopped early: the others must not wait for these iterations. */
	for (; it < cmd->iters; it++)
		hold_filled(run, it, false);
	return err;
}

static int bench_thread(void *arg)
{
	struct bench_run *run = arg;

	complete(&run->started);
	wait_for_completion(&run->go);
	run->err = run_iterations(run);
	complete(&run->finished);
	return 0;
}

/* --- measurement ------------------------------------------------------- */

struct counters {
	struct ktest_counters k;
	u64 kernel_flush_ipis;	/* kernel TLB flushes run by an IPI */
};

static void read_counters(struct counters *c)
{
	ktest_read_counters(&c->k);
	c->kernel_flush_ipis = ktest_flush_ipis();
}

static const char *const path_names[] = { "unmapped", "percpu", "alloc" };
static const char *const workload_names[] = { "seq", "mixed", "churn" };

static int run_command(const struct bench_cmd *cmd)
{
	struct bench_run *runs;
	struct bench_hold *hold = NULL;
	struct counters before, after;
	u64 wall;
	unsigned long done = 0;
	unsigned int t, it;
	int err = 0;

	if (cmd->workload == WL_CHURN && churn_live && churn_path != cmd->path)
		return -EBUSY;
	if (cmd->workload == WL_CHURN && cmd->threads != 1)
		return -EINVAL;
	runs = kcalloc(cmd->threads, sizeof(*runs), GFP_KERNEL);
	if (cmd->threads > 1)
		hold = kzalloc(sizeof(*hold), GFP_KERNEL);
	if (!runs || (cmd->threads > 1 && !hold)) {
		err = -ENOMEM;
		goto out;
	}

	ktest_settle();
	read_counters(&before);
	wall = ktime_get_ns();
	if (cmd->threads == 1) {
		runs[0].cmd = cmd;
		runs[0].pages = cmd->pages;
		runs[0].seed = cmd->seed;
		err = run_iterations(&runs[0]);
	} else {
		unsigned int started = 0;

		for (t = 0; t < cmd->threads; t++) {
			struct task_struct *task;

			runs[t].cmd = cmd;
			runs[t].hold = hold;
			runs[t].pages = cmd->pages / cmd->threads;
			runs[t].seed = cmd->seed + t;
			init_completion(&runs[t].started);
			init_completion(&runs[t].go);
			init_completion(&runs[t].finished);
			task = kthread_run(bench_thread, &runs[t], "um_bench/%u", t);
			if (IS_ERR(task)) {
				err = PTR_ERR(task);
				break;
			}
			wait_for_completion(&runs[t].started);
			started++;
		}
		/* Start them together so the wall time measures overlap. */
		hold->threads = started;
		wall = ktime_get_ns();
		for (t = 0; t < started; t++)
			complete(&runs[t].go);
		for (t = 0; t < started; t++) {
			wait_for_completion(&runs[t].finished);
			if (runs[t].err && !err)
				err = runs[t].err;
		}
	}
	wall = ktime_get_ns() - wall;
	read_counters(&after);
	if (cmd->workload == WL_CHURN && cmd->release)
		churn_release();
	if (err)
		goto out;

	/* Per-iteration ns/page: threads' iterations run side by side. */
	done = 0;
	for (t = 0; t < cmd->threads; t++)
		done += runs[t].done;
	ktest_emit(&bench_cmd, "path %s\nworkload %s\nthreads %u\niters %u\n",
	     path_names[cmd->path], workload_names[cmd->workload],
	     cmd->threads, cmd->iters);
	ktest_emit(&bench_cmd, "pages_per_iter %lu\nwall_ns %llu\n", done, wall);
	ktest_emit(&bench_cmd, "call_ipis %llu\n", after.k.call_ipis - before.k.call_ipis);
	ktest_emit(&bench_cmd, "kernel_flush_ipis %llu\n",
	     after.kernel_flush_ipis - before.kernel_flush_ipis);
	ktest_emit(&bench_cmd, "splits_l2 %llu\nsplits_l3 %llu\n",
	     after.k.splits_l2 - before.k.splits_l2,
	     after.k.splits_l3 - before.k.splits_l3);
	ktest_emit(&bench_cmd, "churn_live_pages %lu\n", churn_live ? cmd->pages : 0);
	for (it = 0; it < cmd->iters; it++) {
		u64 worst = 0;

		for (t = 0; t < cmd->threads; t++)
			worst = max(worst, runs[t].ns[it]);
		ktest_emit(&bench_cmd, "ns_per_page_%u %llu\n", it,
		     div64_u64(worst, max(done, 1UL)));
	}

out:
	kfree(hold);
	kfree(runs);
	return err;
}

/* --- debugfs ----------------------------------------------------------- */

static int parse_command(char *line, struct bench_cmd *cmd)
{
	char *word;

	*cmd = (struct bench_cmd){ .pages = 4096, .iters = 5, .threads = 1,
				   .steps = 4096, .seed = 1 };
	while ((word = strsep(&line, " \t\n")) != NULL) {
		char *val;
		int i;

		if (!*word)
			continue;
		val = strchr(word, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(word, "path")) {
			i = match_string(path_names, ARRAY_SIZE(path_names), val);
			if (i < 0)
				return -EINVAL;
			cmd->path = i;
		} else if (!strcmp(word, "workload")) {
			i = match_string(workload_names, ARRAY_SIZE(workload_names), val);
			if (i < 0)
				return -EINVAL;
			cmd->workload = i;
		} else if (!strcmp(word, "pages")) {
			if (kstrtoul(val, 0, &cmd->pages))
				return -EINVAL;
		} else if (!strcmp(word, "steps")) {
			if (kstrtoul(val, 0, &cmd->steps))
				return -EINVAL;
		} else if (!strcmp(word, "iters")) {
			if (kstrtouint(val, 0, &cmd->iters))
				return -EINVAL;
		} else if (!strcmp(word, "threads")) {
			if (kstrtouint(val, 0, &cmd->threads))
				return -EINVAL;
		} else if (!strcmp(word, "release")) {
			if (kstrtouint(val, 0, &cmd->release))
				return -EINVAL;
		} else if (!strcmp(word, "seed")) {
			if (kstrtou64(val, 0, &cmd->seed))
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	/* A week of TCG is not a benchmark: keep requests bounded. */
	if (!cmd->pages || cmd->pages > (4UL << 20) || !cmd->iters ||
	    cmd->iters > BENCH_MAX_ITERS || !cmd->threads ||
	    cmd->threads > BENCH_MAX_THREADS || cmd->pages < cmd->threads ||
	    cmd->steps > (16UL << 20))
		return -EINVAL;
	return 0;
}

/* Runs under bench_cmd.lock (ktest_cmd.h). */
static int bench_run(char *line)
{
	struct bench_cmd cmd;
	int err;

	err = parse_command(line, &cmd);
	if (err)
		return err;
	if (cmd.path == PATH_UNMAPPED && !bench_um_alloc) {
		bench_um_alloc = symbol_get(unmapped_pages_alloc_node);
		bench_um_free = symbol_get(unmapped_pages_free);
		if (!bench_um_alloc || !bench_um_free) {
			if (bench_um_alloc)
				symbol_put(unmapped_pages_alloc_node);
			if (bench_um_free)
				symbol_put(unmapped_pages_free);
			bench_um_alloc = NULL;
			bench_um_free = NULL;
			return -ENOENT;	/* unmapped.ko is not loaded */
		}
	}
	return run_command(&cmd);
}

/*
 * A read ends one measurement window and starts the next. Work the path
 * queued (a trim, a delayed fput) is its own: it runs before the end is
 * read. The purge of the vmap areas freed lazily meanwhile runs between
 * the end and the start, and its IPIs are shown apart (purge_*): those
 * areas are the stacks of threads that exited, and the threads workload
 * starts and ends its threads inside every pass, a cost of the harness
 * that every path pays alike. Without the purge here, the path's next
 * set_memory_*() would pay it (6.1 and 6.12 purge in every CPA call).
 */
static int counters_show(struct seq_file *m, void *unused)
{
	struct counters end, c;

	ktest_flush_work();
	mutex_lock(&bench_cmd.lock);
	read_counters(&end);
	vm_unmap_aliases();
	read_counters(&c);
	mutex_unlock(&bench_cmd.lock);
	seq_printf(m, "call_ipis %llu\ntlb_ipis %llu\nkernel_flush_ipis %llu\n"
		   "splits_l2 %llu\nsplits_l3 %llu\n", c.k.call_ipis, c.k.tlb_ipis,
		   c.kernel_flush_ipis, c.k.splits_l2, c.k.splits_l3);
	seq_printf(m, "purge_call_ipis %llu\npurge_flush_ipis %llu\n",
		   c.k.call_ipis - end.k.call_ipis,
		   c.kernel_flush_ipis - end.kernel_flush_ipis);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static struct dentry *bench_dir;

static int __init bench_init(void)
{
	int err;

	if (bench_resolve()) {
		pr_err("cannot resolve the direct-map functions\n");
		return -ENOENT;
	}
	err = ktest_flush_init();
	if (err) {
		pr_err("cannot probe the TLB flush callbacks: %d\n", err);
		return err;
	}
	bench_dir = debugfs_create_dir("unmapped_bench", NULL);
	ktest_cmd_create("run", 0600, bench_dir, &bench_cmd);
	debugfs_create_file("counters", 0400, bench_dir, NULL, &counters_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	ktest_flush_exit();
	if (churn_live)
		churn_release();
	if (bench_um_alloc) {
		symbol_put(unmapped_pages_alloc_node);
		symbol_put(unmapped_pages_free);
	}
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("unmapped benchmark: in-kernel allocation paths");
