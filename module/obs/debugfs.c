// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs.c - /sys/kernel/debug/unmapped/: what the cache holds.
 *
 *   pagetypeinfo  free blocks per node per order, laid out like
 *                 /proc/pagetypeinfo, then cached/in-use/free pages per node
 *   stats         "name value" per line: every core counter summed over the
 *                 nodes, per-order allocs/frees/refills/free blocks
 *                 ("allocs_order_3 N"), the shim's own counters (the lists
 *                 are obs_stats.h; netlink GET_STATS sends the same) and
 *                 "backend range|page" (the backend for new blocks)
 *   blocks        one line per block held from the page allocator, node by
 *                 node in pfn order: pfn range, order, node, free/used/
 *                 released pages, backend, and the direct map as
 *                 lookup_address() sees it now: the entry size(s) covering
 *                 the block and how many pages are present. Read in
 *                 batches, so a reader never holds a node lock for long
 *   kernel_calls  the unexported kernel functions and how they are called:
 *                 IBT or not, and per function its address, the target of
 *                 its static call trampoline and whether the kernel sealed
 *                 its ENDBR (kcall.c)
 *   scrub         where the per-CPU scrub windows are (platform_scrub.c)
 *   fault/        injected failures, for tests (fault.c)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "compat.h"
#include "fault.h"
#include "main.h"
#include "obs.h"
#include "platform.h"

static struct dentry *um_debugfs_dir;

static int um_pagetypeinfo_show(struct seq_file *m, void *unused)
{
	struct um_cache *cache = m->private;
	struct um_stats *st;
	int nid, order;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	seq_printf(m, "Page block order: %d\n", UM_PMD_ORDER);
	seq_printf(m, "Pages per block:  %d\n\n", 1 << UM_PMD_ORDER);
	seq_printf(m, "%-43s", "Free blocks count per node at order");
	for (order = 0; order < UM_MAX_ORDER; order++)
		seq_printf(m, "%6d ", order);
	seq_putc(m, '\n');
	for (nid = 0; nid < um_cache_nodes(cache); nid++) {
		if (um_cache_stats(cache, nid, st))
			continue;
		seq_printf(m, "Node %4d, cache %8s, type %12s ", nid, "unmapped",
			   "Free");
		for (order = 0; order < UM_MAX_ORDER; order++)
			seq_printf(m, "%6llu ", st->nr_free[order]);
		seq_putc(m, '\n');
	}
	seq_printf(m, "\n%-43s%12s %12s %12s\n", "Pages per node", "cached",
		   "in use", "free");
	for (nid = 0; nid < um_cache_nodes(cache); nid++) {
		if (um_cache_stats(cache, nid, st))
			continue;
		seq_printf(m, "Node %4d %33s%12llu %12llu %12llu\n", nid, "",
			   st->v[UM_STAT_pages_cached], st->v[UM_STAT_pages_in_use],
			   st->v[UM_STAT_pages_free]);
	}
	kfree(st);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(um_pagetypeinfo);

static int um_stats_show(struct seq_file *m, void *unused)
{
	struct um_cache *cache = m->private;
	u64 sv[UM_SHIM_STAT_NR];
	unsigned int i, order;
	struct um_config cfg;
	struct um_stats *st;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	um_cache_stats(cache, UM_NUMA_NO_NODE, st);
	for (i = 0; i < UM_STAT_NR; i++)
		seq_printf(m, "%s %llu\n", um_stat_name(i), st->v[i]);
	for (i = 0; i < UM_ORDER_STAT_NR; i++)
		for (order = 0; order < UM_MAX_ORDER; order++)
			seq_printf(m, "%s_%u %llu\n", um_order_stat_name(i),
				   order, um_order_stat(st, i)[order]);
	um_shim_stats(sv);
	for (i = 0; i < UM_SHIM_STAT_NR; i++)
		seq_printf(m, "%s %llu\n", um_shim_stat_name(i), sv[i]);
	um_cache_get_config(cache, &cfg);
	seq_printf(m, "backend %s\n", um_backend_name(cfg.backend));
	kfree(st);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(um_stats);

static const char *um_level_name(unsigned int level)
{
	switch (level) {
	case PG_LEVEL_4K:
		return "4K";
	case PG_LEVEL_2M:
		return "2M";
	case PG_LEVEL_1G:
		return "1G";
	default:
		return "none";
	}
}

/* Pages from @addr to the end of the mapping of @level that covers it. */
static unsigned long um_pages_to_entry_end(unsigned long addr,
					   unsigned int level)
{
	unsigned long size = level == PG_LEVEL_1G ? PUD_SIZE :
			     level == PG_LEVEL_2M ? PMD_SIZE : PAGE_SIZE;

	return (ALIGN(addr + 1, size) - addr) >> PAGE_SHIFT;
}

/* The direct map under one block, as lookup_address() sees it now. */
struct um_blocks_dm {
	unsigned long present;		/* pages present */
	unsigned int lo, hi;		/* smallest and largest entry level */
};

/*
 * blocks: the cache walked in batches of UM_BLOCKS_PER_LOCK blocks, each
 * batch copied under one node lock hold (um_cache_blocks()) and looked up
 * in the page tables after that lock is dropped. The iterator keeps the
 * batch and the walk's cursor between reads, so seq_file goes on where the
 * last read stopped, and a line that did not fit the buffer is printed
 * again from the batch: the cache is walked once per pass over the file,
 * not once per buffer. A seek back starts the walk over.
 */
struct um_blocks_iter {
	struct um_cache *cache;
	struct um_block_cursor cur;
	loff_t first;			/* file position of batch[0] */
	unsigned int nr;		/* blocks in the batch */
	bool done;			/* the walk is over */
	struct um_block_info batch[UM_BLOCKS_PER_LOCK];
	struct um_blocks_dm dm[UM_BLOCKS_PER_LOCK];
};

static void um_blocks_lookup(const struct um_block_info *b,
			     struct um_blocks_dm *dm)
{
	unsigned long nr = 1UL << b->order, i = 0, step;

	dm->present = 0;
	dm->lo = PG_LEVEL_NUM;
	dm->hi = PG_LEVEL_NONE;
	while (i < nr) {
		unsigned long addr = (unsigned long)pfn_to_kaddr(b->pfn + i);
		unsigned int level = PG_LEVEL_NONE;
		pte_t *pte = lookup_address(addr, &level);

		step = min(nr - i, um_pages_to_entry_end(addr, level));
		if (pte && (pte_flags(*pte) & _PAGE_PRESENT))
			dm->present += step;
		dm->lo = min(dm->lo, level);
		dm->hi = max(dm->hi, level);
		i += step;
	}
}

/* The next batch, with no lock held. Return: false at the end of the walk. */
static bool um_blocks_next_batch(struct um_blocks_iter *it)
{
	unsigned int i;

	it->first += it->nr;
	it->nr = 0;
	if (!it->done)
		it->nr = um_cache_blocks(it->cache, UM_NUMA_NO_NODE, &it->cur,
					 it->batch, UM_BLOCKS_PER_LOCK);
	it->done = !it->nr;
	for (i = 0; i < it->nr; i++) {
		um_blocks_lookup(&it->batch[i], &it->dm[i]);
		cond_resched();
	}
	return it->nr;
}

static void *um_blocks_at(struct um_blocks_iter *it, loff_t pos)
{
	if (pos < it->first) {
		memset(&it->cur, 0, sizeof(it->cur));
		it->first = 0;
		it->nr = 0;
		it->done = false;
	}
	while (pos >= it->first + it->nr)
		if (!um_blocks_next_batch(it))
			return NULL;
	return &it->batch[pos - it->first];
}

static void *um_blocks_start(struct seq_file *m, loff_t *pos)
{
	return um_blocks_at(m->private, *pos);
}

static void *um_blocks_next(struct seq_file *m, void *v, loff_t *pos)
{
	return um_blocks_at(m->private, ++*pos);
}

static void um_blocks_stop(struct seq_file *m, void *v)
{
}

static int um_blocks_show(struct seq_file *m, void *v)
{
	struct um_blocks_iter *it = m->private;
	const struct um_block_info *b = v;
	const struct um_blocks_dm *dm = &it->dm[b - it->batch];
	unsigned long nr = 1UL << b->order;

	seq_printf(m, "pfn %#llx-%#llx order %u node %d free %llu used %llu released %llu backend %s dm_level %s",
		   b->pfn, b->pfn + nr - 1, b->order, b->nid, b->free_pages,
		   b->used_pages, b->released_pages, um_backend_name(b->backend),
		   um_level_name(dm->lo));
	if (dm->hi != dm->lo)
		seq_printf(m, "-%s", um_level_name(dm->hi));
	seq_printf(m, " dm_present %lu/%lu\n", dm->present, nr);
	return 0;
}

static const struct seq_operations um_blocks_sops = {
	.start = um_blocks_start,
	.next = um_blocks_next,
	.stop = um_blocks_stop,
	.show = um_blocks_show,
};

static int um_blocks_open(struct inode *inode, struct file *file)
{
	struct um_blocks_iter *it;

	it = __seq_open_private(file, &um_blocks_sops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->cache = inode->i_private;
	return 0;
}

static const struct file_operations um_blocks_fops = {
	.owner = THIS_MODULE,
	.open = um_blocks_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

static int um_kernel_calls_show(struct seq_file *m, void *unused)
{
	um_kcall_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(um_kernel_calls);

static int um_scrub_info_show(struct seq_file *m, void *unused)
{
	um_scrub_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(um_scrub_info);

/**
 * um_debugfs_init() - create /sys/kernel/debug/unmapped/ for @cache.
 * Failure is not an error (debugfs may be absent or locked down).
 */
void um_debugfs_init(struct um_cache *cache)
{
	um_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("pagetypeinfo", 0444, um_debugfs_dir, cache,
			    &um_pagetypeinfo_fops);
	debugfs_create_file("stats", 0444, um_debugfs_dir, cache,
			    &um_stats_fops);
	debugfs_create_file("blocks", 0444, um_debugfs_dir, cache,
			    &um_blocks_fops);
	/* Kernel addresses: root only. */
	debugfs_create_file("kernel_calls", 0400, um_debugfs_dir, NULL,
			    &um_kernel_calls_fops);
	debugfs_create_file("scrub", 0400, um_debugfs_dir, NULL,
			    &um_scrub_info_fops);
	um_fault_init(um_debugfs_dir);
}

/**
 * um_debugfs_exit() - remove it; waits for readers still inside. Disarms
 * every injected fault (unload must be able to map every page back).
 */
void um_debugfs_exit(void)
{
	debugfs_remove_recursive(um_debugfs_dir);
	um_fault_exit();
}
