/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plat_api.h - what the cache core needs from its platform: um_plat_*.
 *
 * Implemented by module/plat/linux/ (the kernel: the only place that
 * defines um_plat_* for the module) and module/plat/sim/ (a simulated x86
 * direct map for the host tests). Only the core calls these; front ends
 * and observability go through core_api.h. Conventions and context tags
 * are core_api.h's.
 */
#ifndef UNMAPPED_CORE_PLAT_API_H
#define UNMAPPED_CORE_PLAT_API_H

#include "core_api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- memory for metadata ---------------------------------------------- */

/** um_plat_meta_alloc() - zeroed memory for core bookkeeping. [sleeps] */
void *um_plat_meta_alloc(struct um_platform *p, size_t size, int nid);
void um_plat_meta_free(struct um_platform *p, void *ptr); /* [atomic] */

/*
 * Lock-free readers. The per-CPU fast free (magazine.cpp) finds a page's
 * block with no core lock held, so a block's metadata must outlive every
 * such reader that may have seen it: readers bracket the lookup with
 * um_plat_read_lock/unlock (the kernel: rcu_read_lock), and a block is
 * freed with um_plat_meta_free_deferred(), which frees it once every
 * reader that started before the call is done (kfree_rcu). Its first
 * UM_DEFERRED_FREE_BYTES bytes are the platform's scratch from the call on.
 * Readers never take a core lock or sleep inside.
 */
#define UM_DEFERRED_FREE_BYTES	16
void um_plat_read_lock(struct um_platform *p);		/* [atomic] */
void um_plat_read_unlock(struct um_platform *p);	/* [atomic] */
void um_plat_meta_free_deferred(struct um_platform *p, void *ptr); /* [atomic] */

/* --- page allocator --------------------------------------------------- */

/**
 * um_plat_block_alloc() - a block from the page allocator. [sleeps]
 * Physically contiguous, aligned to 2^order pages, on node @nid only, zeroed,
 * mapped in the direct map with its boot-time attributes and in no other
 * kernel mapping the platform cannot remove with it. Each page can later be
 * freed on its own (um_plat_pages_free). Does not try hard for order > 0
 * (no OOM kill, little reclaim): the core falls back to lower orders. With
 * UM_ALLOC_MAYFAIL in @flags (the allocation's UM_ALLOC_* flags) not for
 * order 0 either.
 * Return: 0 and *pfn, or -ENOMEM.
 */
int um_plat_block_alloc(struct um_platform *p, int nid, unsigned int order,
			unsigned int flags, um_pfn_t *pfn);

/*
 * Platform-only bit in um_plat_block_alloc()'s @flags (never a caller's:
 * outside UM_ALLOC_VALID): take the block from the node's low zones only
 * (x86-64: ZONE_DMA32, below 4 GiB), which the kernel maps with 2M and 4K
 * entries where its holes are, while ZONE_NORMAL above 4 GiB is usually all
 * 1G entries. A keep_1g refill asks for such candidates.
 */
#define UM_PLAT_ALLOC_LOWZONE	(1u << 31)
/*
 * Platform-only bit too: a keep_1g candidate, from free memory only (no
 * reclaim, no compaction, no kswapd wakeup): a search must stay cheap, and
 * the first block already tried as hard as the caller's flags say.
 */
#define UM_PLAT_ALLOC_CANDIDATE	(1u << 30)

/* Extra blocks one keep_1g refill may take while looking (its bound). */
#define UM_REFILL_1G_CANDIDATES	4

/**
 * um_plat_block_alloc_at() - the block of @order at @pfn (aligned), if the
 * page allocator holds all of it free, on node @nid, in one zone, and in no
 * other kernel mapping: taken out of the page allocator there, as
 * um_plat_block_alloc() hands a block out (zeroed, each page freeable on its
 * own). [sleeps] For a keep_1g refill that looks for a block by where it
 * is, once the page allocator's own choices were 1G-mapped: a cheap look
 * first, the taking only for a block that looked free (x86:
 * alloc_contig_range(), which waits for an RCU grace period and drains
 * every CPU's page lists). @order is at least UM_PMD_ORDER.
 * Return: 0; -EBUSY: not free (or taken meanwhile), nothing taken;
 * -ENOMEM: the page allocator failed.
 */
int um_plat_block_alloc_at(struct um_platform *p, int nid, unsigned int order,
			   um_pfn_t pfn);

/**
 * um_plat_pages_free() - give pages back to the page allocator. [atomic]
 * Every page must be present in the direct map again and hold no data from
 * its unmapped life (scrubbed).
 */
void um_plat_pages_free(struct um_platform *p, um_pfn_t pfn, um_u64 nr);

/* --- direct map ------------------------------------------------------- */

/**
 * um_plat_dm_set_range() - remove (present=0) or restore (present=1)
 * [pfn, pfn+nr) in the direct map with ONE change. [sleeps]
 * On return no CPU holds a stale translation: the platform flushes TLBs
 * itself and counts it in @cost. A range covering whole aligned large
 * mappings keeps them whole; restoring brings back the original attributes
 * (present, RW, global), so a whole 2M block comes back bit for bit.
 * Return: 0, or -ENOMEM/-EIO. On failure the range may be partly changed:
 * the caller restores it (present=1) before freeing, or keeps the pages.
 */
int um_plat_dm_set_range(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
			 int present, struct um_dm_cost *cost);

/**
 * um_plat_dm_set_page() - one page, without a TLB flush. [sleeps]
 * After removing pages the caller MUST call um_plat_tlb_flush() over them
 * before anyone relies on their absence. Restoring needs no flush.
 * Return: 0, or -ENOMEM/-EIO (the page is unchanged).
 */
int um_plat_dm_set_page(struct um_platform *p, um_pfn_t pfn, int present,
			struct um_dm_cost *cost);

/* Levels of direct-map entries (x86 PG_LEVEL_* values). */
enum um_dm_level {
	UM_DM_LEVEL_NONE = 0,	/* no mapping (not direct-map memory) */
	UM_DM_LEVEL_4K = 1,
	UM_DM_LEVEL_2M = 2,
	UM_DM_LEVEL_1G = 3,
};

/**
 * um_plat_dm_level() - the level of the direct-map entry covering @pfn,
 * present or not (lookup_address()). [atomic]
 */
enum um_dm_level um_plat_dm_level(struct um_platform *p, um_pfn_t pfn);

/**
 * um_plat_dm_can_defer_flush() - can removals be batched under one flush
 * (um_plat_dm_remove_noflush())? A property of the kernel, fixed. [atomic]
 */
bool um_plat_dm_can_defer_flush(struct um_platform *p);

/**
 * um_plat_dm_remove_noflush() - um_plat_dm_set_range(present=0) without
 * the flush: the caller MUST um_plat_tlb_flush() over the pages before
 * their absence counts. Keeps whole large mappings whole, as the ranged
 * call does. [sleeps]
 * Return: 0, or -ENOMEM/-EIO (-EIO too where the platform cannot defer the
 * flush): then the range may be partly changed; the caller restores it.
 */
int um_plat_dm_remove_noflush(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
			      struct um_dm_cost *cost);

/** um_plat_tlb_flush() - flush kernel TLB entries for the range on every CPU. [sleeps] */
void um_plat_tlb_flush(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
		       struct um_dm_cost *cost);

/* --- scrubbing -------------------------------------------------------- */

#define UM_SCRUB_MAY_SLEEP (1u << 0)	/* may reschedule between pages */

/**
 * um_plat_scrub() - zero pages whether or not they are in the direct map,
 * leaving no mapping of them on any CPU. [atomic] without
 * UM_SCRUB_MAY_SLEEP. Return: 0 or -EIO (then the pages are unchanged or
 * partly zeroed: still secret).
 */
int um_plat_scrub(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
		  unsigned int flags);

/* --- locks ------------------------------------------------------------ */

struct um_lock;			/* IRQ-safe spinlock */
struct um_mutex;		/* sleeping lock */

/*
 * What a lock guards: each kind is one lock class for the kernel's lock
 * validator (lockdep), which must see a magazine's lock and its node's as
 * two classes, taken in that order (node_cache.h), not one class nested.
 */
enum um_lock_kind {
	UM_LOCK_NODE,		/* a node's buddy (NodeLock) */
	UM_LOCK_MAGAZINE,	/* one CPU's magazine for a node */
	UM_LOCK_NR
};

struct um_lock *um_plat_lock_create(struct um_platform *p, int nid,
				    enum um_lock_kind kind); /* [sleeps] */
void um_plat_lock_destroy(struct um_platform *p, struct um_lock *l);
unsigned long um_plat_lock(struct um_lock *l);		/* [atomic], irqsave */
void um_plat_unlock(struct um_lock *l, unsigned long flags);

struct um_mutex *um_plat_mutex_create(struct um_platform *p, int nid); /* [sleeps] */
void um_plat_mutex_destroy(struct um_platform *p, struct um_mutex *m);
void um_plat_mutex_lock(struct um_mutex *m);		/* [sleeps] */
int um_plat_mutex_trylock(struct um_mutex *m);		/* 1 if taken */
void um_plat_mutex_unlock(struct um_mutex *m);

/* --- nodes, time, events ---------------------------------------------- */

/** um_plat_nr_nodes() - node ids are 0..n-1. [atomic] */
int um_plat_nr_nodes(struct um_platform *p);
/** um_plat_node_has_memory() - may blocks be taken on @nid? [atomic] */
int um_plat_node_has_memory(struct um_platform *p, int nid);
/**
 * um_plat_current_node() - node where a UM_NUMA_NO_NODE request starts: the
 * calling CPU's, or the nearest with memory if the CPU's has none. [atomic]
 */
int um_plat_current_node(struct um_platform *p);
/**
 * um_plat_node_span() - the pfns node @nid spans now, [*@start, *@end)
 * (node_start_pfn, node_end_pfn). [sleeps] Memory added later may lie
 * outside it; the core then only loses its fast path for those pages.
 */
void um_plat_node_span(struct um_platform *p, int nid, um_pfn_t *start,
		       um_pfn_t *end);
/** um_plat_nr_cpus() - CPU ids are 0..n-1 (nr_cpu_ids). [atomic] */
int um_plat_nr_cpus(struct um_platform *p);
/**
 * um_plat_flush_targets() - how many other CPUs a kernel TLB flush
 * interrupts now (online CPUs but one), the IPIs one flush costs. [atomic]
 */
int um_plat_flush_targets(struct um_platform *p);
/**
 * um_plat_cpu_hint() - the calling CPU's id, which may be stale by the
 * time it is used (raw_smp_processor_id()): the core only picks a
 * per-CPU structure with it, and locks what it picks. [atomic]
 */
int um_plat_cpu_hint(struct um_platform *p);
/**
 * um_plat_pfn_node() - node of the memory at @pfn (pfn_to_nid()), or a
 * negative value if @pfn is not memory. Lets um_cache_free() go straight
 * to the one node cache that can own a page. [atomic]
 */
int um_plat_pfn_node(struct um_platform *p, um_pfn_t pfn);

um_u64 um_plat_now_ns(struct um_platform *p);		/* [atomic] */
void um_plat_cond_resched(struct um_platform *p);	/* [sleeps] */

/**
 * um_plat_request_trim() - free pages exceed max_free_pages and a trim can
 * release some of them; arrange for um_cache_trim() to run soon from
 * process context. [atomic] At most one request is outstanding per node:
 * the next comes after that trim has started.
 */
void um_plat_request_trim(struct um_platform *p);

/**
 * um_plat_request_scrub() - a node that serves UM_ALLOC_ATOMIC allocations
 * has dirty free pages; arrange for um_cache_scrub() to run soon from
 * process context. [atomic] At most one request is outstanding per node.
 * Nodes without atomic users never ask: their allocations zero what they
 * take themselves, and NOZERO ones need nothing zeroed.
 */
void um_plat_request_scrub(struct um_platform *p);

/**
 * um_plat_event() - something happened (tracepoints, netlink). Called with
 * no core lock held by the code that emits it. [atomic]: the platform must
 * not sleep here. Note that a shrinker run from direct reclaim inside a
 * refill's um_plat_block_alloc() emits UM_EV_RELEASE and UM_EV_SHRINK
 * while that refill, an outer frame of the same thread, holds the node's
 * mutex.
 */
void um_plat_event(struct um_platform *p, const struct um_event *ev);

/**
 * um_plat_event_wanted() - would an event of @type reach anyone now? The
 * per-CPU fast path asks before it builds one (nobody traces allocations
 * most of the time). A hint: true may come for nothing, and an event
 * emitted anyway is fine. [atomic]
 */
bool um_plat_event_wanted(struct um_platform *p, enum um_event_type type);

/**
 * um_plat_bug() - an internal invariant broke (a core bug, never a caller
 * error). The kernel WARNs once; the simulator fails the test. [atomic]
 */
void um_plat_bug(struct um_platform *p, const char *what, const char *file,
		 int line);

#ifdef __cplusplus
}
#endif

#endif /* UNMAPPED_CORE_PLAT_API_H */
