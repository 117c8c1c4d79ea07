/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * block.h - one block's buddy state, kept in metadata outside its pages.
 *
 * A block of order B (2^B pages, B <= 10) is a self-contained buddy
 * allocator: chunks coalesce only with buddies inside the same block, so a
 * whole free block always goes back to the page allocator in one piece.
 * Its state is a set of bitmaps after the struct (Block::words()):
 *
 *   free[k]   chunk k-index i (pages i*2^k .. i*2^k+2^k-1) is free,
 *             for k = 0..B: the buddy free lists, as bits
 *   used[k]   that chunk is handed out, as one piece of order k
 *   dirty     page may hold a secret: scrub before reuse or release.
 *             Only free pages are dirty (a chunk's dirty bits leave with it)
 *   gone      page left the buddy (released, being released or leaked), or
 *             for a moment while the background scrub zeroes it
 *             (pages_zeroing, not pages_gone: such pages are still free
 *             as far as the counters go)
 *   leaked    page could not be mapped back; never reused or freed
 *   out       page is handed out as a chunk of order 0 (not in a per-CPU
 *             list: those pages are used[0] too). Set and cleared with
 *             atomics, without the lock, by the per-CPU fast path
 *             (magazine.cpp): whoever clears it owns the page.
 *
 * Every page is covered by exactly one set bit among free[*], used[*] and
 * gone, and pages_free + pages_used + pages_gone + pages_zeroing ==
 * pages(). Bitmaps cost 74 words for a 2 MiB block (0.03%), and finding a
 * free chunk scans at most 16 words, so every operation is O(1).
 *
 * Block is not thread-safe: NodeCache calls it with its spinlock held,
 * except on a block nobody else can reach yet (refill, tests). @pins keeps
 * the metadata alive while a release or retry works on part of the block
 * without the lock: a block is freed only when all its pages are gone,
 * none leaked, and nothing pins it.
 *
 * Mutators that change free chunk counts take @area_count, the node's
 * per-order tally of free chunks (um_stats.nr_free), and keep it in step.
 */
#ifndef UNMAPPED_CORE_BLOCK_H
#define UNMAPPED_CORE_BLOCK_H

#include "pfn_tree.h"
#include "util.h"

namespace um {

/* What a (pfn, order) given to um_cache_free() is, in its block. */
enum class ChunkState {
	Allocated,	/* head of a handed-out chunk of exactly that order */
	Free,		/* inside a free chunk: double free */
	Released,	/* given back to the page allocator: not ours now */
	Leaked,		/* kept after a failed restore: double free */
	WrongOrder,	/* handed out, but not as a chunk with that head/order */
	Inconsistent,	/* covered by no state bit: a core bug */
};

/*
 * PageSet - a subset of the pages of one chunk, as bits relative to the
 * chunk's first page; holds the dirty pages taken out of a block while the
 * chunk is scrubbed without the lock. 128 bytes: fine on a kernel stack.
 */
struct PageSet {
	u64 bits[kMaxBlockPages / kWordBits];
	u32 nr_pages;	/* size of the chunk the bits describe */
	u32 nr_set;

	/**
	 * nextRun() - the next run of set bits at or after *@start.
	 * Return: false when there is none; else *@start and *@len describe it.
	 */
	bool nextRun(u32 *start, u32 *len) const;
};

struct Block {
	/*
	 * First, so that it is the start of the allocation: the platform's
	 * scratch once um_plat_meta_free_deferred() is called on the block.
	 */
	u64 deferred_free[UM_DEFERRED_FREE_BYTES / sizeof(u64)];
	ListNode link;			/* NodeCache::blocks_ */
	ListNode free_link[kMaxOrder];	/* NodeCache::free_area_[k] */
	ListNode dirty_link;		/* NodeCache::dirty_ */
	PfnTreeNode tree;		/* NodeCache::lookup_ */
	PfnTreeNode whole_node;		/* NodeCache::whole_[order] */
	um_pfn_t base;
	u8 order;
	u8 backend;			/* enum um_backend that removed it */
	bool in_whole;			/* whole_node is in whole_[order] */
	u16 nr_free[kMaxOrder];		/* free chunks of each order */
	u16 pins;			/* releases and retries at work on it */
	u32 retry_gen;			/* NodeCache::retryLeaked() pass */
	u32 pages_free;
	u32 pages_used;
	u32 pages_gone;			/* includes pages_leaked */
	u32 pages_leaked;
	u32 pages_zeroing;		/* taken out by takeForZeroing() */
	u32 pages_dirty;		/* free pages with their dirty bit */
	u32 dirty_counted;		/* pages_dirty as the node counted it */

	/** metaBytes() - metadata (struct + bitmaps) for a block of @order. */
	static size_t metaBytes(unsigned order);

	/**
	 * init() - a block whose pages are all free and clean (fresh from the
	 * page allocator). Counts its one free chunk in @area_count.
	 */
	void init(um_pfn_t first, unsigned blk_order, enum um_backend bk,
		  u64 *area_count);

	u32 pages() const { return u32(1) << order; }
	bool whole() const { return pages_free == pages(); }
	um_pfn_t pfnAt(u32 off) const { return base + off; }
	bool contains(um_pfn_t pfn) const
	{
		return pfn >= base && pfn - base < pages();
	}
	/** holds() - does @pfn belong here now (not given back)? */
	bool holds(um_pfn_t pfn) const
	{
		return contains(pfn) &&
		       (!isGone(u32(pfn - base)) || isLeaked(u32(pfn - base)));
	}

	/**
	 * takeChunk() - hand out a chunk of @chunk_order, split from the first
	 * free chunk of order @from (>= @chunk_order, nr_free[@from] != 0).
	 * The split-off buddies become free chunks. Return: page offset.
	 */
	u32 takeChunk(unsigned from, unsigned chunk_order, u64 *area_count);

	/**
	 * freeChunk() - take back a handed-out chunk (classify() said
	 * Allocated): its pages become dirty and it coalesces with free
	 * buddies. Return: the order of the resulting free chunk.
	 */
	unsigned freeChunk(u32 off, unsigned chunk_order, u64 *area_count);

	/**
	 * ungrantChunk() - undo takeChunk() after a failed scrub: the chunk
	 * becomes free again with the dirty pages in @dirty.
	 * Return: the order of the resulting free chunk.
	 */
	unsigned ungrantChunk(u32 off, unsigned chunk_order,
			      const PageSet &dirty, u64 *area_count);

	/**
	 * detachFree() - take the first free chunk of @chunk_order out of the
	 * buddy for release: its pages become gone. Return: page offset.
	 */
	u32 detachFree(unsigned chunk_order, u64 *area_count);

	/**
	 * takeForZeroing() - take the free chunk that holds @page out of the
	 * buddy to zero it, at most 2^@max_order pages of it: a larger free
	 * chunk is split and the pieces that do not hold @page stay free.
	 * Its pages count in pages_zeroing (gone bits: lookups and frees
	 * skip them) until returnZeroed(). *@chunk_order is the order taken.
	 * Return: page offset, or pages() if @page is not free.
	 */
	u32 takeForZeroing(u32 page, unsigned max_order, unsigned *chunk_order,
			   u64 *area_count);

	/**
	 * returnZeroed() - undo takeForZeroing(): the chunk is free again,
	 * dirty as in @dirty (what could not be zeroed).
	 * Return: the order of the resulting free chunk.
	 */
	unsigned returnZeroed(u32 off, unsigned chunk_order,
			      const PageSet &dirty, u64 *area_count);

	/**
	 * reattach() - undo detachFree() (release failed before the direct
	 * map was touched): the pages are free again, dirty as in @dirty.
	 * Return: the order of the resulting free chunk.
	 */
	unsigned reattach(u32 off, unsigned chunk_order, const PageSet &dirty,
			  u64 *area_count);

	/** findFree() - first free chunk of @chunk_order, or pages() if none. */
	u32 findFree(unsigned chunk_order) const;

	ChunkState classify(u32 off, unsigned chunk_order) const;

	/** takeDirty() - dirty bits of a chunk into @out, cleared here. */
	void takeDirty(u32 off, unsigned chunk_order, PageSet *out);

	/**
	 * markOut() / takeOut() / isOut() - the out bit of page @off, with
	 * atomics: callable with no lock. takeOut() is true for the one
	 * caller that cleared it.
	 */
	void markOut(u32 off);
	bool takeOut(u32 off);
	bool isOut(u32 off) const;
	/** parkedPages() - used[0] pages without their out bit: magazines'. */
	u32 parkedPages() const;

	/** markLeaked() / clearLeaked() - gone pages that failed to map back. */
	void markLeaked(u32 off, u32 nr);
	void clearLeaked(u32 off, u32 nr);
	/** findLeakedRun() - first leaked run at or after @from; false if none. */
	bool findLeakedRun(u32 from, u32 *off, u32 *nr) const;

	/* Inspection, for statistics and tests: the state bits of one chunk/page. */
	bool isFreeChunk(u32 off, unsigned k) const;
	bool isUsedChunk(u32 off, unsigned k) const;
	bool isDirty(u32 page) const;
	bool isGone(u32 page) const;
	bool isLeaked(u32 page) const;
	u32 dirtyPages() const;
	/** dirtyIn() - dirty pages among @nr from @off. */
	u32 dirtyIn(u32 off, u32 nr) const;
	/** firstDirty() - the first dirty page, or pages() if none. */
	u32 firstDirty() const;

private:
	u64 *words() { return reinterpret_cast<u64 *>(this + 1); }
	const u64 *words() const
	{
		return reinterpret_cast<const u64 *>(this + 1);
	}
	u64 *freeMap(unsigned k);
	const u64 *freeMap(unsigned k) const;
	u64 *usedMap(unsigned k);
	const u64 *usedMap(unsigned k) const;
	u64 *pageMap(unsigned which);
	const u64 *pageMap(unsigned which) const;

	void addFreeBit(u32 index, unsigned k, u64 *area_count);
	void dropFreeBit(u32 index, unsigned k, u64 *area_count);
	void markGone(u32 off, unsigned chunk_order, u32 *counter);
	void unmarkGone(u32 off, unsigned chunk_order, u32 *counter);
	unsigned insertFree(u32 off, unsigned k, u64 *area_count);
	void putDirty(u32 off, const PageSet &dirty);
};

} /* namespace um */

#endif /* UNMAPPED_CORE_BLOCK_H */
