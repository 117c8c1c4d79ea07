// SPDX-License-Identifier: GPL-2.0-only
/*
 * pfn_tree.cpp - intrusive AVL tree with parent pointers, no recursion.
 */
#include "pfn_tree.h"

namespace um {

static int heightOf(const PfnTreeNode *node)
{
	return node ? node->height : 0;
}

static void updateHeight(PfnTreeNode *node)
{
	int l = heightOf(node->child[0]), r = heightOf(node->child[1]);

	node->height = 1 + (l > r ? l : r);
}

void PfnTree::replaceChild(PfnTreeNode *parent, PfnTreeNode *old_child,
			   PfnTreeNode *new_child)
{
	if (!parent)
		root_ = new_child;
	else
		parent->child[parent->child[1] == old_child] = new_child;
}

/*
 * Lift @x's child on side @up (0: left, 1: right) into @x's place; @x
 * becomes its child on the other side. Return: the lifted node.
 */
PfnTreeNode *PfnTree::rotate(PfnTreeNode *x, int up)
{
	PfnTreeNode *y = x->child[up];

	x->child[up] = y->child[!up];
	if (y->child[!up])
		y->child[!up]->parent = x;
	y->parent = x->parent;
	replaceChild(x->parent, x, y);
	y->child[!up] = x;
	x->parent = y;
	updateHeight(x);
	updateHeight(y);
	return y;
}

/* Walk to the root restoring heights and the AVL balance on the way. */
void PfnTree::rebalanceFrom(PfnTreeNode *node)
{
	while (node) {
		int balance = heightOf(node->child[0]) -
			      heightOf(node->child[1]);

		if (balance > 1 || balance < -1) {
			int heavy = balance < 0;
			PfnTreeNode *c = node->child[heavy];

			/* Inner grandchild taller: double rotation. */
			if (heightOf(c->child[heavy]) < heightOf(c->child[!heavy]))
				rotate(c, !heavy);
			node = rotate(node, heavy);
		} else {
			updateHeight(node);
		}
		node = node->parent;
	}
}

void PfnTree::insert(PfnTreeNode *node)
{
	PfnTreeNode *parent = nullptr;
	PfnTreeNode **link = &root_;

	while (*link) {
		parent = *link;
		link = &parent->child[node->key >= parent->key];
	}
	node->parent = parent;
	node->child[0] = node->child[1] = nullptr;
	node->height = 1;
	*link = node;
	rebalanceFrom(parent);
}

void PfnTree::erase(PfnTreeNode *node)
{
	PfnTreeNode *rebalance;

	if (!node->child[0] || !node->child[1]) {
		PfnTreeNode *only = node->child[node->child[0] == nullptr];

		if (only)
			only->parent = node->parent;
		replaceChild(node->parent, node, only);
		rebalance = node->parent;
	} else {
		/* Put the in-order successor (no left child) in node's place. */
		PfnTreeNode *succ = node->child[1];

		while (succ->child[0])
			succ = succ->child[0];
		if (succ->parent != node) {
			PfnTreeNode *succ_parent = succ->parent;

			succ_parent->child[0] = succ->child[1];
			if (succ->child[1])
				succ->child[1]->parent = succ_parent;
			succ->child[1] = node->child[1];
			node->child[1]->parent = succ;
			rebalance = succ_parent;
		} else {
			rebalance = succ;
		}
		succ->child[0] = node->child[0];
		node->child[0]->parent = succ;
		succ->parent = node->parent;
		replaceChild(node->parent, node, succ);
		succ->height = node->height;
	}
	node->parent = node->child[0] = node->child[1] = nullptr;
	rebalanceFrom(rebalance);
}

PfnTreeNode *PfnTree::find(um_pfn_t key) const
{
	PfnTreeNode *cur = root_;

	while (cur && cur->key != key)
		cur = cur->child[key > cur->key];
	return cur;
}

PfnTreeNode *PfnTree::lowerBound(um_pfn_t key) const
{
	PfnTreeNode *cur = root_, *best = nullptr;

	while (cur) {
		if (cur->key >= key) {
			best = cur;
			cur = cur->child[0];
		} else {
			cur = cur->child[1];
		}
	}
	return best;
}

PfnTreeNode *PfnTree::last() const
{
	PfnTreeNode *cur = root_;

	while (cur && cur->child[1])
		cur = cur->child[1];
	return cur;
}

PfnTreeNode *PfnTree::next(PfnTreeNode *node)
{
	if (node->child[1]) {
		node = node->child[1];
		while (node->child[0])
			node = node->child[0];
		return node;
	}
	/* Up until we come from a left child. */
	while (node->parent && node->parent->child[1] == node)
		node = node->parent;
	return node->parent;
}

} /* namespace um */
