// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_block_index.cpp - the lock-free pfn -> block index of the per-CPU
 * free (module/core/block_index.cpp): 2 MiB slots over the node's span,
 * blocks below 2 MiB and pfns outside the span not indexed, a nested block
 * taking over its slot and a block going away clearing only its own.
 */
#include "block_index.h"
#include "sim_platform.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

namespace {

using um::Block;

class BlockIndexTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		sim::SimConfig cfg;

		cfg.mem_bytes = uint64_t(2) << 30;	/* 2 GiB: two leaves */
		sim_ = std::make_unique<sim::SimPlatform>(cfg);
		index_.init(sim_->plat(), 0);
	}

	void TearDown() override
	{
		index_.fini();
		for (Block *b : blocks_)
			std::free(b);
		EXPECT_EQ(sim_->liveMetaAllocs(), 0u);
	}

	Block *block(um_pfn_t pfn, unsigned order)
	{
		auto *b = static_cast<Block *>(std::calloc(1, Block::metaBytes(order)));
		um::u64 area[UM_MAX_ORDER] = {};

		b->init(pfn, order, UM_BACKEND_RANGE, area);
		blocks_.push_back(b);
		return b;
	}

	std::unique_ptr<sim::SimPlatform> sim_;
	um::BlockIndex index_;
	std::vector<Block *> blocks_;
};

TEST_F(BlockIndexTest, FindsBlocksOfTwoAndFourMegabytes)
{
	Block *a = block(512 * 3, 9), *b = block(1024 * 300, 10);

	ASSERT_TRUE(index_.prepare(a->base, a->order));
	ASSERT_TRUE(index_.prepare(b->base, b->order));
	index_.insertLocked(a);
	index_.insertLocked(b);
	EXPECT_EQ(index_.lookup(a->base), a);
	EXPECT_EQ(index_.lookup(a->base + 511), a);
	EXPECT_EQ(index_.lookup(a->base + 512), nullptr);
	EXPECT_EQ(index_.lookup(b->base + 1023), b);	/* its second slot */
	index_.eraseLocked(b);
	EXPECT_EQ(index_.lookup(b->base), nullptr);
	EXPECT_EQ(index_.lookup(b->base + 600), nullptr);
	EXPECT_EQ(index_.lookup(a->base), a);
}

TEST_F(BlockIndexTest, SmallBlocksAndPfnsOutsideTheSpanAreNotIndexed)
{
	Block *small = block(512 * 7, 8);

	EXPECT_FALSE(index_.prepare(small->base, small->order));
	index_.insertLocked(small);
	EXPECT_EQ(index_.lookup(small->base), nullptr);
	EXPECT_FALSE(index_.prepare(um_pfn_t(1) << 30, 9));	/* past 2 GiB */
	EXPECT_EQ(index_.lookup(um_pfn_t(1) << 30), nullptr);
	EXPECT_EQ(index_.lookup(~um_pfn_t(0)), nullptr);
}

/* A block nested in another's released half owns the slot; either may go first. */
TEST_F(BlockIndexTest, NestedBlockTakesTheSlotAndOnlyOwnersClearIt)
{
	Block *outer = block(1024 * 5, 10), *inner = block(1024 * 5 + 512, 9);

	ASSERT_TRUE(index_.prepare(outer->base, 10));
	index_.insertLocked(outer);
	index_.insertLocked(inner);
	EXPECT_EQ(index_.lookup(inner->base), inner);
	EXPECT_EQ(index_.lookup(outer->base), outer);
	index_.eraseLocked(outer);	/* leaves the inner block's slot */
	EXPECT_EQ(index_.lookup(inner->base), inner);
	EXPECT_EQ(index_.lookup(outer->base), nullptr);
	index_.eraseLocked(inner);
	EXPECT_EQ(index_.lookup(inner->base), nullptr);
}

TEST_F(BlockIndexTest, WithoutMemoryForALeafTheBlockIsNotIndexed)
{
	Block *a = block(512 * 900, 9);	/* the second GiB */

	sim_->fail_meta_alloc.failNth(1);
	EXPECT_FALSE(index_.prepare(a->base, 9));
	index_.insertLocked(a);
	EXPECT_EQ(index_.lookup(a->base), nullptr);
	EXPECT_TRUE(index_.prepare(a->base, 9));
	index_.insertLocked(a);
	EXPECT_EQ(index_.lookup(a->base), a);
}

} /* namespace */
