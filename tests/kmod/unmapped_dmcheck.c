// SPDX-License-Identifier: GPL-2.0-only
/*
 * unmapped_dmcheck.c - test-only module: did anything leave RAM out of the
 * kernel direct map, or change how the direct map maps it?
 *
 * The selftest runner loads it once, takes a snapshot before each test
 * loads unmapped.ko and compares after the test unloaded it. It does not
 * use unmapped.ko and no test touches it, so its snapshot survives the
 * tests (unmapped_test.ko, which tests load and unload, has its own).
 *
 * Interface: /sys/kernel/debug/unmapped_dmcheck/cmd (root). Write a
 * command, read back "key value" lines ("error N" when it failed).
 *
 *   snapshot  record, for every page with a struct page on an online node,
 *             whether the direct map maps it, and for every 2M region the
 *             size of the entry covering it (4K, 2M or 1G) and, for 2M and
 *             1G entries, its attribute bits; and for every page of the
 *             kernel image's high mapping (ktest_highmap.h) whether it is
 *             present there. Keys: pages absent regions regions_large
 *             highmap_present.
 *   compare   compare with the snapshot. Keys:
 *               pages, absent            pages checked; absent now
 *               newly_absent             absent now, present at snapshot
 *               regions_large            2M regions under a 2M/1G entry then
 *               split_to_4k              ... now under 4K entries
 *               split_1g                 ... under 1G then, 2M now
 *               flags_changed            ... still 2M/1G, other bits
 *               highmap_newly_present    high-map pages present now, not
 *                                        at snapshot (an alias the kernel
 *                                        had removed came back; the kernel
 *                                        itself only makes pages read-only
 *                                        there, as modules load)
 *             and up to 8 "missing PFN+N" / "flags PFN OLD NEW" /
 *             "highmap PFN" lines.
 *   settle    wait for the work items schedule_work() queued, among them the
 *             freeing of the init sections of the modules loaded last
 *             (which can split a 2M direct mapping and flushes all CPUs),
 *             so that a test starts from a quiet direct map; and for the
 *             RCU callbacks in flight, which free slab objects (and whole
 *             slabs of the RCU caches) a grace period after the test
 *             dropped them, so that free memory is counted without them.
 *             No keys.
 *
 * KFENCE's pool (debug kernels) is left out: KFENCE makes its own pages
 * present and absent in the direct map as it hands out and frees objects.
 *
 * Only lookup_address() reads of the kernel's own page tables: nothing here
 * touches a page, and a page absent from the direct map is never read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/kfence.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "ktest_cmd.h"
#include "ktest_counters.h"
#include "ktest_dm.h"
#include "ktest_highmap.h"

#define DC_RESULT_SIZE	2048
#define DC_REGION_PAGES	(PMD_SIZE >> PAGE_SHIFT)
#define DC_MAX_LINES	8

/* One 2M region at snapshot time. */
struct dc_region {
	u8 level;		/* PG_LEVEL_*, PG_LEVEL_NONE: no entry */
	pteval_t flags;		/* 2M/1G entries only, PSE masked */
};

static int dc_run(char *line);
DEFINE_KTEST_CMD(dc_cmd, DC_RESULT_SIZE, 31, dc_run);
#define dc_emit(...)	ktest_emit(&dc_cmd, __VA_ARGS__)
static struct dentry *dc_dir;

/* The snapshot covers pfns [dc_start, dc_end) in 2M-aligned regions. */
static unsigned long dc_start, dc_end;
static unsigned long *dc_absent;	/* bit per pfn: absent at snapshot */
static struct dc_region *dc_regions;	/* per 2M region */
/* Per page of the high mapping: present at snapshot. */
static unsigned long *dc_hm_present;

/*
 * Entry covering @pfn, its level, and whether it maps @pfn (KFENCE's pages
 * count as mapped: see above).
 */
static pte_t *dc_entry(unsigned long pfn, unsigned int *level, bool *present)
{
	pte_t *pte = ktest_dm_entry(pfn, level);

	*present = ktest_dm_present(pte) || is_kfence_address(pfn_to_kaddr(pfn));
	if (!pte)
		*level = PG_LEVEL_NONE;
	return pte;
}

/* Span of every online node's memory, 2M aligned. */
static void dc_span(unsigned long *start, unsigned long *end)
{
	int nid;

	*start = ULONG_MAX;
	*end = 0;
	for_each_online_node(nid) {
		if (!node_spanned_pages(nid))
			continue;
		*start = min(*start, node_start_pfn(nid));
		*end = max(*end, node_end_pfn(nid));
	}
	if (*start > *end)
		*start = *end = 0;
	*start = ALIGN_DOWN(*start, DC_REGION_PAGES);
	*end = ALIGN(*end, DC_REGION_PAGES);
}

/*
 * Walk the 2M region at @pfn: return the level of its entry and, for a 2M
 * or 1G entry, its bits in @flags; call @run(pfn, n, present) for runs of
 * pages with a struct page. pfn_valid() is the same for a whole aligned 2M
 * region (sparsemem sections and subsections are at least that large).
 */
static unsigned int dc_walk_region(unsigned long pfn, pteval_t *flags,
				   void (*run)(unsigned long, unsigned long,
					       bool, void *),
				   void *arg)
{
	unsigned int level, lv;
	unsigned long i;
	bool present;
	pte_t *pte;

	*flags = 0;
	if (!pfn_valid(pfn))
		return PG_LEVEL_NONE;
	pte = dc_entry(pfn, &level, &present);
	if (pte && level >= PG_LEVEL_2M) {
		*flags = ktest_dm_flags(pte);
		run(pfn, DC_REGION_PAGES, present, arg);
		return level;
	}
	run(pfn, 1, present, arg);
	for (i = 1; i < DC_REGION_PAGES; i++) {
		dc_entry(pfn + i, &lv, &present);
		run(pfn + i, 1, present, arg);
	}
	return level;
}

static void dc_note_absent(unsigned long pfn, unsigned long n, bool present,
			   void *arg)
{
	unsigned long *absent = arg;

	if (!present) {
		bitmap_set(dc_absent, pfn - dc_start, n);
		*absent += n;
	}
}

/*
 * Walk the high mapping: @fn(idx, pfn, flags) for every page an entry
 * covers (one call per entry, with the page count, for large entries).
 */
static void dc_highmap_walk(void (*fn)(unsigned long idx, unsigned long n,
				       unsigned long pfn, pteval_t flags))
{
	unsigned long idx = 0, n, pfn;
	pteval_t flags;

	while (idx < KTEST_HIGHMAP_PAGES) {
		n = min(ktest_highmap_entry(idx, &flags, &pfn),
			KTEST_HIGHMAP_PAGES - idx);
		fn(idx, n, pfn, flags);
		idx += n;
		cond_resched();
	}
}

static void dc_highmap_record(unsigned long idx, unsigned long n,
			      unsigned long pfn, pteval_t flags)
{
	if (flags & _PAGE_PRESENT)
		bitmap_set(dc_hm_present, idx, n);
}

static unsigned long dc_hm_newly_present;

static void dc_highmap_check(unsigned long idx, unsigned long n,
			     unsigned long pfn, pteval_t flags)
{
	unsigned long i;

	if (!(flags & _PAGE_PRESENT))
		return;
	for (i = 0; i < n; i++) {
		if (test_bit(idx + i, dc_hm_present))
			continue;
		if (dc_hm_newly_present++ < DC_MAX_LINES)
			dc_emit("highmap %#lx\n", pfn + i);
	}
}

static int dc_snapshot(void)
{
	unsigned long pages = 0, absent = 0, large = 0, nr, pfn;

	vfree(dc_absent);
	kvfree(dc_regions);
	dc_absent = NULL;
	dc_regions = NULL;
	if (!dc_hm_present)
		dc_hm_present = bitmap_zalloc(KTEST_HIGHMAP_PAGES, GFP_KERNEL);
	if (!dc_hm_present)
		return -ENOMEM;
	bitmap_zero(dc_hm_present, KTEST_HIGHMAP_PAGES);
	dc_highmap_walk(dc_highmap_record);
	dc_span(&dc_start, &dc_end);
	nr = (dc_end - dc_start) / DC_REGION_PAGES;
	dc_absent = vzalloc(BITS_TO_LONGS(dc_end - dc_start) * sizeof(long));
	dc_regions = kvcalloc(nr, sizeof(*dc_regions), GFP_KERNEL);
	if (!dc_absent || !dc_regions) {
		vfree(dc_absent);
		kvfree(dc_regions);
		dc_absent = NULL;
		dc_regions = NULL;
		return -ENOMEM;
	}
	for (pfn = dc_start; pfn < dc_end; pfn += DC_REGION_PAGES) {
		struct dc_region *r = &dc_regions[(pfn - dc_start) / DC_REGION_PAGES];
		unsigned long before = absent;

		r->level = dc_walk_region(pfn, &r->flags, dc_note_absent, &absent);
		if (pfn_valid(pfn))
			pages += DC_REGION_PAGES;
		/* A large entry with a hole in it is not one we compare. */
		if (r->level >= PG_LEVEL_2M && absent == before)
			large++;
		else if (r->level >= PG_LEVEL_2M)
			r->level = PG_LEVEL_NONE;
		cond_resched();
	}
	dc_emit("pages %lu\nabsent %lu\nregions %lu\nregions_large %lu\n",
		pages, absent, nr, large);
	dc_emit("highmap_present %u\n",
		bitmap_weight(dc_hm_present, KTEST_HIGHMAP_PAGES));
	return 0;
}

struct dc_compare {
	unsigned long pages, absent, newly_absent, lines;
	unsigned long run_start, run_len;	/* newly absent run being built */
};

static void dc_flush_run(struct dc_compare *c)
{
	if (c->run_len && c->lines < DC_MAX_LINES) {
		c->lines++;
		dc_emit("missing %#lx+%lu\n", c->run_start, c->run_len);
	}
	c->run_len = 0;
}

static void dc_check_run(unsigned long pfn, unsigned long n, bool present,
			 void *arg)
{
	struct dc_compare *c = arg;
	unsigned long i;

	c->pages += n;
	if (present)
		return;
	c->absent += n;
	for (i = 0; i < n; i++, pfn++) {
		if (pfn >= dc_start && pfn < dc_end &&
		    test_bit(pfn - dc_start, dc_absent))
			continue;
		c->newly_absent++;
		if (c->run_len && c->run_start + c->run_len == pfn) {
			c->run_len++;
			continue;
		}
		dc_flush_run(c);
		c->run_start = pfn;
		c->run_len = 1;
	}
}

static int dc_compare(void)
{
	unsigned long large = 0, split4k = 0, split1g = 0, changed = 0, pfn;
	struct dc_compare c = {};
	unsigned long start, end;

	if (!dc_regions)
		return -ENOENT;
	dc_span(&start, &end);
	start = min(start, dc_start);
	end = max(end, dc_end);
	for (pfn = start; pfn < end; pfn += DC_REGION_PAGES) {
		struct dc_region *r = NULL;
		unsigned int level;
		pteval_t flags;

		if (pfn >= dc_start && pfn < dc_end)
			r = &dc_regions[(pfn - dc_start) / DC_REGION_PAGES];
		level = dc_walk_region(pfn, &flags, dc_check_run, &c);
		if (!r || r->level < PG_LEVEL_2M)
			continue;
		large++;
		if (level == PG_LEVEL_4K) {
			split4k++;
		} else if (level >= PG_LEVEL_2M) {
			if (r->level == PG_LEVEL_1G && level == PG_LEVEL_2M)
				split1g++;
			if (flags != r->flags) {
				changed++;
				if (c.lines++ < DC_MAX_LINES)
					dc_emit("flags %#lx %#llx %#llx\n", pfn,
						(u64)r->flags, (u64)flags);
			}
		}
		cond_resched();
	}
	dc_flush_run(&c);
	dc_hm_newly_present = 0;
	dc_highmap_walk(dc_highmap_check);
	dc_emit("pages %lu\nabsent %lu\nnewly_absent %lu\n", c.pages, c.absent,
		c.newly_absent);
	dc_emit("highmap_newly_present %lu\n", dc_hm_newly_present);
	dc_emit("regions_large %lu\nsplit_to_4k %lu\nsplit_1g %lu\nflags_changed %lu\n",
		large, split4k, split1g, changed);
	return 0;
}

static void dc_settle(void)
{
	ktest_settle();
	/* Callbacks queue work (delayed fput) and work queues callbacks. */
	rcu_barrier();
	ktest_settle();
}

static int dc_run(char *line)
{
	if (sysfs_streq(line, "snapshot"))
		return dc_snapshot();
	if (sysfs_streq(line, "compare"))
		return dc_compare();
	if (sysfs_streq(line, "settle")) {
		dc_settle();
		return 0;
	}
	return -EINVAL;
}

static int __init dc_init(void)
{
	dc_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ktest_cmd_create("cmd", 0600, dc_dir, &dc_cmd);
	return 0;
}

static void __exit dc_exit(void)
{
	debugfs_remove_recursive(dc_dir);
	vfree(dc_absent);
	kvfree(dc_regions);
	bitmap_free(dc_hm_present);
}

module_init(dc_init);
module_exit(dc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("unmapped test: pages missing from the kernel direct map, and its entry sizes");
