/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pfn_tree.h - pfn -> owning block lookup: an intrusive AVL tree keyed by
 * (first pfn, order) of each block.
 *
 * Why a tree and not a hash keyed by pfn >> 9: blocks are not all 2 MiB.
 * Refill falls back to smaller orders when the page allocator has no 2 MiB
 * block, and serves order-10 requests with 4 MiB blocks, so a hash slot
 * would hold anything from half a block to 512 blocks, and the table's size
 * would have to be guessed at create (or grown, which means allocating with
 * the node lock held). The tree needs no allocation at all (its node is
 * embedded in the block metadata), costs O(log n) per search for every
 * block size, and is iterative (bounded stack). AVL rather than red-black:
 * shorter (height at most 1.44 log2 n), and searches (every free)
 * outnumber inserts/erases (one per refill/release) by orders of magnitude.
 *
 * Why the order is part of the key: with partial release, pages of a block
 * go back to the page allocator while the block stays, and the allocator
 * may hand them to us again as a new, smaller block nested inside the old
 * one's range, possibly with the same first pfn. Blocks are aligned to
 * their size, so the block of order o that could contain a pfn starts at
 * pfn rounded down to 2^o: NodeCache::lookupLocked() searches the exact
 * key for each order that has blocks, smallest (newest nesting) first.
 *
 * Not thread-safe: the node cache holds its spinlock around every call.
 */
#ifndef UNMAPPED_CORE_PFN_TREE_H
#define UNMAPPED_CORE_PFN_TREE_H

#include "types.h"

namespace um {

struct PfnTreeNode {
	PfnTreeNode *parent;
	PfnTreeNode *child[2];	/* [0] smaller keys, [1] larger */
	um_pfn_t key;		/* PfnTree::key(first pfn, order) */
	int height;		/* of the subtree rooted here; leaf = 1 */
};

class PfnTree {
public:
	void init() { root_ = nullptr; }
	bool empty() const { return root_ == nullptr; }
	const PfnTreeNode *root() const { return root_; }

	/** insert() - link @node (key set, unique in the tree). O(log n). */
	void insert(PfnTreeNode *node);
	/** erase() - unlink @node, which must be in the tree. O(log n). */
	void erase(PfnTreeNode *node);
	/** find() - the node with exactly @key, or nullptr. O(log n). */
	PfnTreeNode *find(um_pfn_t key) const;
	/** lowerBound() - the node with the least key >= @key, or nullptr. */
	PfnTreeNode *lowerBound(um_pfn_t key) const;
	/** last() - the node with the largest key, or nullptr. O(log n). */
	PfnTreeNode *last() const;
	/** next() - the node after @node in key order, or nullptr. O(log n). */
	static PfnTreeNode *next(PfnTreeNode *node);

	/** key() - unique per block: nested blocks differ in order or first pfn. */
	static constexpr um_pfn_t key(um_pfn_t first, unsigned order)
	{
		return first << 4 | order;
	}
	/* The two halves of a key (a walk's cursor is a key). */
	static constexpr um_pfn_t pfnOfKey(um_pfn_t key) { return key >> 4; }
	static constexpr unsigned orderOfKey(um_pfn_t key)
	{
		return unsigned(key & 15);
	}

private:
	void replaceChild(PfnTreeNode *parent, PfnTreeNode *old_child,
			  PfnTreeNode *new_child);
	PfnTreeNode *rotate(PfnTreeNode *x, int up);
	void rebalanceFrom(PfnTreeNode *node);

	PfnTreeNode *root_;
};

} /* namespace um */

#endif /* UNMAPPED_CORE_PFN_TREE_H */
