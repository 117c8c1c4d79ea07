/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core_api.h - what the cache core provides: the um_cache_* API, its types,
 * and the events it reports.
 *
 * The core (module/core, freestanding C++) never includes a kernel header.
 * Its contract with the rest is two plain C headers, as mimalloc separates
 * mimalloc.h from prim.h:
 *
 *   core_api.h, um_cache_*: what the core provides. Called by the module's
 *              front ends and observability (module/front, module/obs, the
 *              wiring in module/main.c) and by the host tests and the
 *              simulator (tests/).
 *   plat_api.h, um_plat_*: what the core needs. Implemented twice: over the
 *              real kernel in module/plat/linux/, and over a simulated x86
 *              direct map in module/plat/sim/ for unit tests and the
 *              simulator.
 *
 * Conventions (both headers)
 *   - Errors are negative Linux errno values (UM_E* below; the kernel
 *     platform checks at build time that they equal the kernel's).
 *   - A pfn is a page frame number; a "block" is 2^order pages starting at
 *     a pfn aligned to 2^order.
 *   - Context tags on every function:
 *       [sleeps]  may sleep: process context, no core lock held.
 *       [atomic]  never sleeps; callable with IRQs off or under a spinlock.
 *   - Nothing here is thread-safe unless it says so.
 *
 * What the core does NOT do: it never touches page contents itself (the
 * pages it manages are not mapped), never allocates memory under its own
 * locks, and never calls a [sleeps] platform function with a lock held.
 */
#ifndef UNMAPPED_CORE_API_H
#define UNMAPPED_CORE_API_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef u64 um_u64;
typedef u32 um_u32;
#else
#include <stddef.h>
#include <stdint.h>
typedef uint64_t um_u64;
typedef uint32_t um_u32;
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef um_u64 um_pfn_t;

/* Linux errno values used across the boundary (stable kernel ABI). */
enum {
	UM_ENOENT = 2,		/* pfn was never handed out by this cache */
	UM_EAGAIN = 11,		/* would have to sleep or wait; try again */
	UM_ENOMEM = 12,		/* no memory */
	UM_EBUSY = 16,		/* pages still in use */
	UM_ENODEV = 19,		/* no such NUMA node (or node has no memory) */
	UM_EINVAL = 22,		/* wrong order for this block / bad argument */
	UM_ERANGE = 34,		/* order above UM_MAX_ORDER - 1 */
	UM_EALREADY = 114,	/* block is already free (double free) */
	UM_EIO = 5,		/* platform operation failed (direct map, scrub) */
};

#define UM_MAX_ORDER	11	/* orders 0..10, as the 6.1 page allocator */
#define UM_PMD_ORDER	9	/* 2 MiB with 4 KiB pages */
#define UM_NUMA_NO_NODE	(-1)

/* ======================================================================
 * The core's API
 * ====================================================================== */

struct um_cache;		/* all per-node caches; opaque */
struct um_platform;		/* platform context; opaque to the core */

enum um_backend {
	UM_BACKEND_RANGE = 0,	/* whole block, one CPA call (default) */
	UM_BACKEND_PAGE = 1,	/* per-page set_direct_map_*, one flush/batch */
	UM_BACKEND_NR
};

/*
 * Knobs. Page counts are PER NUMA NODE. Changing them at runtime is safe
 * (um_cache_set_config); a backend change applies to blocks taken after it,
 * each block is returned with the backend that removed it.
 */
struct um_config {
	enum um_backend backend;
	um_u64 max_free_pages;	/* cap on cached FREE pages; 0 = no cap (see
				 * um_cache_trim: whole blocks only unless
				 * shrink_partial) */
	um_u64 min_free_pages;	/* kept by the shrinker (low watermark) */
	um_u64 prefill_pages;	/* taken at create / um_cache_prefill */
	um_u32 shrink_partial;	/* shrinker may release parts of 2M blocks
				 * (splits the direct map); default 0 */
	um_u32 keep_1g;		/* 1: a range-backend refill prefers blocks
				 * the direct map already maps below 1G, and
				 * splits a 1G entry only when a bounded
				 * search finds none (UM_REFILL_1G_CANDIDATES);
				 * 0: takes the page allocator's block */
	um_u32 percpu_pages;	/* most free order-0 pages each CPU keeps
				 * in front of the node's lock (0: none;
				 * at most 256; fewer under a small cap:
				 * see policy::magazineHigh) */
	um_u32 refill_batch_max; /* most 2M blocks one range refill takes
				 * under one TLB flush where the platform
				 * can defer it (0: as the CPU count needs,
				 * up to 8; 1: one; see policy::refillBatch) */
};

/* um_cache_alloc() flags */
#define UM_ALLOC_NOZERO	(1u << 0)  /* caller overwrites/converts the pages:
				    * skip scrubbing (kernel callers only) */
#define UM_ALLOC_ATOMIC	(1u << 1)  /* serve from the cache only: no refill,
				    * no sleeping, at most
				    * UM_ATOMIC_SCRUB_PAGES zeroed here;
				    * fails with -EAGAIN */
#define UM_ALLOC_THISNODE (1u << 2) /* nid is strict: never another node */
#define UM_ALLOC_MAYFAIL (1u << 3) /* a refill may fail rather than reclaim
				    * hard or invoke the OOM killer (the
				    * caller's __GFP_RETRY_MAYFAIL/NORETRY) */
#define UM_ALLOC_NOFS	(1u << 4)  /* the caller may hold locks that
				    * filesystem or I/O reclaim waits for
				    * (GFP_NOFS/GFP_NOIO): never wait for
				    * another thread's refill, which may be
				    * in such reclaim; refill alongside it */
#define UM_ALLOC_BULK	(1u << 5)  /* many more allocations follow (a large
				    * secret file filling): a refill takes
				    * the largest block, 4 MiB, so that one
				    * direct-map change and one flush serve
				    * twice the pages; a smaller one if that
				    * fails */
#define UM_ALLOC_VALID	(UM_ALLOC_NOZERO | UM_ALLOC_ATOMIC | UM_ALLOC_THISNODE | \
			 UM_ALLOC_MAYFAIL | UM_ALLOC_NOFS | UM_ALLOC_BULK)

/*
 * An UM_ALLOC_ATOMIC allocation zeroes at most this many dirty pages in its
 * caller's context, which may be a hard interrupt: it prefers a chunk that
 * needs no zeroing, and fails with -EAGAIN rather than zero more (an
 * order-10 chunk is 1024 pages, about a millisecond with interrupts off).
 * Dirty free pages are zeroed in the background instead (um_cache_scrub).
 */
#define UM_ATOMIC_SCRUB_PAGES	8

/* um_cache_shrink() flags */
#define UM_SHRINK_NOWAIT  (1u << 0) /* shrinker context. Accepted and moot:
				     * a release never waits for a refill or
				     * another release (it takes no sleeping
				     * lock), so it is safe from reclaim,
				     * even reclaim entered by a refill */
#define UM_SHRINK_ALL	  (1u << 1) /* the last resort before an OOM kill:
				     * min_free_pages and shrink_partial
				     * aside, every free page may go */

/**
 * um_cache_create() - set up one cache per node that has memory. [sleeps]
 * Prefills prefill_pages per node (best effort: a failed prefill is not an
 * error). Return: 0 or -ENOMEM / -EINVAL (bad config).
 */
int um_cache_create(struct um_platform *plat, const struct um_config *cfg,
		    struct um_cache **out);

/**
 * um_cache_destroy() - drain every node and free all metadata. [sleeps]
 * Pages that still cannot be mapped back (or scrubbed) are never given to
 * the page allocator: they stay out of it for good (leaked_pages).
 * Return: 0, or -EBUSY (nothing changed) while any page is handed out.
 */
int um_cache_destroy(struct um_cache *cache);

/** um_cache_set_config() - change the knobs. [sleeps] Return: 0 / -EINVAL. */
int um_cache_set_config(struct um_cache *cache, const struct um_config *cfg);
void um_cache_get_config(struct um_cache *cache, struct um_config *cfg);

/**
 * um_cache_alloc() - hand out one block of 2^order unmapped pages.
 * [sleeps] unless UM_ALLOC_ATOMIC is set, then [atomic].
 * @nid: node, or UM_NUMA_NO_NODE for the calling CPU's node. Without
 *       UM_ALLOC_THISNODE another node is used when @nid has no memory left.
 * On success the block is absent from the direct map on every CPU and, unless
 * UM_ALLOC_NOZERO, all zero.
 * Return: 0 and *pfn set; -ERANGE, -ENODEV, -EINVAL (unknown flag),
 *         -ENOMEM, -EAGAIN (ATOMIC and the cache is empty or too dirty, or
 *         the cache is frozen for hibernation), -EIO.
 */
int um_cache_alloc(struct um_cache *cache, int nid, unsigned int order,
		   unsigned int flags, um_pfn_t *pfn);

/**
 * um_cache_free() - give a block back. [atomic]
 * The block's contents are treated as secret: it is scrubbed before it is
 * handed out again or returned to the page allocator.
 * Return: 0; -ENOENT (not from this cache), -EALREADY (already free),
 *         -EINVAL (not the head of a block of this order), -ERANGE.
 *         On error nothing changes.
 */
int um_cache_free(struct um_cache *cache, um_pfn_t pfn, unsigned int order);

/**
 * um_cache_check_chunk() - is (@pfn, @order) a block handed out by this
 * cache? What um_cache_free() would return now, with nothing changed or
 * counted, so that a caller can undo its own per-block state (a memory
 * cgroup charge) before the block can be handed out again. [atomic]
 */
int um_cache_check_chunk(struct um_cache *cache, um_pfn_t pfn,
			 unsigned int order);

/**
 * um_cache_shrink_count() - free pages the shrinker may release now. [atomic]
 * @nid: node, or UM_NUMA_NO_NODE for all nodes. Excludes min_free_pages and,
 * unless shrink_partial, free pages inside partly used 2M blocks. An upper
 * bound: release works in whole blocks/chunks, none of which may cross the
 * watermark.
 */
um_u64 um_cache_shrink_count(struct um_cache *cache, int nid);

/**
 * um_cache_shrink() - release up to @nr_pages free pages. [sleeps]
 * Whole free blocks first, largest first (each goes back to the direct map
 * in one piece: no split); then, only if shrink_partial, free parts of
 * partly used blocks. Keeps min_free_pages (UM_SHRINK_ALL: neither rule
 * holds; free pages of partly used blocks go too). Pages are scrubbed while still
 * unmapped, then mapped back, then freed. Any number of shrinks, trims and
 * drains run side by side, each on its own chunks: none comes back empty
 * because another one (or a refill) is busy with the node.
 * Return: pages released (may exceed @nr_pages by less than one block).
 */
um_u64 um_cache_shrink(struct um_cache *cache, int nid, um_u64 nr_pages,
		       unsigned int flags);

/**
 * um_cache_trim() - enforce max_free_pages (see um_plat_request_trim).
 * [sleeps] Like the shrinker it releases whole free blocks, and free parts
 * of partly used blocks only with shrink_partial: free pages inside blocks
 * that still have pages handed out count against the cap but stay (giving
 * them back would split the block's 2M direct mapping) until their block
 * is wholly free.
 */
void um_cache_trim(struct um_cache *cache);

/** um_cache_prefill() - top every node up to prefill_pages. [sleeps] */
int um_cache_prefill(struct um_cache *cache);

/**
 * um_cache_scrub() - zero the free pages still dirty on every node, so that
 * atomic allocations find clean chunks (see um_plat_request_scrub). [sleeps]
 * Each chunk is taken out of the buddy while it is zeroed, at most 16 pages
 * at a time. Return: pages zeroed.
 */
um_u64 um_cache_scrub(struct um_cache *cache);

/** um_cache_drain() - release every free page on every node. [sleeps] */
um_u64 um_cache_drain(struct um_cache *cache);

/**
 * um_cache_drain_cpu() - give CPU @cpu's per-CPU pages back to their
 * nodes' free pages (the CPU went offline). [atomic] Return: pages moved.
 */
um_u64 um_cache_drain_cpu(struct um_cache *cache, int cpu);

/* --- hibernation ------------------------------------------------------ */

/*
 * A hibernation image holds every page taken from the page allocator, and
 * the kernel copies a page missing from the direct map by mapping it back
 * one page at a time: for a page behind a non-present 2M entry, a split
 * with interrupts off, and the page's secret on disk. So before one, the
 * cache must hold no page at all, and take none until it is over.
 */
struct um_freeze_report {
	um_u64 pages_in_use;	/* handed out when the freeze was tried */
	um_u64 pages_kept;	/* still taken from the page allocator after
				 * the drain: leaked (could not be mapped
				 * back), or being released or zeroed by
				 * another thread at that moment */
	um_u64 pages_released;	/* given back by the freeze */
};

/**
 * um_cache_freeze() - stop taking blocks and handing out pages, then give
 * every free page back to the page allocator. [sleeps]
 * Each node is marked frozen with its mutex and its spinlock held, and its
 * pages_in_use read in the same critical section: an allocation that got a
 * chunk or is refilling (under the mutex) before that is counted, one that
 * comes after finds the node frozen and fails. Nothing is drained while
 * pages are in use.
 * Return: 0: frozen and empty, and until um_cache_thaw() every allocation
 *	   fails with -EAGAIN, nothing refills (prefill included) and the
 *	   background scrub stops; -EBUSY: pages in use or kept (@rep says
 *	   which), the cache is not frozen (what was free may have been given
 *	   back).
 */
int um_cache_freeze(struct um_cache *cache, struct um_freeze_report *rep);

/** um_cache_thaw() - undo um_cache_freeze(); no-op if not frozen. [atomic] */
void um_cache_thaw(struct um_cache *cache);

/* --- statistics ------------------------------------------------------- */

/*
 * Counters, one list for every consumer (debugfs, netlink, docs):
 * X(name, description). Monotonic unless the description says "now".
 */
#define UM_STAT_ITEMS(X)						\
	X(allocs,		"blocks handed out")			\
	X(alloc_pages,		"pages handed out")			\
	X(alloc_failures,	"allocations that failed")		\
	X(frees,		"blocks given back")			\
	X(free_pages,		"pages given back")			\
	X(bad_frees,		"frees rejected (foreign, double, wrong order)") \
	X(refills,		"blocks taken from the page allocator")	\
	X(refill_pages,		"pages taken from the page allocator")	\
	X(refill_fallbacks,	"refills served below the wanted order") \
	X(refill_failures,	"refills that got no memory")		\
	X(refills_nowait,	"refills a GFP_NOFS/NOIO caller did beside a busy one") \
	X(refill_batched,	"blocks refills took beside their first, to share its TLB flush (counted in refills too)") \
	X(refill_joined,	"batched blocks removed in one direct-map change with the adjacent block before them, where each change flushes (6.1, 6.12): one flush per run") \
	X(refill_run_spares,	"blocks such batches took beyond their size to find adjacent ones, and gave back untouched (never unmapped nor zeroed)") \
	X(refill_1g_searches,	"refills whose first block lay in a 1G direct-map entry, so keep_1g looked for another") \
	X(refill_1g_candidates_tried, "extra blocks those searches took from the page allocator") \
	X(refill_1g_candidates_returned, "blocks those searches gave back unused (1G-mapped, or not needed)") \
	X(refill_1g_split_accepted, "searches that found no block mapped below 1G and kept a 1G-mapped one (its 1G entry splits)") \
	X(refill_1g_directed,	"searches whose candidates were all 1G-mapped that took a free block by address, in memory mapped below 1G") \
	X(refill_1g_directed_missed, "directed walks that found no such block within their bound (the search then splits a 1G entry)") \
	X(refill_1g_directed_looked, "blocks and 1G entries the directed walks looked at (at most 1024 per walk)") \
	X(releases,		"blocks given back to the page allocator") \
	X(release_pages,	"pages given back to the page allocator") \
	X(shrink_calls,		"shrink requests")			\
	X(shrink_pages,		"pages released by shrink requests")	\
	X(trim_calls,		"trims run over max_cached_mb")		\
	X(trim_pages,		"pages released by trims")		\
	X(scrubbed_pages,	"pages zeroed while unmapped")		\
	X(bg_scrubbed_pages,	"free pages zeroed ahead of use, in the background (counted in scrubbed_pages too)") \
	X(atomic_scrub_refused,	"atomic allocations refused: their chunk needed more zeroing than atomic context may do") \
	X(dm_calls,		"direct-map change calls")		\
	X(dm_pages_removed,	"pages removed from the direct map")	\
	X(dm_pages_restored,	"pages returned to the direct map")	\
	X(dm_failures,		"direct-map changes that failed")	\
	X(tlb_flushes,		"TLB flushes requested: one per range change (CPA skips it when nothing changed), one per page-backend batch") \
	X(splits_l2,		"2M->4K direct-map splits seen by our calls") \
	X(splits_l3,		"1G->2M direct-map splits seen by our calls") \
	X(leaked_pages,		"pages that could not be mapped back (kept)") \
	X(pages_cached,		"pages held now (free + in use)")	\
	X(pages_in_use,		"pages handed out now")			\
	X(pages_free,		"free pages in the cache now")		\
	X(pages_dirty,		"free pages waiting to be zeroed now")	\
	X(peak_cached,		"highest pages_cached")			\
	X(peak_in_use,		"highest pages_in_use")			\
	X(blocks_cached,	"blocks from the page allocator held now") \
	X(node_lock_holds,	"times a node's spinlock was taken to work: each allocation and free outside the per-CPU lists, their fills and flushes, refills, releases, scrubs (reading counters, config or blocks is not counted)") \
	X(percpu_pages,		"free pages in per-CPU lists now (counted in pages_free)") \
	X(percpu_fills,		"per-CPU lists filled from the node's free pages, up to 64 pages under one node-lock hold") \
	X(percpu_flushes,	"per-CPU lists emptied back into the node's free pages (full, drained, trimmed or CPU offline)")

enum um_stat_item {
#define UM_STAT_ENUM(name, desc) UM_STAT_##name,
	UM_STAT_ITEMS(UM_STAT_ENUM)
#undef UM_STAT_ENUM
	UM_STAT_NR
};

struct um_stats {
	um_u64 v[UM_STAT_NR];
	um_u64 nr_free[UM_MAX_ORDER];	/* free blocks per order, now */
	um_u64 allocs_by_order[UM_MAX_ORDER];
	um_u64 frees_by_order[UM_MAX_ORDER];
	um_u64 refills_by_order[UM_MAX_ORDER];	/* order of blocks taken */
};

/** um_stat_name() / um_stat_desc() - names for UM_STAT_*; NULL if out of range. */
const char *um_stat_name(unsigned int item);
const char *um_stat_desc(unsigned int item);

/**
 * um_cache_stats() - copy one node's counters, or the sum over all nodes for
 * UM_NUMA_NO_NODE. [atomic] Return: 0 or -ENODEV.
 */
int um_cache_stats(struct um_cache *cache, int nid, struct um_stats *out);

/** um_cache_nodes() - number of node ids (valid nids are 0..n-1). [atomic] */
int um_cache_nodes(struct um_cache *cache);

/*
 * um_cache_blocks() - what the blocks held from the page allocator are
 * (debugfs "blocks"), copied a bounded batch at a time. [atomic]
 * A walk visits node after node and, within a node, blocks in pfn order
 * (then order: a block nested in another's released pages comes after it).
 * Each call copies at most min(@max, UM_BLOCKS_PER_LOCK) blocks of ONE
 * node, under that node's IRQ-safe lock taken once for them (nodes with
 * nothing left are passed over on the way): a lock hold is bounded
 * whatever the cache holds, and slow work on the result (page-table
 * lookups, printing) runs between calls, without any lock.
 * A block taken or released during a walk may or may not be seen; no block
 * is reported twice by one walk.
 * @nid: one node, or UM_NUMA_NO_NODE for every node.
 * @cur: zeroed to start a walk; advanced past the blocks copied.
 * Return: blocks copied to @out; 0 once the walk is over.
 */
#define UM_BLOCKS_PER_LOCK	32
struct um_block_info {
	um_pfn_t pfn;
	unsigned int order;
	int nid;
	enum um_backend backend;
	um_u64 free_pages;
	um_u64 used_pages;
	um_u64 released_pages;	/* given back already (partial release) */
};
struct um_block_cursor {
	int nid;		/* the node the walk is on */
	unsigned int order;	/* the next block is the first at or after */
	um_pfn_t pfn;		/* (pfn, order) on that node */
};
unsigned int um_cache_blocks(struct um_cache *cache, int nid,
			     struct um_block_cursor *cur,
			     struct um_block_info *out, unsigned int max);

/* ======================================================================
 * Events the core reports (through um_plat_event(), plat_api.h)
 * ====================================================================== */

/*
 * Cost of direct-map work; platform functions ADD to it. @flushes counts
 * the flushes the calls do or are asked for (cpa_flush(),
 * um_plat_tlb_flush()); the flush_tlb_all() that CPA does inside every
 * split is not in it: each split counted in @splits_l2/@splits_l3 implies
 * one more.
 */
struct um_dm_cost {
	um_u64 calls;		/* direct-map change calls made */
	um_u64 flushes;		/* TLB flushes done (all-CPU) */
	um_u64 splits_l2;	/* 2M->4K splits observed during the call */
	um_u64 splits_l3;	/* 1G->2M splits observed during the call */
};

/* Events for tracing and notification; see um_plat_event(). */
enum um_event_type {
	UM_EV_ALLOC,		/* block handed out (pfn, order) */
	UM_EV_FREE,		/* block given back (pfn, order) */
	UM_EV_REFILL,		/* block taken from the page allocator */
	UM_EV_RELEASE,		/* pages given back to the page allocator */
	UM_EV_SHRINK,		/* shrink request done (pages = released) */
	UM_EV_ALLOC_FAIL,	/* allocation failed (err) */
	UM_EV_NR
};

struct um_event {
	enum um_event_type type;
	int nid;
	unsigned int order;
	enum um_backend backend;
	int err;		/* ALLOC_FAIL: the error returned */
	um_pfn_t pfn;
	um_u64 pages;		/* pages concerned (SHRINK: released) */
	um_u64 requested;	/* SHRINK: pages asked for */
	struct um_dm_cost cost;	/* direct-map work this event cost */
	um_u64 duration_ns;	/* REFILL/RELEASE/SHRINK: wall time */
};

#ifdef __cplusplus
}
#endif

#endif /* UNMAPPED_CORE_API_H */
