// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs.c - /sys/kernel/debug/unmapped/: what the cache holds.
 *
 *   pagetypeinfo  free blocks per node per order, laid out like
 *                 /proc/pagetypeinfo, then cached/in-use/free pages per node
 *   stats         "name value" per line: every core counter summed over the
 *                 nodes, per-order allocs/frees/refills/free blocks
 *                 ("allocs_order_3 N"), the shim's own counters (the lists
 *                 are shim_stats.h; netlink GET_STATS sends the same) and
 *                 "backend range|page" (the backend for new blocks)
 *   blocks        one line per block held from the page allocator: pfn
 *                 range, order, node, free/used/released pages, backend, and
 *                 the direct map as lookup_address() sees it now: the entry
 *                 size(s) covering the block and how many pages are present
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
#include "shim.h"

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

/* Runs under the node's spinlock: lookup_address() and seq_printf() only. */
static void um_blocks_one(void *arg, const struct um_block_info *b)
{
	struct seq_file *m = arg;
	unsigned long nr = 1UL << b->order, i = 0, present = 0, step;
	unsigned int lo = PG_LEVEL_NUM, hi = PG_LEVEL_NONE;

	while (i < nr) {
		unsigned long addr = (unsigned long)pfn_to_kaddr(b->pfn + i);
		unsigned int level = PG_LEVEL_NONE;
		pte_t *pte = lookup_address(addr, &level);

		step = min(nr - i, um_pages_to_entry_end(addr, level));
		if (pte && (pte_flags(*pte) & _PAGE_PRESENT))
			present += step;
		lo = min(lo, level);
		hi = max(hi, level);
		i += step;
	}
	seq_printf(m, "pfn %#llx-%#llx order %u node %d free %llu used %llu released %llu backend %s dm_level %s",
		   b->pfn, b->pfn + nr - 1, b->order, b->nid, b->free_pages,
		   b->used_pages, b->released_pages, um_backend_name(b->backend),
		   um_level_name(lo));
	if (hi != lo)
		seq_printf(m, "-%s", um_level_name(hi));
	seq_printf(m, " dm_present %lu/%lu\n", present, nr);
}

static int um_blocks_show(struct seq_file *m, void *unused)
{
	um_cache_for_each_block(m->private, UM_NUMA_NO_NODE, um_blocks_one, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(um_blocks);

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
