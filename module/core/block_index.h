/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * block_index.h - which block of order >= 9 holds a page, read with no
 * lock: the lookup of the per-CPU fast free (magazine.cpp).
 *
 * One slot per 2 MiB of the node's span at init, in leaves of 512 slots
 * (1 GiB each, 4 KiB) allocated when a block first lands in their GiB and
 * kept until fini: 0.0004% of the memory the cache ever used, and no
 * allocation under the node's lock (prepare() runs in a refill's work
 * step). An order-10 block fills two slots. Blocks below order 9 (refill
 * fallbacks) and pages outside the span (memory added later) are not
 * indexed: their frees take the locked path, which finds every block in
 * the lookup tree.
 *
 * A slot may name a block that no longer holds the page (its pages were
 * released and a nested block took them; see pfn_tree.h), or a block
 * being freed. A reader therefore trusts a slot only as far as the block's
 * out bit for the page (Block::takeOut()), and holds the platform's read
 * lock (um_plat_read_lock) from lookup() until it is done with the block:
 * blocks are freed with um_plat_meta_free_deferred(), after every such
 * reader.
 *
 * Writers (insertLocked, eraseLocked) hold the node's spinlock. A newer
 * block overwrites its slots; a block going away clears only the slots
 * that still name it.
 */
#ifndef UNMAPPED_CORE_BLOCK_INDEX_H
#define UNMAPPED_CORE_BLOCK_INDEX_H

#include "block.h"

namespace um {

class BlockIndex {
public:
	/**
	 * init() - an empty index over node @nid's span. [sleeps]
	 * Without memory for its directory the index stays empty: correct,
	 * only slower (every free takes the lock).
	 */
	void init(um_platform *plat, int nid);
	/** fini() - free the leaves and the directory. [sleeps] */
	void fini();

	/**
	 * prepare() - make sure the leaf for a block of @order at @pfn
	 * exists. [sleeps] Return: false if it cannot (no memory, outside
	 * the span, order below 9): the block is then not indexed.
	 */
	bool prepare(um_pfn_t pfn, unsigned order);

	/** insertLocked() / eraseLocked() - under the node's spinlock. */
	void insertLocked(Block *b);
	void eraseLocked(Block *b);

	/** lookup() - the block a slot names for @pfn, or null. [atomic] */
	Block *lookup(um_pfn_t pfn) const;

private:
	static constexpr unsigned kSlotOrder = kPmdOrder;	/* 2 MiB */
	static constexpr unsigned kLeafShift = 9;		/* 512 slots */
	static constexpr u64 kLeafSlots = u64(1) << kLeafShift;

	struct Leaf {
		Block *slot[kLeafSlots];
	};

	/* The leaf and slot of @pfn; false outside the span. */
	bool locate(um_pfn_t pfn, u64 *leaf, u64 *slot) const;
	void store(Block *b, Block *value, bool only_if_b);

	um_platform *plat_;
	int nid_;
	u64 first_slot_;
	u64 nr_leaves_;
	Leaf **leaves_;		/* nr_leaves_ pointers, each set once */
};

} /* namespace um */

#endif /* UNMAPPED_CORE_BLOCK_INDEX_H */
