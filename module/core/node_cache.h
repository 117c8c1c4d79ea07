/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * node_cache.h - one NUMA node's cache of unmapped blocks.
 *
 * State: the blocks held from the page allocator (blocks_), the buddy free
 * areas (free_area_[k]: blocks with a free chunk of order k), the whole
 * free blocks (whole_[k]: blocks of order k with every page free, by pfn:
 * the first to be released, highest first), the blocks with dirty free pages (dirty_: work for the
 * background scrub), the pfn lookup tree and the counters.
 *
 * Locking rules
 *   lock_ (NodeLock, IRQ-safe spinlock) guards every field below that is
 *     not marked otherwise, and every Block reachable from them. Held only
 *     for bitmap and list work: O(1), O(log n) or, for the lookup of a
 *     freed pfn, O(orders x log n), never across a platform
 *     call tagged [sleeps], never across um_plat_event(). Methods that need
 *     it take a `const NodeLock &` and end in ...Locked.
 *   mutex_ (NodeSerial, sleeping) serialises refills on this node, so two
 *     threads racing on an empty cache do not both refill, and the leaked
 *     retry, so a leaked run is restored and freed once. It is held across
 *     page allocations (which may enter reclaim), so nothing that reclaim
 *     calls may wait for it, and neither may a caller that holds a lock
 *     such reclaim waits for: a UM_ALLOC_NOFS refill only tries the mutex
 *     and, if a refill is under way, takes its own block beside it.
 *   Releases (shrink, trim, drain) take no mutex: each detaches its chunk
 *     under lock_ and pins its block (Block::pins), so any number of them,
 *     the shrinker's included, run side by side and none ever comes back
 *     empty-handed because another one is busy. A block's metadata is
 *     freed by whoever drops its last pin once all its pages are gone, and
 *     a block is unlinked (lookup tree included) BEFORE its pages go back
 *     to the page allocator, which may hand the same range to a refill.
 *   Adding a block needs lock_ (and mutex_, but for UM_ALLOC_NOFS refills:
 *     a new block holds no leaked run a retry could be restoring); removing
 *     one needs lock_ (and no pin on it); walking blocks_ needs lock_.
 *   Order: mutex_ before lock_. UM_ALLOC_ATOMIC never touches mutex_.
 *   frozen_ is written with both held and read with either: allocations
 *     test it under lock_, refills (which hold mutex_ from their check to
 *     their commit) under both, so freeze() sees every allocation that
 *     got past the test. A UM_ALLOC_NOFS refill that runs without mutex_
 *     is counted in refills_alone_ (under lock_) from its check to its
 *     commit, and freeze() counts it as a page in use.
 *   Events are emitted with no lock held.
 *   Magazines (magazine.h) have a spinlock each, taken before lock_ when
 *   both are needed (a batch move), never after it. mag_gen_ is bumped
 *   under both by every batch move. frozen_ and mag_high_ are also read
 *   with only a magazine's lock (atomics); the out bits and index_ with
 *   no lock at all.
 *
 * The shape of every slow operation is prepare (under lock_: pick and
 * detach), work (no lock_: page allocation, direct map, scrub, meta alloc),
 * commit (under lock_: publish and count). The tickets below carry the
 * state between the steps.
 */
#ifndef UNMAPPED_CORE_NODE_CACHE_H
#define UNMAPPED_CORE_NODE_CACHE_H

#include "block.h"
#include "block_index.h"
#include "magazine.h"
#include "policy.h"
#include "refill_1g.h"

namespace um {

class NodeCache;

/*
 * Holds the node's spinlock while it lives. kWork holds are counted in
 * node_lock_holds; kRead ones (counters, config, block walks, the
 * shrinker's count) are not, so that reading the counter moves nothing.
 */
class NodeLock {
public:
	enum Use { kWork, kRead };

	explicit NodeLock(NodeCache &node, Use use = kWork);
	~NodeLock();
	NodeLock(const NodeLock &) = delete;
	NodeLock &operator=(const NodeLock &) = delete;

private:
	NodeCache &node_;
	unsigned long flags_;
};

/*
 * Holds the node's mutex while it lives. Made with kTry it only tries:
 * held() says whether it got it.
 */
class NodeSerial {
public:
	enum Mode { kWait, kTry };

	explicit NodeSerial(NodeCache &node, Mode mode = kWait);
	~NodeSerial();
	NodeSerial(const NodeSerial &) = delete;
	NodeSerial &operator=(const NodeSerial &) = delete;

	bool held() const { return held_; }

private:
	NodeCache &node_;
	bool held_;
};

/* A chunk taken for an allocation; its dirty pages still to be scrubbed. */
struct Grant {
	unsigned flags;		/* UM_ALLOC_*, set by the caller */
	Block *block;
	u32 off;
	unsigned order;
	bool scrub;		/* dirty pages to zero before handing out */
	PageSet dirty;
};

/* A block a refill takes beside its first, to share its TLB flush. */
struct RefillExtra {
	um_pfn_t pfn;
	Block *block;		/* metadata, initialised at commit */
	bool leaked;		/* removal and restore failed: kept, never used */
};

/* A block being taken from the page allocator (and its batch). */
struct RefillTicket {
	enum class Outcome { NotNeeded, NoMemory, DmFailed, Leaked, Ready };

	Outcome outcome;	/* NotNeeded: a racing refill served us */
	int err;
	Block *block;		/* metadata, initialised at commit */
	um_pfn_t pfn;
	unsigned order;
	unsigned wanted_order;
	um_backend backend;
	um_dm_cost cost;
	u64 start_ns;
	bool keep_1g;		/* cfg_.keep_1g, for the range backend */
	Refill1gTally search;	/* keep_1g's candidate search */
	u32 nr_extra;		/* extra[] in use */
	u32 joined;		/* blocks removed in one change with the one before */
	u32 spares;		/* blocks taken to find longer runs, given back */
	RefillExtra extra[policy::kRefillBatchMax - 1];
};

/* A chunk (maybe a whole block) detached from the buddy for release. */
struct ReleaseTicket {
	Block *block;		/* pinned until done; may be freed then */
	um_pfn_t pfn;
	u32 off;
	unsigned order;
	um_backend backend;
	PageSet dirty;
	um_dm_cost cost;
	u64 start_ns;
	bool done;		/* pages reached the page allocator */
};

class NodeCache {
public:
	/**
	 * init() - set up an empty node cache. [sleeps]
	 * @plat: the platform. @nid: this node. @cfg: validated knobs.
	 * Return: 0 or -ENOMEM.
	 */
	int init(um_platform *plat, int nid, const um_config &cfg);

	/**
	 * fini() - forget every block left and free the locks. [sleeps]
	 * Drain first: what is still here could not be scrubbed or mapped
	 * back, and is kept out of the page allocator for good.
	 */
	void fini();

	int nid() const { return nid_; }

	/**
	 * alloc() - one chunk of 2^@order pages, unmapped, zeroed unless
	 * UM_ALLOC_NOZERO. [sleeps] unless UM_ALLOC_ATOMIC.
	 * @order: 0..kMaxOrder-1. @flags: UM_ALLOC_*. @pfn: first page.
	 * Failures are counted by the caller (noteAllocFailure()), which may
	 * still succeed on another node.
	 * Return: 0; -EAGAIN (ATOMIC, nothing cached), -ENOMEM, -EIO.
	 */
	int alloc(unsigned order, unsigned flags, um_pfn_t *pfn);

	/** noteAllocFailure() - count and report a failed um_cache_alloc(). [atomic] */
	void noteAllocFailure(unsigned order, int err);

	/**
	 * free() - give back a chunk this node handed out. [atomic]
	 * Return: 0; -ENOENT if no block of this node holds @pfn (not
	 * counted here); -EALREADY or -EINVAL (counted as a bad free,
	 * nothing else changes).
	 */
	int free(um_pfn_t pfn, unsigned order);

	/**
	 * checkChunk() - what free(@pfn, @order) would say now, without
	 * changing or counting anything. [atomic]
	 */
	int checkChunk(um_pfn_t pfn, unsigned order);

	/** noteBadFree() - count a free of a page no block holds. [atomic] */
	void noteBadFree();

	/** shrinkCount() - pages a shrinker may release now. [atomic] */
	u64 shrinkCount();

	/**
	 * release() - give free pages back following @goal: whole blocks
	 * largest first, then (goal.partial) the largest free chunks.
	 * [sleeps], but never waits for another refill or release: safe from
	 * reclaim, including reclaim entered by this node's own refill.
	 * @cost: direct-map work is added here.
	 * Return: pages released.
	 */
	u64 release(const policy::ReleaseGoal &goal, um_dm_cost *cost);

	/**
	 * shrink() - one shrink request on this node: release() with the
	 * shrinker's goal, counted and reported as UM_EV_SHRINK. [sleeps]
	 * Return: pages released.
	 */
	u64 shrink(u64 nr_pages, bool all);

	/**
	 * drainCpu() - send CPU @cpu's magazine back to the buddy (the CPU
	 * went offline). [atomic] Return: pages moved.
	 */
	u64 drainCpu(int cpu);

	/** drain() - release every free page, then retry leaked ones. [sleeps] */
	u64 drain();

	/**
	 * trim() - release down to max_free_pages, re-arm the request: the
	 * next free after it that finds a trim able to release something
	 * asks for one again. [sleeps] Return: pages released.
	 */
	u64 trim();

	/**
	 * retryLeaked() - map leaked pages back and free them where that
	 * works now. [sleeps] Return: pages freed.
	 */
	u64 retryLeaked();

	/**
	 * scrubFree() - zero every dirty free page, a few at a time, each
	 * piece out of the buddy while it is zeroed. [sleeps] Stops at the
	 * first scrub failure (those pages stay dirty). Return: pages zeroed.
	 */
	u64 scrubFree();

	/** prefill() - take blocks until prefill_pages are free. [sleeps] */
	int prefill();

	/**
	 * freeze() - from now on hand nothing out and take no block, until
	 * thaw(). [sleeps] Takes the mutex, so a refill in progress ends
	 * first. Return: pages in use when the node froze.
	 */
	u64 freeze();
	/** thaw() - undo freeze(). [atomic] */
	void thaw();
	/** pagesTaken() - from the page allocator, not given back. [atomic] */
	u64 pagesTaken();

	/** pagesInUse() - pages handed out now. [atomic] */
	u64 pagesInUse();
	/** setConfig() / getConfig() - this node's copy of the knobs. [atomic] */
	void setConfig(const um_config &cfg);
	void getConfig(um_config *cfg);
	/** copyStats() - a consistent snapshot of the counters. [atomic] */
	void copyStats(um_stats *out);
	/**
	 * copyBlocks() - um_cache_blocks() on this node: up to @max blocks
	 * from the first whose tree key is >= *@key, in key order, under one
	 * lock hold. [atomic] On return *@key is where the next call starts.
	 * Return: blocks copied.
	 */
	unsigned copyBlocks(um_pfn_t *key, um_block_info *out, unsigned max);

	/*
	 * Test seam: visit every block with the spinlock held, with the mask
	 * of free areas it is linked in. @fn must not call into the cache.
	 */
	template <typename Fn>
	void visitBlocks(Fn fn)
	{
		NodeLock g(*this, NodeLock::kRead);

		for (ListNode *n = blocks_.next; n != &blocks_; n = n->next)
			fn(*blockOfLink(n), inFreeArea(*blockOfLink(n)));
	}
	/* Test seam: bit k set when free_area_[k] is not empty. */
	u32 freeAreaMask(const NodeLock &) const { return free_mask_; }

	/** inFreeArea() - bit k set: @b is linked in free_area_[k]. */
	static u32 inFreeArea(const Block &b);

private:
	friend class NodeLock;
	friend class NodeSerial;

	static Block *blockOfLink(ListNode *n);
	static Block *blockOfFreeLink(ListNode *n, unsigned k);
	static Block *blockOfWholeNode(PfnTreeNode *n);
	static Block *blockOfDirtyLink(ListNode *n);
	static Block *blockOfTree(PfnTreeNode *n);

	/* --- buddy and lists (node_cache.cpp) --- */
	Block *lookupLocked(const NodeLock &g, um_pfn_t pfn);
	bool takeLocked(const NodeLock &g, unsigned order, Grant *grant);
	bool takeAtomicLocked(const NodeLock &g, unsigned order, Grant *grant,
			      bool *too_dirty);
	bool wantScrubLocked(const NodeLock &g);
	void takeFromLocked(const NodeLock &g, Block *b, unsigned from,
			    unsigned order, Grant *grant);
	void syncFreeLinksLocked(const NodeLock &g, Block *b, unsigned lo,
				 unsigned hi);
	void syncWholeLocked(const NodeLock &g, Block *b);
	void syncDirtyLocked(const NodeLock &g, Block *b);
	void syncBlockLocked(const NodeLock &g, Block *b, unsigned lo,
			     unsigned hi);
	void linkBlockLocked(const NodeLock &g, Block *b);
	void unlinkBlockLocked(const NodeLock &g, Block *b);
	int finishGrant(Grant *grant, um_pfn_t *pfn);
	int scrubPages(um_pfn_t first, const PageSet &set, unsigned flags);
	void emit(const um_event &ev);
	um_event event(um_event_type type, unsigned order, um_pfn_t pfn,
		       u64 pages) const;

	/* --- per-CPU magazines (magazine.cpp) --- */
	struct MagTotals {
		u64 count, dirty, allocs, frees, scrubbed;
	};
	static constexpr int kFastMiss = 1;

	int initMagazines();
	void finiMagazines();
	Magazine *magazineHere() const;
	int allocFast(unsigned flags, um_pfn_t *pfn);
	bool freeFast(um_pfn_t pfn);
	void fillLocked(const NodeLock &g, Magazine &m);
	void flushLocked(const NodeLock &g, Magazine &m, u32 nr);
	u64 drainMagazine(Magazine &m, u32 keep, u32 most);
	u64 drainMagazines(bool above_high_only);
	bool stealMagazine(int *next);
	u64 magazinePages() const;
	void readMagazines(MagTotals *t) const;
	u64 readConsistent(um_stats *node, MagTotals *t);
	static void addMagazines(um_stats *s, const MagTotals &t);

	/* --- refill (refill.cpp) --- */
	int refillFor(unsigned order, Grant *grant, RefillTicket *t);
	int prepareRefill(const NodeSerial &s, unsigned order, unsigned flags,
			  RefillTicket *t);
	bool takeExtra(RefillTicket *t, unsigned flags);
	void takeExtras(RefillTicket *t, unsigned flags, unsigned batch);
	void takeRunSpares(RefillTicket *t, unsigned flags, unsigned batch);
	int removeBatch(RefillTicket *t, bool *must_keep);
	int removeRuns(RefillTicket *t, bool *must_keep);
	void publishRefillLocked(const NodeLock &g, Block *b, um_pfn_t pfn,
				 const RefillTicket &t, bool leaked);
	void commitRefillLocked(const NodeLock &g, RefillTicket *t);
	void emitRefill(const RefillTicket &t);

	/* --- background scrub (scrub.cpp) --- */
	bool pickDirtyLocked(const NodeLock &g, ReleaseTicket *t);

	/* --- release (release.cpp) --- */
	Block *chooseReleaseLocked(const NodeLock &g,
				   const policy::ReleaseGoal &goal,
				   unsigned *order);
	bool trimWantedLocked(const NodeLock &g);
	bool pickReleaseLocked(const NodeLock &g,
			       const policy::ReleaseGoal &goal,
			       ReleaseTicket *t);
	void finishRelease(ReleaseTicket *t);
	bool unpinLocked(const NodeLock &g, Block *b);
	u64 restoreLeakedRuns(const NodeSerial &s, Block *b,
			      um_dm_cost *cost);

	um_platform *plat_;		/* immutable after init */
	int nid_;			/* immutable after init */
	um_lock *lock_;
	um_mutex *mutex_;

	um_config cfg_;
	ListNode blocks_;
	ListNode free_area_[kMaxOrder];
	PfnTree whole_[kMaxOrder];
	ListNode dirty_;		/* blocks with dirty (free) pages */
	u32 free_mask_;			/* bit k: free_area_[k] not empty */
	u32 whole_mask_;		/* bit k: whole_[k] not empty */
	u64 pages_whole_free_;		/* pages of the blocks in whole_ */
	bool trim_requested_;		/* um_plat_request_trim() pending */
	bool scrub_requested_;		/* um_plat_request_scrub() pending */
	bool serves_atomic_;		/* UM_ALLOC_ATOMIC seen here */
	u32 refills_alone_;		/* UM_ALLOC_NOFS refills without mutex_ */
	bool frozen_;			/* hibernation: no alloc, no refill;
					 * set with mutex_ and lock_ held */
	u32 retry_gen_;			/* retryLeaked() passes */
	um_pfn_t below1g_cursor_;	/* keep_1g's directed walk goes on from
					 * here (a hint; atomic: a NOFS refill
					 * may run beside the mutex holder's) */
	PfnTree lookup_;
	u32 block_orders_[kMaxOrder];	/* blocks_ members of each order */
	u32 block_order_mask_;		/* bit k: block_orders_[k] != 0 */
	um_stats stats_;		/* nr_free[] is the free chunk tally */

	BlockIndex index_;		/* lock-free lookups; writes: lock_ */
	Magazine **mags_;		/* one per CPU; immutable after init */
	int nr_mags_;
	u32 mag_high_;			/* policy::magazineHigh(); 0: off */
	u64 mag_gen_;			/* batch moves so far */
};

} /* namespace um */

#endif /* UNMAPPED_CORE_NODE_CACHE_H */
