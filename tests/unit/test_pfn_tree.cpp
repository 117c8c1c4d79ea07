// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pfn_tree.cpp - the AVL lookup tree against std::map.
 */
#include "pfn_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

using namespace um;

namespace {

/* Checks order, parent links, heights and balance; returns the height. */
int checkSubtree(const PfnTreeNode *n, const PfnTreeNode *parent,
		 um_pfn_t lo, um_pfn_t hi, size_t *count)
{
	if (!n)
		return 0;
	EXPECT_EQ(n->parent, parent);
	EXPECT_GE(n->key, lo);
	EXPECT_LE(n->key, hi);
	(*count)++;
	int l = checkSubtree(n->child[0], n, lo, n->key ? n->key - 1 : 0, count);
	int r = checkSubtree(n->child[1], n, n->key + 1, hi, count);

	EXPECT_LE(std::abs(l - r), 1);
	EXPECT_EQ(n->height, 1 + std::max(l, r));
	return n->height;
}

TEST(PfnTree, FindsExactKeys)
{
	PfnTree tree;
	PfnTreeNode a = {}, b = {}, c = {};

	tree.init();
	EXPECT_EQ(tree.find(PfnTree::key(512, 9)), nullptr);
	/* A block and one nested at the same first pfn: distinct keys. */
	a.key = PfnTree::key(512, 9);
	b.key = PfnTree::key(512, 8);
	c.key = PfnTree::key(4096, 10);
	tree.insert(&b);
	tree.insert(&a);
	tree.insert(&c);
	EXPECT_EQ(tree.find(PfnTree::key(512, 9)), &a);
	EXPECT_EQ(tree.find(PfnTree::key(512, 8)), &b);
	EXPECT_EQ(tree.find(PfnTree::key(4096, 10)), &c);
	EXPECT_EQ(tree.find(PfnTree::key(4096, 9)), nullptr);
	tree.erase(&a);
	EXPECT_EQ(tree.find(PfnTree::key(512, 9)), nullptr);
	EXPECT_EQ(tree.find(PfnTree::key(512, 8)), &b);
	tree.erase(&b);
	tree.erase(&c);
	EXPECT_TRUE(tree.empty());
}

TEST(PfnTree, RandomAgainstMap)
{
	std::mt19937_64 rng(12345);
	std::vector<PfnTreeNode> nodes(2000);
	std::map<um_pfn_t, PfnTreeNode *> ref;
	PfnTree tree;

	tree.init();
	for (size_t i = 0; i < nodes.size(); i++)
		nodes[i].key = i * 512;
	std::vector<bool> in(nodes.size());

	for (int step = 0; step < 20000; step++) {
		size_t i = rng() % nodes.size();

		if (in[i]) {
			tree.erase(&nodes[i]);
			ref.erase(nodes[i].key);
		} else {
			tree.insert(&nodes[i]);
			ref[nodes[i].key] = &nodes[i];
		}
		in[i] = !in[i];

		um_pfn_t probe = rng() % (nodes.size() * 512 + 1000);
		auto it = ref.find(probe);
		PfnTreeNode *want = it == ref.end() ? nullptr : it->second;

		ASSERT_EQ(tree.find(probe), want) << "step " << step;
		probe = nodes[rng() % nodes.size()].key;
		it = ref.find(probe);
		want = it == ref.end() ? nullptr : it->second;
		ASSERT_EQ(tree.find(probe), want) << "step " << step;

		/* Ordered walks: lowerBound() then next(), as std::map. */
		probe = rng() % (nodes.size() * 512 + 1000);
		auto lb = ref.lower_bound(probe);
		PfnTreeNode *n = tree.lowerBound(probe);

		for (int k = 0; k < 3 && lb != ref.end(); k++, lb++) {
			ASSERT_EQ(n, lb->second) << "step " << step;
			n = PfnTree::next(n);
		}
		if (lb == ref.end()) {
			ASSERT_EQ(n, nullptr) << "step " << step;
		}
		ASSERT_EQ(tree.last(), ref.empty() ? nullptr : ref.rbegin()->second)
			<< "step " << step;
		if (step % 1000 == 0) {
			size_t count = 0;
			int h = checkSubtree(tree.root(), nullptr, 0,
					     ~um_pfn_t(0), &count);

			EXPECT_EQ(count, ref.size());
			/* AVL: height <= 1.44 log2(n + 2). */
			EXPECT_LE(h, 1.45 * std::log2(double(count) + 2) + 1);
		}
	}
}

TEST(PfnTree, InOrderWalkVisitsEveryKeyOnce)
{
	std::vector<PfnTreeNode> nodes(300);
	PfnTree tree;
	um_pfn_t last = 0, biggest = 0;
	size_t count = 0;

	tree.init();
	EXPECT_EQ(tree.lowerBound(0), nullptr);
	/* Nested blocks: same first pfn, lower order first. */
	for (size_t i = 0; i < nodes.size(); i++) {
		nodes[i].key = PfnTree::key((i * 7919) % 1024 * 512, i % 3 + 8);
		biggest = std::max(biggest, nodes[i].key);
		tree.insert(&nodes[i]);
	}
	for (PfnTreeNode *n = tree.lowerBound(0); n; n = PfnTree::next(n)) {
		if (count++) {
			EXPECT_GT(n->key, last);
		}
		last = n->key;
	}
	EXPECT_EQ(count, nodes.size());
	EXPECT_EQ(last, biggest);
	EXPECT_EQ(PfnTree::pfnOfKey(last), last >> 4);
	EXPECT_EQ(tree.lowerBound(last + 1), nullptr);
	EXPECT_EQ(PfnTree::orderOfKey(PfnTree::key(512, 10)), 10u);
}

TEST(PfnTree, SequentialInsertStaysBalanced)
{
	std::vector<PfnTreeNode> nodes(1 << 12);
	PfnTree tree;
	size_t count = 0;

	tree.init();
	for (size_t i = 0; i < nodes.size(); i++) {
		nodes[i].key = i;
		tree.insert(&nodes[i]);
	}
	EXPECT_LE(checkSubtree(tree.root(), nullptr, 0, ~um_pfn_t(0), &count),
		  13);
	EXPECT_EQ(count, nodes.size());
}

} /* namespace */
