// SPDX-License-Identifier: GPL-2.0
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
	int l = heightOf(node->left), r = heightOf(node->right);

	node->height = 1 + (l > r ? l : r);
}

void PfnTree::replaceChild(PfnTreeNode *parent, PfnTreeNode *old_child,
			   PfnTreeNode *new_child)
{
	if (!parent)
		root_ = new_child;
	else if (parent->left == old_child)
		parent->left = new_child;
	else
		parent->right = new_child;
}

PfnTreeNode *PfnTree::rotateLeft(PfnTreeNode *x)
{
	PfnTreeNode *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replaceChild(x->parent, x, y);
	y->left = x;
	x->parent = y;
	updateHeight(x);
	updateHeight(y);
	return y;
}

PfnTreeNode *PfnTree::rotateRight(PfnTreeNode *x)
{
	PfnTreeNode *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replaceChild(x->parent, x, y);
	y->right = x;
	x->parent = y;
	updateHeight(x);
	updateHeight(y);
	return y;
}

/* Walk to the root restoring heights and the AVL balance on the way. */
void PfnTree::rebalanceFrom(PfnTreeNode *node)
{
	while (node) {
		int balance = heightOf(node->left) - heightOf(node->right);

		if (balance > 1) {
			if (heightOf(node->left->left) <
			    heightOf(node->left->right))
				rotateLeft(node->left);
			node = rotateRight(node);
		} else if (balance < -1) {
			if (heightOf(node->right->right) <
			    heightOf(node->right->left))
				rotateRight(node->right);
			node = rotateLeft(node);
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
		link = node->key < parent->key ? &parent->left : &parent->right;
	}
	node->parent = parent;
	node->left = nullptr;
	node->right = nullptr;
	node->height = 1;
	*link = node;
	rebalanceFrom(parent);
}

void PfnTree::erase(PfnTreeNode *node)
{
	PfnTreeNode *rebalance;

	if (!node->left || !node->right) {
		PfnTreeNode *child = node->left ? node->left : node->right;

		if (child)
			child->parent = node->parent;
		replaceChild(node->parent, node, child);
		rebalance = node->parent;
	} else {
		/* Put the in-order successor (no left child) in node's place. */
		PfnTreeNode *succ = node->right;

		while (succ->left)
			succ = succ->left;
		if (succ->parent != node) {
			PfnTreeNode *succ_parent = succ->parent;

			succ_parent->left = succ->right;
			if (succ->right)
				succ->right->parent = succ_parent;
			succ->right = node->right;
			node->right->parent = succ;
			rebalance = succ_parent;
		} else {
			rebalance = succ;
		}
		succ->left = node->left;
		node->left->parent = succ;
		succ->parent = node->parent;
		replaceChild(node->parent, node, succ);
		succ->height = node->height;
	}
	node->parent = node->left = node->right = nullptr;
	rebalanceFrom(rebalance);
}

PfnTreeNode *PfnTree::find(um_pfn_t key) const
{
	PfnTreeNode *cur = root_;

	while (cur && cur->key != key)
		cur = key < cur->key ? cur->left : cur->right;
	return cur;
}

} /* namespace um */
