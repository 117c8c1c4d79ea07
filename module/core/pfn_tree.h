/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfn_tree.h - pfn -> owning block lookup: an intrusive AVL tree keyed by
 * a block's first pfn.
 *
 * Why a tree and not a hash keyed by pfn >> 9: blocks are not all 2 MiB.
 * Refill falls back to smaller orders when the page allocator has no 2 MiB
 * block, and serves order-10 requests with 4 MiB blocks, so a hash slot
 * would hold anything from half a block to 512 blocks, and the table's size
 * would have to be guessed at create (or grown, which means allocating with
 * the node lock held). The tree needs no allocation at all (its node is
 * embedded in the block metadata), answers "which block contains this pfn"
 * with one floor() search in O(log n) for every block size, and is
 * iterative (bounded stack). AVL rather than red-black: shorter (height at
 * most 1.44 log2 n), and lookups (every free) outnumber inserts/erases
 * (one per refill/release) by orders of magnitude.
 *
 * Not thread-safe: the node cache holds its spinlock around every call.
 */
#ifndef UNMAPPED_CORE_PFN_TREE_H
#define UNMAPPED_CORE_PFN_TREE_H

#include "types.h"

namespace um {

struct PfnTreeNode {
	PfnTreeNode *parent;
	PfnTreeNode *left;
	PfnTreeNode *right;
	um_pfn_t key;
	int height;		/* of the subtree rooted here; leaf = 1 */
};

class PfnTree {
public:
	void init() { root_ = nullptr; }
	bool empty() const { return root_ == nullptr; }
	const PfnTreeNode *root() const { return root_; }

	/* Link @node (key set by the caller, unique in the tree). O(log n). */
	void insert(PfnTreeNode *node);
	/* Unlink @node, which must be in the tree. O(log n). */
	void erase(PfnTreeNode *node);
	/* The node with the greatest key <= @key, or nullptr. O(log n). */
	PfnTreeNode *floor(um_pfn_t key) const;

private:
	void replaceChild(PfnTreeNode *parent, PfnTreeNode *old_child,
			  PfnTreeNode *new_child);
	PfnTreeNode *rotateLeft(PfnTreeNode *x);
	PfnTreeNode *rotateRight(PfnTreeNode *x);
	void rebalanceFrom(PfnTreeNode *node);

	PfnTreeNode *root_;
};

} /* namespace um */

#endif /* UNMAPPED_CORE_PFN_TREE_H */
