// SPDX-License-Identifier: GPL-2.0-only
/*
 * unmapped_test.c - test-only module: drives unmapped.ko's in-kernel API
 * from inside the test VM and reports what the kernel sees.
 *
 * It finds the API with symbol_get() rather than linking against it, so it
 * loads without unmapped.ko and outlives it: a test loads this module
 * first, snapshots the direct map, loads and unloads unmapped.ko, and then
 * checks that the direct map came back. Userspace tests use pfn_state the
 * same way, with or without unmapped.ko.
 *
 * Interface: /sys/kernel/debug/unmapped_test/
 *
 *   cmd        write one command line; read back the result of the last one
 *              as "key value" lines ("error N" when it failed: N is -errno).
 *     alloc mb=N [lo=L] [hi=H] [node=N] [thisnode=1] [mayfail=1] [account=1]
 *              allocate blocks of order L, L+1, ..., H, L, ... (default 0-9)
 *              until N MiB are held (GFP_KERNEL; with __GFP_THISNODE if
 *              thisnode=1: only node N, or without node= the calling CPU's
 *              nearest node with memory; with mayfail=1 also
 *              __GFP_RETRY_MAYFAIL, so that running out of memory fails
 *              the allocation instead of invoking the OOM killer; with
 *              account=1 __GFP_ACCOUNT, charged to the writer's memory
 *              cgroup; the command stops at the first failure); check
 *              every page with lookup_address()
 *              (must be absent). Keys: blocks pages failed ns call_ipis
 *              flush_ipis (kernel TLB flushes run by an IPI, exactly)
 *              splits_l2 splits_l3 present_pages dm_pages_4k dm_pages_2m
 *              dm_pages_1g, alias_pages (held pages that the kernel
 *              image's high mapping maps: must be 0), pages_node_N for
 *              every online node N, and
 *              wrong_node_blocks (blocks not on node=N; 0 without node=).
 *              After dm_snapshot also touched_regions (2M regions that
 *              held a block since) and touched_split (those of them now
 *              mapped by 4K entries: a split under a held block).
 *              The blocks stay held until "free".
 *     free [spread=1]
 *              give every held block back, last allocated first; with
 *              spread=1 the odd-numbered blocks first, then the even ones
 *              (so that whole cache blocks come back out of address
 *              order). Keys: blocks pages ns call_ipis flush_ipis splits_l2
 *              splits_l3.
 *     counters call_ipis flush_ipis splits_l2 splits_l3 now (for deltas around
 *              anything userspace does, e.g. drop_caches).
 *     hold order=N
 *              allocate one block and keep it aside (pfn order); "release"
 *              frees it. Used to stage misuse cases.
 *     release  free the held-aside block properly.
 *     hole [order=N]
 *              take the page allocator's next two free blocks of order N
 *              (default 10) with plain alloc_pages(), give the first back
 *              and keep the second until "unhole": the next blocks of
 *              that order anyone takes are the first, then those past the
 *              kept one. Keys: first hole (pfns).
 *     unhole   free the block "hole" kept.
 *     line [order=N] n=K
 *              arrange the page allocator's free lists of order N
 *              (default 10) so that the next K blocks anyone takes are
 *              adjacent, in address order (K <= 64; ENOSPC when the free
 *              blocks hold no such run). Keys: first (its pfn), taken
 *              (blocks looked at).
 *     ref      take a reference of our own on the held-aside block's last
 *              page (get_page()), as a speculative page walker might, and
 *              keep it past "release". With order >= 1 that page is never
 *              the first of an aligned chunk. Keys: pfn, refcount (after
 *              the get).
 *     unref    drop that reference. Key: refcount (before the put: 1 when
 *              the cache freed the page and only ours is left).
 *     fill     write the pattern into every byte of the held-aside block
 *              (through a private vmap() alias), so that freeing it leaves
 *              dirty pages in the cache. Key: bytes.
 *     nonzero  count the bytes of the held-aside block that are not zero
 *              (a freshly allocated block must have none). Key:
 *              nonzero_bytes.
 *     misuse case=C
 *              one wrong call; C is
 *                foreign          free an ordinary alloc_page() page
 *                bogus            free a page pointer of a pfn that has no
 *                                 memory (never dereferenced)
 *                double           free the block "release" already freed
 *                wrong_order      free the held block with order - 1 and
 *                                 order + 1 (still held afterwards)
 *                tail             free the held block's last page alone
 *                order_too_large  alloc and free with order KTEST_NR_PAGE_ORDERS
 *                bad_node         alloc on node nr_node_ids + 3 and on -5
 *                bad_gfp          alloc with __GFP_DMA32, with __GFP_COMP
 *                null             free(NULL)
 *              Key: returned_null (allocation cases: how many returned NULL).
 *     atomic rounds=N
 *              N times, under a spinlock with interrupts off: allocate with
 *              GFP_ATOMIC (orders 0-3 in turn), check the block is absent
 *              from the direct map, free it. Served from the cache only;
 *              freed pages are dirty, so an allocation may zero up to 8 of
 *              them in that context. Keys: ok failed present_pages.
 *     atomic_hold order=N [swap=1]
 *              allocate one block with GFP_ATOMIC under a spinlock with
 *              interrupts off and keep it aside, as "hold" does. With
 *              swap=1 the held-aside block is freed first, in the same
 *              section: the allocation then meets exactly the dirty pages
 *              that free left (the background zeroing it queues on this
 *              CPU cannot run before the section ends). Keys: ok (1 or 0),
 *              and pfn order when ok.
 *     atomic_scrub rounds=N
 *              their zeroing, checked by the contents: N times, allocate with
 *              GFP_ATOMIC under the spinlock (orders 0-3 in turn), then,
 *              outside it (vmap() sleeps), count the block's non-zero bytes
 *              through a private alias and fill it with the pattern, and
 *              free it under the spinlock again. Every block must read
 *              zero, also where it reuses pages filled in an earlier round:
 *              those were zeroed, by the allocation or in the background,
 *              before they were handed out again. Keys: ok
 *              failed nonzero_bytes dirty_reused (allocations that got a
 *              page filled in an earlier round).
 *     nofs     the deadlock a GFP_NOFS caller could meet, for lockdep: a test mutex
 *              stands for a filesystem lock that reclaim takes (lockdep
 *              is told so with fs_reclaim_acquire()); an order-10
 *              GFP_KERNEL allocation refills (node mutex held across a
 *              page allocation that may enter that reclaim); then, with
 *              the test mutex held, an order-10 GFP_NOFS allocation
 *              refills too. Waiting for the node mutex there would close
 *              the cycle node mutex -> fs_reclaim -> test mutex -> node
 *              mutex, which lockdep reports. Start with an empty cache
 *              (drop_caches). Keys: kernel_ok nofs_ok (1: the allocation
 *              succeeded).
 *     scrub_verify blocks=N
 *              fill N order-9 blocks with a pattern through a temporary
 *              vmap(), free them, allocate again and check every byte is
 *              zero. Keys: blocks dirty_bytes_seen reused_blocks (second
 *              allocations that got a block dirtied by the first)
 *              nonzero_bytes.
 *     scrub_bench rounds=N
 *              time alloc+free of a dirty order-9 block, zeroing and with
 *              __GFP_UNMAPPED_NOZERO, and clear_page() of 512 ordinary pages
 *              through the direct map (best of N). Keys:
 *              zero_cycle_ns nozero_cycle_ns scrub_ns_per_page
 *              direct_clear_ns_per_page scrub_vs_direct_pct.
 *     dm_snapshot
 *              record the direct-map entry (size, flags) of every 2M region
 *              of RAM mapped with 2M or 1G entries (regions already split
 *              to 4K at boot are skipped). Keys: regions regions_4k_skipped.
 *     dm_compare
 *              compare with the snapshot. Keys: regions same level3_split
 *              level2_split not_present flags_changed touched touched_ok
 *              untouched_changed (touched: regions that held a block from
 *              "alloc"; ok means present, 2M or larger, flags as in the
 *              snapshot; untouched_changed: other regions split, not
 *              present or with other flags), plus "diff ..." lines for the
 *              first differences.
 *
 *   pfn_state  write "PFN COUNT" (decimal or 0x hex, COUNT <= 1048576), then
 *              read one line per pfn: "PFN present 0|1 level 4K|2M|1G|none",
 *              or "PFN invalid" for a pfn without a struct page.
 *
 * alloc, free, hold and counters first wait for the kernel's own queued
 * direct-map work (a module's init sections being freed after insmod), so
 * that their counter deltas, and the costs unmapped.ko reports for the
 * refills they cause, start from a quiet state.
 *
 * Nothing here ever writes an allocated page through the direct map; the
 * pattern of scrub_verify goes through a private vmap() alias that is torn
 * down (vm_unmap_aliases()) before the pages are freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unmapped.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>
#include <asm/hardirq.h>

#include "ktest_cmd.h"
#include "ktest_compat.h"
#include "ktest_counters.h"
#include "ktest_flush.h"
#include "ktest_dm.h"
#include "ktest_highmap.h"

#define UT_RESULT_SIZE	4096
#define UT_MAX_PFNS	(1UL << 20)
#define UT_REGION_PAGES	(PMD_SIZE >> PAGE_SHIFT)
#define UT_PATTERN	0x5a

struct ut_block {
	struct page *page;
	unsigned int order;
};

/* Direct-map state of one 2M region at dm_snapshot. */
struct ut_region {
	unsigned long pfn;
	u8 level;		/* PG_LEVEL_*; PG_LEVEL_NONE: no entry */
	bool touched;		/* held a block from "alloc" since */
	pteval_t flags;
};

static int ut_run(char *line);
DEFINE_KTEST_CMD(ut_cmd, UT_RESULT_SIZE, 127, ut_run);
#define ut_emit(...)	ktest_emit(&ut_cmd, __VA_ARGS__)
static struct dentry *ut_dir;

/* The API, from symbol_get() while anything of it is held. */
static struct {
	typeof(&unmapped_pages_alloc_node) alloc_node;
	typeof(&unmapped_pages_free) free;
} ut_api;

static struct ut_block *ut_blocks;	/* held by "alloc" */
static unsigned long ut_nr_blocks;
static struct ut_block ut_aside;	/* held by "hold" */
static struct ut_block ut_released;	/* freed by "release" */
static struct ut_block ut_hole;		/* held by "hole", not the cache's */
static struct page *ut_ref_page;	/* our reference, from "ref" */

static struct ut_region *ut_regions;
static unsigned long ut_nr_regions;

static unsigned long ut_pfn_start, ut_pfn_count;	/* pfn_state query */

/* --- the API, taken and dropped with unmapped.ko ------------------------ */

static int ut_api_get(void)
{
	if (ut_api.alloc_node)
		return 0;
	ut_api.alloc_node = symbol_get(unmapped_pages_alloc_node);
	ut_api.free = symbol_get(unmapped_pages_free);
	if (ut_api.alloc_node && ut_api.free)
		return 0;
	if (ut_api.alloc_node)
		symbol_put(unmapped_pages_alloc_node);
	if (ut_api.free)
		symbol_put(unmapped_pages_free);
	ut_api.alloc_node = NULL;
	ut_api.free = NULL;
	return -ENOENT;		/* unmapped.ko is not loaded */
}

/* Let unmapped.ko go once nothing of it is held here. */
static void ut_api_put_if_idle(void)
{
	if (!ut_api.alloc_node || ut_nr_blocks || ut_aside.page)
		return;
	symbol_put(unmapped_pages_alloc_node);
	symbol_put(unmapped_pages_free);
	ut_api.alloc_node = NULL;
	ut_api.free = NULL;
}

/* --- measurement --------------------------------------------------------- */

struct ut_counters {
	struct ktest_counters k;
	u64 flush_ipis;		/* kernel TLB flushes run by an IPI */
	u64 ns;
};

static void ut_read_counters(struct ut_counters *c)
{
	ktest_read_counters(&c->k);
	c->flush_ipis = ktest_flush_ipis();
	c->ns = ktime_get_ns();
}

static void ut_start_counters(struct ut_counters *c)
{
	ktest_settle();
	ut_read_counters(c);
}

static void ut_emit_delta(const struct ut_counters *before)
{
	struct ut_counters now;

	ut_read_counters(&now);
	ut_emit("ns %llu\ncall_ipis %llu\nflush_ipis %llu\nsplits_l2 %llu\nsplits_l3 %llu\n",
		now.ns - before->ns, now.k.call_ipis - before->k.call_ipis,
		now.flush_ipis - before->flush_ipis,
		now.k.splits_l2 - before->k.splits_l2,
		now.k.splits_l3 - before->k.splits_l3);
}

static bool ut_dm_present(unsigned long pfn, unsigned int *level)
{
	return ktest_dm_present(ktest_dm_entry(pfn, level));
}

/* --- alloc / free -------------------------------------------------------- */

static void ut_mark_touched(unsigned long pfn, unsigned int order)
{
	unsigned long lo = 0, hi = ut_nr_regions;

	/* ut_regions is sorted by pfn. */
	while (lo < hi) {
		unsigned long mid = (lo + hi) / 2;

		if (ut_regions[mid].pfn + UT_REGION_PAGES <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ut_nr_regions && ut_regions[lo].pfn < pfn + (1UL << order); lo++)
		ut_regions[lo].touched = true;
}

/*
 * Whether taking the blocks split what they sat in, judged from the page
 * tables rather than from the global split counters, which also count
 * what any other code splits meanwhile: of the regions touched since
 * dm_snapshot (all mapped 2M or 1G then), how many are now 4K.
 */
static void ut_emit_touched(void)
{
	unsigned long touched = 0, split = 0, i;

	for (i = 0; i < ut_nr_regions; i++) {
		unsigned int level;

		if (!ut_regions[i].touched)
			continue;
		touched++;
		ktest_dm_entry(ut_regions[i].pfn, &level);
		split += level == PG_LEVEL_4K;
	}
	ut_emit("touched_regions %lu\ntouched_split %lu\n", touched, split);
}

/* Where the held blocks are: pages per online node, blocks off @nid. */
static void ut_emit_nodes(int nid)
{
	unsigned long wrong = 0, i;
	int n;

	for_each_online_node(n) {
		unsigned long pages = 0;

		for (i = 0; i < ut_nr_blocks; i++)
			if (page_to_nid(ut_blocks[i].page) == n)
				pages += 1UL << ut_blocks[i].order;
		ut_emit("pages_node_%d %lu\n", n, pages);
	}
	for (i = 0; i < ut_nr_blocks && nid != NUMA_NO_NODE; i++)
		wrong += page_to_nid(ut_blocks[i].page) != nid;
	ut_emit("wrong_node_blocks %lu\n", wrong);
}

static int ut_cmd_alloc(unsigned long mb, unsigned int lo, unsigned int hi,
			int nid, bool thisnode, bool mayfail, bool account)
{
	gfp_t gfp = GFP_KERNEL | (thisnode ? __GFP_THISNODE : 0) |
		    (mayfail ? __GFP_RETRY_MAYFAIL : 0) |
		    (account ? __GFP_ACCOUNT : 0);
	unsigned long want = mb << (20 - PAGE_SHIFT), have = 0, max_blocks;
	unsigned long present = 0, failed = 0, dm[PG_LEVEL_NUM] = {}, alias = 0;
	struct ut_counters before;
	unsigned int order = lo;
	unsigned long i, j;
	int err;

	if (ut_nr_blocks || !mb || lo > hi || hi >= KTEST_NR_PAGE_ORDERS)
		return -EINVAL;
	err = ut_api_get();
	if (err)
		return err;
	max_blocks = want >> lo;
	ut_blocks = kvcalloc(max_blocks, sizeof(*ut_blocks), GFP_KERNEL);
	if (!ut_blocks) {
		ut_api_put_if_idle();
		return -ENOMEM;
	}
	ut_start_counters(&before);
	while (have < want && ut_nr_blocks < max_blocks) {
		struct page *page = ut_api.alloc_node(nid, gfp, order);

		if (!page) {
			failed++;
			break;
		}
		ut_blocks[ut_nr_blocks].page = page;
		ut_blocks[ut_nr_blocks++].order = order;
		have += 1UL << order;
		order = order == hi ? lo : order + 1;
		cond_resched();
	}
	ut_emit("blocks %lu\npages %lu\nfailed %lu\n", ut_nr_blocks, have, failed);
	ut_emit_delta(&before);

	/* Every page of every block must be absent from the direct map. */
	for (i = 0; i < ut_nr_blocks; i++) {
		unsigned long pfn = page_to_pfn(ut_blocks[i].page);

		for (j = 0; j < (1UL << ut_blocks[i].order); j++) {
			unsigned int level;

			if (ut_dm_present(pfn + j, &level))
				present++;
			dm[level]++;
			alias += ktest_highmap_present(pfn + j);
		}
		if (ut_regions)
			ut_mark_touched(pfn, ut_blocks[i].order);
		cond_resched();
	}
	ut_emit("present_pages %lu\ndm_pages_4k %lu\ndm_pages_2m %lu\ndm_pages_1g %lu\n",
		present, dm[PG_LEVEL_4K], dm[PG_LEVEL_2M], dm[PG_LEVEL_1G]);
	ut_emit("alias_pages %lu\n", alias);
	if (ut_regions)
		ut_emit_touched();
	ut_emit_nodes(nid);
	return 0;
}

static int ut_cmd_free(bool spread)
{
	struct ut_counters before;
	unsigned long pages = 0, n = ut_nr_blocks, i, k;

	ut_start_counters(&before);
	for (k = 0; k < n; k++) {
		struct ut_block *b;

		/* spread: 1, 3, 5, ... then 0, 2, 4, ... */
		i = !spread ? n - 1 - k :
		    k < n / 2 ? 2 * k + 1 : 2 * (k - n / 2);
		b = &ut_blocks[i];
		ut_api.free(b->page, b->order);
		pages += 1UL << b->order;
		cond_resched();
	}
	ut_nr_blocks = 0;
	ut_emit("blocks %lu\npages %lu\n", n, pages);
	ut_emit_delta(&before);
	kvfree(ut_blocks);
	ut_blocks = NULL;
	ut_api_put_if_idle();
	return 0;
}

/*
 * hole - the page allocator's next two free blocks of @order taken, the
 * first given back and the second kept (until "unhole"): whoever takes
 * blocks of that order next gets the first, then the ones past the hole
 * (the free lists are LIFO at the top orders). Plain alloc_pages(): the
 * memory of someone other than the cache.
 */
static int ut_cmd_hole(unsigned long order)
{
	struct page *first;

	if (ut_hole.page)
		return -EBUSY;
	if (order >= KTEST_NR_PAGE_ORDERS)
		return -EINVAL;
	first = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
	if (!first)
		return -ENOMEM;
	ut_hole.page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
	__free_pages(first, order);
	if (!ut_hole.page)
		return -ENOMEM;
	ut_hole.order = order;
	ut_emit("first %#lx\nhole %#lx\n", page_to_pfn(first),
		page_to_pfn(ut_hole.page));
	return 0;
}

/* Most blocks "line" takes looking for its run. */
#define UT_LINE_MAX	128

static int ut_cmp_page(const void *a, const void *b)
{
	unsigned long x = page_to_pfn(*(struct page *const *)a);
	unsigned long y = page_to_pfn(*(struct page *const *)b);

	return x < y ? -1 : x > y;
}

/*
 * line - the page allocator's free lists of @order arranged so that the
 * next @n blocks anyone takes are adjacent, in address order, whatever
 * boot left there (deferred struct page init frees memory from one thread
 * per CPU, so a fresh node's lists interleave several regions): take up
 * to UT_LINE_MAX free blocks, give back all but a run of @n adjacent
 * ones, then the run highest first (the lists are LIFO at the top
 * orders). Free blocks only: no reclaim, no compaction.
 */
static int ut_cmd_line(unsigned long order, unsigned long n)
{
	unsigned long nr = 0, run = ULONG_MAX, i;
	struct page **pages;

	if (order >= KTEST_NR_PAGE_ORDERS || !n || n > UT_LINE_MAX / 2)
		return -EINVAL;
	pages = kcalloc(UT_LINE_MAX, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	while (nr < UT_LINE_MAX) {
		pages[nr] = alloc_pages((GFP_KERNEL & ~__GFP_DIRECT_RECLAIM) |
					__GFP_NOWARN, order);
		if (!pages[nr])
			break;
		nr++;
	}
	sort(pages, nr, sizeof(*pages), ut_cmp_page, NULL);
	for (i = 0; i + n <= nr && run == ULONG_MAX; i++)
		if (page_to_pfn(pages[i + n - 1]) ==
		    page_to_pfn(pages[i]) + ((n - 1) << order))
			run = i;
	for (i = 0; i < nr; i++)
		if (run == ULONG_MAX || i < run || i >= run + n)
			__free_pages(pages[i], order);
	for (i = n; run != ULONG_MAX && i--;)
		__free_pages(pages[run + i], order);
	if (run != ULONG_MAX)
		ut_emit("first %#lx\ntaken %lu\n", page_to_pfn(pages[run]), nr);
	kfree(pages);
	return run == ULONG_MAX ? -ENOSPC : 0;
}

static int ut_cmd_unhole(void)
{
	if (!ut_hole.page)
		return -ENOENT;
	__free_pages(ut_hole.page, ut_hole.order);
	ut_hole.page = NULL;
	return 0;
}

/* --- staged misuse ------------------------------------------------------- */

static int ut_cmd_hold(unsigned int order)
{
	int err;

	if (ut_aside.page)
		return -EBUSY;
	ktest_settle();
	err = ut_api_get();
	if (err)
		return err;
	ut_aside.page = ut_api.alloc_node(NUMA_NO_NODE, GFP_KERNEL, order);
	if (!ut_aside.page) {
		ut_api_put_if_idle();
		return -ENOMEM;
	}
	ut_aside.order = order;
	ut_emit("pfn %#lx\norder %u\n", page_to_pfn(ut_aside.page), order);
	return 0;
}

static int ut_cmd_release(void)
{
	if (!ut_aside.page)
		return -ENOENT;
	ut_api.free(ut_aside.page, ut_aside.order);
	ut_released = ut_aside;
	ut_aside.page = NULL;
	ut_api_put_if_idle();
	return 0;
}

static int ut_cmd_ref(void)
{
	if (!ut_aside.page)
		return -ENOENT;
	if (ut_ref_page)
		return -EBUSY;
	ut_ref_page = ut_aside.page + (1UL << ut_aside.order) - 1;
	get_page(ut_ref_page);
	ut_emit("pfn %#lx\nrefcount %d\n", page_to_pfn(ut_ref_page),
		page_ref_count(ut_ref_page));
	return 0;
}

static int ut_cmd_unref(void)
{
	if (!ut_ref_page)
		return -ENOENT;
	ut_emit("refcount %d\n", page_ref_count(ut_ref_page));
	put_page(ut_ref_page);
	ut_ref_page = NULL;
	return 0;
}

static int ut_cmd_misuse(const char *c)
{
	unsigned int nulls = 0;
	struct page *page;
	int err;

	err = ut_api_get();
	if (err)
		return err;
	if (!strcmp(c, "foreign")) {
		page = alloc_page(GFP_KERNEL);
		if (!page) {
			err = -ENOMEM;
		} else {
			ut_api.free(page, 0);
			__free_page(page);
		}
	} else if (!strcmp(c, "bogus")) {
		/* 2^40 pages = 4 PiB: no struct page behind this pointer. */
		ut_api.free(pfn_to_page(1UL << 40), 0);
	} else if (!strcmp(c, "double")) {
		if (ut_released.page)
			ut_api.free(ut_released.page, ut_released.order);
		else
			err = -ENOENT;
	} else if (!strcmp(c, "wrong_order")) {
		if (ut_aside.page && ut_aside.order > 0) {
			ut_api.free(ut_aside.page, ut_aside.order - 1);
			ut_api.free(ut_aside.page, ut_aside.order + 1);
		} else {
			err = -ENOENT;
		}
	} else if (!strcmp(c, "tail")) {
		if (ut_aside.page && ut_aside.order > 0)
			ut_api.free(ut_aside.page + (1U << ut_aside.order) - 1, 0);
		else
			err = -ENOENT;
	} else if (!strcmp(c, "order_too_large")) {
		page = ut_api.alloc_node(NUMA_NO_NODE, GFP_KERNEL, KTEST_NR_PAGE_ORDERS);
		nulls += !page;
		if (page)	/* would be a bug; give it back as it came */
			ut_api.free(page, KTEST_NR_PAGE_ORDERS);
		if (ut_aside.page)
			ut_api.free(ut_aside.page, KTEST_NR_PAGE_ORDERS);
	} else if (!strcmp(c, "bad_node")) {
		page = ut_api.alloc_node(nr_node_ids + 3, GFP_KERNEL, 0);
		nulls += !page;
		if (page)
			ut_api.free(page, 0);
		page = ut_api.alloc_node(-5, GFP_KERNEL, 0);
		nulls += !page;
		if (page)
			ut_api.free(page, 0);
	} else if (!strcmp(c, "bad_gfp")) {
		page = ut_api.alloc_node(NUMA_NO_NODE, GFP_KERNEL | __GFP_DMA32, 0);
		nulls += !page;
		if (page)
			ut_api.free(page, 0);
		page = ut_api.alloc_node(NUMA_NO_NODE, GFP_KERNEL | __GFP_COMP, 1);
		nulls += !page;
		if (page)
			ut_api.free(page, 1);
	} else if (!strcmp(c, "null")) {
		ut_api.free(NULL, 0);
	} else {
		err = -EINVAL;
	}
	ut_api_put_if_idle();
	if (!err)
		ut_emit("returned_null %u\n", nulls);
	return err;
}

/* --- atomic context ------------------------------------------------------- */

static DEFINE_SPINLOCK(ut_atomic_lock);

static int ut_cmd_atomic(unsigned long rounds)
{
	unsigned long r, ok = 0, failed = 0, present = 0, j;
	unsigned long flags;
	int err;

	if (!rounds || rounds > 100000)
		return -EINVAL;
	err = ut_api_get();
	if (err)
		return err;
	for (r = 0; r < rounds; r++) {
		unsigned int order = r % 4, level;
		struct page *page;

		/* A sleep in here would be "BUG: scheduling while atomic". */
		spin_lock_irqsave(&ut_atomic_lock, flags);
		page = ut_api.alloc_node(NUMA_NO_NODE, GFP_ATOMIC, order);
		if (page) {
			ok++;
			for (j = 0; j < (1UL << order); j++)
				present += ut_dm_present(page_to_pfn(page) + j, &level);
			ut_api.free(page, order);
		} else {
			failed++;
		}
		spin_unlock_irqrestore(&ut_atomic_lock, flags);
	}
	ut_api_put_if_idle();
	ut_emit("ok %lu\nfailed %lu\npresent_pages %lu\n", ok, failed, present);
	return 0;
}

static int ut_cmd_atomic_hold(unsigned int order, bool swap)
{
	unsigned long flags;
	struct page *page;
	int err;

	if (swap != !!ut_aside.page)
		return swap ? -ENOENT : -EBUSY;
	err = ut_api_get();
	if (err)
		return err;
	spin_lock_irqsave(&ut_atomic_lock, flags);
	if (swap) {
		ut_api.free(ut_aside.page, ut_aside.order);
		ut_released = ut_aside;
		ut_aside.page = NULL;
	}
	page = ut_api.alloc_node(NUMA_NO_NODE, GFP_ATOMIC, order);
	spin_unlock_irqrestore(&ut_atomic_lock, flags);
	ut_emit("ok %d\n", !!page);
	if (page) {
		ut_aside.page = page;
		ut_aside.order = order;
		ut_emit("pfn %#lx\norder %u\n", page_to_pfn(page), order);
	}
	ut_api_put_if_idle();
	return 0;
}

/* --- reclaim context ------------------------------------------------------ */

/* Stands for a filesystem lock that reclaim waits for. */
static DEFINE_MUTEX(ut_fs_lock);

static int ut_cmd_nofs(void)
{
	struct page *kernel, *nofs;
	int err;

	err = ut_api_get();
	if (err)
		return err;
	/* Reclaim takes the "filesystem lock": fs_reclaim -> ut_fs_lock. */
	fs_reclaim_acquire(GFP_KERNEL);
	mutex_lock(&ut_fs_lock);
	mutex_unlock(&ut_fs_lock);
	fs_reclaim_release(GFP_KERNEL);

	/* node mutex -> fs_reclaim (the refill's page allocation). */
	kernel = ut_api.alloc_node(NUMA_NO_NODE, GFP_KERNEL, KTEST_NR_PAGE_ORDERS - 1);
	/* ut_fs_lock -> ? : the NOFS refill must not wait for the node mutex. */
	mutex_lock(&ut_fs_lock);
	nofs = ut_api.alloc_node(NUMA_NO_NODE, GFP_NOFS, KTEST_NR_PAGE_ORDERS - 1);
	mutex_unlock(&ut_fs_lock);

	if (kernel)
		ut_api.free(kernel, KTEST_NR_PAGE_ORDERS - 1);
	if (nofs)
		ut_api.free(nofs, KTEST_NR_PAGE_ORDERS - 1);
	ut_api_put_if_idle();
	ut_emit("kernel_ok %d\nnofs_ok %d\n", !!kernel, !!nofs);
	return 0;
}

/* --- scrubbing ----------------------------------------------------------- */

/* A private writable alias of one unmapped block; NULL on failure. */
static void *ut_alias(struct page *page, unsigned int order)
{
	unsigned int i, n = 1U << order;
	struct page **pages;
	void *addr;

	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++)
		pages[i] = page + i;
	addr = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	return addr;
}

/* Tear the alias down and flush it from every TLB before the pages go back. */
static void ut_unalias(void *addr)
{
	vunmap(addr);
	vm_unmap_aliases();
}

static unsigned long ut_count_nonzero(const u8 *p, size_t len, u8 byte)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += p[i] != byte;
	return n;
}

/* fill / nonzero: write the pattern into the held-aside block, or count
 * the bytes of it that are not zero, through a private alias. */
static int ut_cmd_aside_bytes(bool fill)
{
	size_t len;
	void *a;

	if (!ut_aside.page)
		return -ENOENT;
	len = PAGE_SIZE << ut_aside.order;
	a = ut_alias(ut_aside.page, ut_aside.order);
	if (!a)
		return -ENOMEM;
	if (fill) {
		memset(a, UT_PATTERN, len);
		ut_emit("bytes %zu\n", len);
	} else {
		ut_emit("nonzero_bytes %lu\n", ut_count_nonzero(a, len, 0));
	}
	ut_unalias(a);
	return 0;
}

#define UT_SCRUB_ORDER	9

/*
 * One pass of scrub_verify: allocate @nr order-9 blocks into @b, count
 * their non-zero bytes and, with @fill, write the pattern into them.
 */
static int ut_scrub_pass(struct ut_block *b, unsigned long nr, bool fill,
			 unsigned long *nonzero, unsigned long *filled)
{
	const size_t len = PAGE_SIZE << UT_SCRUB_ORDER;
	unsigned long i;
	void *a;

	for (i = 0; i < nr; i++) {
		b[i].page = ut_api.alloc_node(NUMA_NO_NODE, GFP_KERNEL,
					      UT_SCRUB_ORDER);
		if (!b[i].page)
			return -ENOMEM;
		b[i].order = UT_SCRUB_ORDER;
		a = ut_alias(b[i].page, UT_SCRUB_ORDER);
		if (!a)
			return -ENOMEM;
		*nonzero += ut_count_nonzero(a, len, 0);
		if (fill) {
			memset(a, UT_PATTERN, len);
			*filled += len - ut_count_nonzero(a, len, UT_PATTERN);
		}
		ut_unalias(a);
	}
	return 0;
}

static void ut_free_each(const struct ut_block *b, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (b[i].page)
			ut_api.free(b[i].page, b[i].order);
}

/* Does the block at @pfn of @order overlap one of the first @nr of @b? */
static bool ut_overlaps(const struct ut_block *b, unsigned long nr,
			unsigned long pfn, unsigned int order)
{
	unsigned long i, end = pfn + (1UL << order);

	for (i = 0; i < nr; i++) {
		unsigned long p = page_to_pfn(b[i].page);

		if (p < end && pfn < p + (1UL << b[i].order))
			return true;
	}
	return false;
}

static int ut_cmd_atomic_scrub(unsigned long rounds)
{
	unsigned long r, ok = 0, failed = 0, nonzero = 0, reused = 0, nr = 0;
	struct ut_block *filled;
	unsigned long flags;
	int err;

	if (!rounds || rounds > 1024)
		return -EINVAL;
	filled = kcalloc(rounds, sizeof(*filled), GFP_KERNEL);
	if (!filled)
		return -ENOMEM;
	err = ut_api_get();
	if (err)
		goto out;
	for (r = 0; r < rounds; r++) {
		unsigned int order = r % 4;
		size_t len = PAGE_SIZE << order;
		struct page *page;
		void *a;

		spin_lock_irqsave(&ut_atomic_lock, flags);
		page = ut_api.alloc_node(NUMA_NO_NODE, GFP_ATOMIC, order);
		spin_unlock_irqrestore(&ut_atomic_lock, flags);
		if (!page) {
			failed++;
			continue;
		}
		ok++;
		reused += ut_overlaps(filled, nr, page_to_pfn(page), order);
		a = ut_alias(page, order);
		if (a) {
			nonzero += ut_count_nonzero(a, len, 0);
			memset(a, UT_PATTERN, len);
			ut_unalias(a);
			filled[nr++] = (struct ut_block){ .page = page, .order = order };
		} else {
			err = -ENOMEM;
		}
		spin_lock_irqsave(&ut_atomic_lock, flags);
		ut_api.free(page, order);
		spin_unlock_irqrestore(&ut_atomic_lock, flags);
		if (err)
			break;
	}
	ut_api_put_if_idle();
	if (!err)
		ut_emit("ok %lu\nfailed %lu\nnonzero_bytes %lu\ndirty_reused %lu\n",
			ok, failed, nonzero, reused);
out:
	kfree(filled);
	return err;
}

static int ut_cmd_scrub_verify(unsigned long nr)
{
	unsigned long i, j, dirty = 0, nonzero = 0, reused = 0;
	struct ut_block *first, *second;
	int err;

	if (!nr || nr > 64)
		return -EINVAL;
	err = ut_api_get();
	if (err)
		return err;
	first = kcalloc(nr, sizeof(*first), GFP_KERNEL);
	second = kcalloc(nr, sizeof(*second), GFP_KERNEL);
	if (!first || !second) {
		err = -ENOMEM;
		goto out;
	}
	/* Fresh blocks must be zero; fill them, give them all back dirty... */
	err = ut_scrub_pass(first, nr, true, &nonzero, &dirty);
	ut_free_each(first, nr);
	/* ...and take the same amount again: it must read zero too. */
	if (!err)
		err = ut_scrub_pass(second, nr, false, &nonzero, &dirty);
	ut_free_each(second, nr);
	for (i = 0; i < nr; i++)
		for (j = 0; j < nr; j++)
			reused += second[i].page && second[i].page == first[j].page;
	if (!err)
		ut_emit("blocks %lu\ndirty_bytes_seen %lu\nreused_blocks %lu\nnonzero_bytes %lu\n",
			nr, dirty, reused, nonzero);
out:
	kfree(first);
	kfree(second);
	ut_api_put_if_idle();
	return err;
}

/* Best-of-@rounds time of one alloc+free cycle of a dirty order-9 block. */
static int ut_cycle_ns(gfp_t gfp, unsigned int rounds, u64 *best)
{
	unsigned int r;

	*best = U64_MAX;
	for (r = 0; r < rounds; r++) {
		u64 t0 = ktime_get_ns();
		struct page *page = ut_api.alloc_node(NUMA_NO_NODE, gfp, 9);

		if (!page)
			return -ENOMEM;
		ut_api.free(page, 9);
		*best = min(*best, ktime_get_ns() - t0);
		cond_resched();
	}
	return 0;
}

static int ut_cmd_scrub_bench(unsigned int rounds)
{
	u64 zero, nozero, direct = U64_MAX, scrub;
	struct page *page;
	unsigned int r, i;
	int err;

	if (!rounds || rounds > 1000)
		return -EINVAL;
	err = ut_api_get();
	if (err)
		return err;
	/* Leave one dirty block in the cache: every later cycle reuses it. */
	err = ut_cycle_ns(GFP_KERNEL | __GFP_UNMAPPED_NOZERO, 1, &nozero);
	if (!err)
		err = ut_cycle_ns(GFP_KERNEL | __GFP_UNMAPPED_NOZERO, rounds, &nozero);
	if (!err)
		err = ut_cycle_ns(GFP_KERNEL, rounds, &zero);
	ut_api_put_if_idle();
	if (err)
		return err;

	page = alloc_pages(GFP_KERNEL, 9);
	if (!page)
		return -ENOMEM;
	for (r = 0; r < rounds; r++) {
		u64 t0 = ktime_get_ns();

		for (i = 0; i < 512; i++)
			clear_page(page_address(page + i));
		direct = min(direct, ktime_get_ns() - t0);
		cond_resched();
	}
	__free_pages(page, 9);

	scrub = zero > nozero ? zero - nozero : 0;
	ut_emit("rounds %u\nzero_cycle_ns %llu\nnozero_cycle_ns %llu\n", rounds,
		zero, nozero);
	ut_emit("scrub_ns_per_page %llu\ndirect_clear_ns_per_page %llu\n",
		div_u64(scrub, 512), div_u64(direct, 512));
	ut_emit("scrub_vs_direct_pct %llu\n",
		direct ? div64_u64(scrub * 100, direct) : 0);
	return 0;
}

/* --- direct-map snapshot ------------------------------------------------- */

static int ut_cmd_dm_snapshot(void)
{
	unsigned long n = 0, skipped = 0, pfn;
	int nid;

	kvfree(ut_regions);
	ut_regions = NULL;
	ut_nr_regions = 0;
	for_each_online_node(nid)
		n += DIV_ROUND_UP(node_spanned_pages(nid), UT_REGION_PAGES) + 1;
	ut_regions = kvcalloc(n, sizeof(*ut_regions), GFP_KERNEL);
	if (!ut_regions)
		return -ENOMEM;
	for_each_online_node(nid) {
		unsigned long end = node_end_pfn(nid);

		for (pfn = ALIGN_DOWN(node_start_pfn(nid), UT_REGION_PAGES);
		     pfn < end && ut_nr_regions < n; pfn += UT_REGION_PAGES) {
			struct ut_region *r = &ut_regions[ut_nr_regions];
			unsigned int level;
			pte_t *pte = ktest_dm_entry(pfn, &level);

			if (!ktest_dm_present(pte))
				continue;
			/* Split since boot, mixed attributes (kernel image, low memory). */
			if (level == PG_LEVEL_4K) {
				skipped++;
				continue;
			}
			r->pfn = pfn;
			r->level = level;
			r->flags = ktest_dm_flags(pte);
			ut_nr_regions++;
		}
		cond_resched();
	}
	ut_emit("regions %lu\nregions_4k_skipped %lu\n", ut_nr_regions, skipped);
	return 0;
}

static int ut_cmd_dm_compare(void)
{
	unsigned long same = 0, l3 = 0, l2 = 0, np = 0, changed = 0;
	unsigned long touched = 0, touched_ok = 0, untouched_bad = 0;
	unsigned long diffs = 0, i, j;

	if (!ut_regions)
		return -ENOENT;
	for (i = 0; i < ut_nr_regions; i++) {
		struct ut_region *r = &ut_regions[i];
		bool present = true, flags_same = true, split4k = false;
		unsigned int level, lv;
		pte_t *pte = ktest_dm_entry(r->pfn, &level);

		if (!pte) {
			present = false;
		} else if (level == PG_LEVEL_4K) {
			split4k = true;
			for (j = 0; j < UT_REGION_PAGES; j++) {
				pte = ktest_dm_entry(r->pfn + j, &lv);
				if (!ktest_dm_present(pte))
					present = false;
				else if (ktest_dm_flags(pte) != r->flags)
					flags_same = false;
			}
		} else {
			present = pte_flags(*pte) & _PAGE_PRESENT;
			flags_same = ktest_dm_flags(pte) == r->flags;
		}
		if (!present)
			np++;
		else if (!flags_same)
			changed++;
		if (split4k)
			l2++;
		else if (r->level == PG_LEVEL_1G && level == PG_LEVEL_2M)
			l3++;
		else if (present && flags_same && level == r->level)
			same++;
		if (r->touched) {
			touched++;
			if (present && flags_same && !split4k)
				touched_ok++;
		} else if (!present || !flags_same || split4k) {
			untouched_bad++;
		}
		if ((!present || !flags_same || split4k) && diffs < 3) {
			diffs++;
			ut_emit("diff pfn %#lx was %s/%#llx now %s/%#llx present %d\n",
				r->pfn, ktest_level_name(r->level),
				(u64)r->flags, ktest_level_name(level),
				pte ? (u64)ktest_dm_flags(pte) : 0ULL, present);
		}
		if (!(i % 512))
			cond_resched();
	}
	ut_emit("regions %lu\nsame %lu\nlevel3_split %lu\nlevel2_split %lu\n",
		ut_nr_regions, same, l3, l2);
	ut_emit("not_present %lu\nflags_changed %lu\ntouched %lu\ntouched_ok %lu\n",
		np, changed, touched, touched_ok);
	ut_emit("untouched_changed %lu\n", untouched_bad);
	return 0;
}

/* --- command parsing ------------------------------------------------------- */

/* Value of "key=" in the words of @args, or @def. */
static int ut_arg(char *args, const char *key, unsigned long def,
		  unsigned long *val)
{
	size_t klen = strlen(key);
	char *p = args;

	*val = def;
	while (p && *p) {
		char *w = strsep(&p, " \t");

		if (!strncmp(w, key, klen) && w[klen] == '=')
			return kstrtoul(w + klen + 1, 0, val);
	}
	return 0;
}

static int ut_run(char *line)
{
	char *args = strim(line), *verb = strsep(&args, " \t");
	char copy[128];
	unsigned long a, b, c, d;
	int err;

	/* ut_arg() consumes the words: each look-up works on a fresh copy. */
#define UT_ARG(key, def, out) ({					\
		strscpy(copy, args ? args : "", sizeof(copy));		\
		ut_arg(copy, key, def, out); })

	if (!strcmp(verb, "alloc")) {
		unsigned long e, f, t;

		err = UT_ARG("mb", 0, &a) ?: UT_ARG("lo", 0, &b) ?:
		      UT_ARG("hi", 9, &c) ?: UT_ARG("node", (unsigned long)NUMA_NO_NODE, &d) ?:
		      UT_ARG("thisnode", 0, &t) ?: UT_ARG("mayfail", 0, &e) ?:
		      UT_ARG("account", 0, &f);
		return err ?: ut_cmd_alloc(a, b, c, (int)d, t, e, f);
	}
	if (!strcmp(verb, "free"))
		return UT_ARG("spread", 0, &a) ?: ut_cmd_free(a);
	if (!strcmp(verb, "counters")) {
		struct ut_counters now;

		ut_start_counters(&now);
		ut_emit("call_ipis %llu\nflush_ipis %llu\nsplits_l2 %llu\nsplits_l3 %llu\nnow %llu\n",
			now.k.call_ipis, now.flush_ipis, now.k.splits_l2,
			now.k.splits_l3, now.ns);
		return 0;
	}
	if (!strcmp(verb, "hold")) {
		err = UT_ARG("order", 0, &a);
		return err ?: a >= KTEST_NR_PAGE_ORDERS ? -EINVAL : ut_cmd_hold(a);
	}
	if (!strcmp(verb, "release"))
		return ut_cmd_release();
	if (!strcmp(verb, "hole")) {
		err = UT_ARG("order", 10, &a);
		return err ?: ut_cmd_hole(a);
	}
	if (!strcmp(verb, "unhole"))
		return ut_cmd_unhole();
	if (!strcmp(verb, "line")) {
		err = UT_ARG("order", 10, &a) ?: UT_ARG("n", 0, &b);
		return err ?: ut_cmd_line(a, b);
	}
	if (!strcmp(verb, "ref"))
		return ut_cmd_ref();
	if (!strcmp(verb, "unref"))
		return ut_cmd_unref();
	if (!strcmp(verb, "fill") || !strcmp(verb, "nonzero"))
		return ut_cmd_aside_bytes(!strcmp(verb, "fill"));
	if (!strcmp(verb, "misuse")) {
		char *eq;

		if (!args || strncmp(args, "case=", 5))
			return -EINVAL;
		eq = strim(args + 5);
		return ut_cmd_misuse(eq);
	}
	if (!strcmp(verb, "atomic")) {
		err = UT_ARG("rounds", 16, &a);
		return err ?: ut_cmd_atomic(a);
	}
	if (!strcmp(verb, "atomic_hold")) {
		err = UT_ARG("order", 0, &a) ?: UT_ARG("swap", 0, &b);
		return err ?: a >= KTEST_NR_PAGE_ORDERS || b > 1 ? -EINVAL :
			      ut_cmd_atomic_hold(a, b);
	}
	if (!strcmp(verb, "atomic_scrub")) {
		err = UT_ARG("rounds", 16, &a);
		return err ?: ut_cmd_atomic_scrub(a);
	}
	if (!strcmp(verb, "nofs"))
		return ut_cmd_nofs();
	if (!strcmp(verb, "scrub_verify")) {
		err = UT_ARG("blocks", 4, &a);
		return err ?: ut_cmd_scrub_verify(a);
	}
	if (!strcmp(verb, "scrub_bench")) {
		err = UT_ARG("rounds", 20, &a);
		return err ?: ut_cmd_scrub_bench(min(a, 100000UL));
	}
	if (!strcmp(verb, "dm_snapshot"))
		return ut_cmd_dm_snapshot();
	if (!strcmp(verb, "dm_compare"))
		return ut_cmd_dm_compare();
#undef UT_ARG
	return -EINVAL;
}

/* --- pfn_state ------------------------------------------------------------- */

static void *ut_pfn_start_fn(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&ut_cmd.lock);
	return *pos < ut_pfn_count ? (void *)(uintptr_t)(*pos + 1) : NULL;
}

static void *ut_pfn_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return *pos < ut_pfn_count ? (void *)(uintptr_t)(*pos + 1) : NULL;
}

static void ut_pfn_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&ut_cmd.lock);
}

static int ut_pfn_show(struct seq_file *m, void *v)
{
	unsigned long pfn = ut_pfn_start + (uintptr_t)v - 1;
	unsigned int level;
	bool present;

	if (!pfn_valid(pfn)) {
		seq_printf(m, "%#lx invalid\n", pfn);
		return 0;
	}
	present = ut_dm_present(pfn, &level);
	seq_printf(m, "%#lx present %d level %s\n", pfn, present,
		   ktest_level_name(level));
	return 0;
}

static const struct seq_operations ut_pfn_seq_ops = {
	.start = ut_pfn_start_fn,
	.next = ut_pfn_next,
	.stop = ut_pfn_stop,
	.show = ut_pfn_show,
};

static int ut_pfn_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &ut_pfn_seq_ops);
}

static ssize_t ut_pfn_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	unsigned long long start, count;
	char buf[64];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%lli %lli", &start, &count) != 2 || !count ||
	    count > UT_MAX_PFNS || start + count < start)
		return -EINVAL;
	mutex_lock(&ut_cmd.lock);
	ut_pfn_start = start;
	ut_pfn_count = count;
	mutex_unlock(&ut_cmd.lock);
	return len;
}

static const struct file_operations ut_pfn_fops = {
	.owner = THIS_MODULE,
	.open = ut_pfn_open,
	.read = seq_read,
	.write = ut_pfn_write,
	.llseek = seq_lseek,
	.release = seq_release,
};

/* --- module ----------------------------------------------------------------- */

static int __init ut_init(void)
{
	int err = ktest_flush_init();

	if (err) {
		pr_err("cannot probe the TLB flush callbacks: %d\n", err);
		return err;
	}
	ut_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ktest_cmd_create("cmd", 0600, ut_dir, &ut_cmd);
	debugfs_create_file("pfn_state", 0600, ut_dir, NULL, &ut_pfn_fops);
	return 0;
}

static void __exit ut_exit(void)
{
	debugfs_remove_recursive(ut_dir);
	ktest_flush_exit();
	/* Blocks still held go back before unmapped.ko may leave. */
	if (ut_nr_blocks)
		ut_cmd_free(false);
	if (ut_aside.page)
		ut_cmd_release();
	if (ut_ref_page)
		ut_cmd_unref();
	if (ut_hole.page)
		ut_cmd_unhole();
	kvfree(ut_regions);
}

module_init(ut_init);
module_exit(ut_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("unmapped test: drives the in-kernel API, reports the direct map");
