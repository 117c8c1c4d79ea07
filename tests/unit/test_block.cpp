// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_block.cpp - one block's buddy bitmaps, without a platform.
 */
#include "block.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <vector>

using namespace um;

namespace {

struct BlockDeleter {
	void operator()(Block *b) const { std::free(b); }
};

using BlockPtr = std::unique_ptr<Block, BlockDeleter>;

class BlockTest : public ::testing::Test {
protected:
	BlockPtr make(unsigned order, um_pfn_t base = 0x40000)
	{
		auto *b = static_cast<Block *>(std::calloc(1, Block::metaBytes(order)));

		b->init(base, order, UM_BACKEND_RANGE, area_);
		return BlockPtr(b);
	}

	/* Every page in exactly one of: a free chunk, a used chunk, gone. */
	void expectCovered(const Block &b)
	{
		for (u32 page = 0; page < b.pages(); page++) {
			int owners = b.isGone(page);

			for (unsigned k = 0; k <= b.order; k++) {
				u32 head = page & ~u32(pagesOf(k) - 1);

				owners += b.isFreeChunk(head, k);
				owners += b.isUsedChunk(head, k);
			}
			EXPECT_EQ(owners, 1) << "page " << page;
		}
		u32 free_pages = 0;

		for (unsigned k = 0; k <= b.order; k++)
			free_pages += b.nr_free[k] << k;
		EXPECT_EQ(free_pages, b.pages_free);
		EXPECT_EQ(b.pages_free + b.pages_used + b.pages_gone +
				  b.pages_zeroing, b.pages());
		/* Only free pages are dirty, and pages_dirty counts them. */
		EXPECT_EQ(b.pages_dirty, b.dirtyPages());
		for (u32 page = 0; page < b.pages(); page++) {
			bool free = false;

			for (unsigned k = 0; k <= b.order; k++)
				free |= b.isFreeChunk(page & ~u32(pagesOf(k) - 1), k);
			if (b.isDirty(page)) {
				EXPECT_TRUE(free) << "dirty page " << page;
			}
		}
	}

	u64 area_[kMaxOrder] = {};
};

TEST_F(BlockTest, FreshBlockIsOneFreeChunk)
{
	BlockPtr b = make(9);

	EXPECT_TRUE(b->whole());
	EXPECT_EQ(b->nr_free[9], 1);
	EXPECT_EQ(area_[9], 1u);
	EXPECT_TRUE(b->isFreeChunk(0, 9));
	EXPECT_EQ(b->dirtyPages(), 0u);
	expectCovered(*b);
}

TEST_F(BlockTest, MetadataIsSmall)
{
	/* Struct plus 74 words of bitmaps for a 2 MiB block. */
	EXPECT_LE(Block::metaBytes(9), 1024u);
	EXPECT_LT(Block::metaBytes(0), Block::metaBytes(9));
	EXPECT_LT(Block::metaBytes(9), Block::metaBytes(10));
}

TEST_F(BlockTest, SplitLeavesOneBuddyPerOrder)
{
	BlockPtr b = make(9);
	u32 off = b->takeChunk(9, 0, area_);

	EXPECT_EQ(off, 0u);
	EXPECT_TRUE(b->isUsedChunk(0, 0));
	for (unsigned k = 0; k < 9; k++) {
		EXPECT_EQ(b->nr_free[k], 1) << k;
		EXPECT_TRUE(b->isFreeChunk(u32(pagesOf(k)), k)) << k;
		EXPECT_EQ(area_[k], 1u);
	}
	EXPECT_EQ(b->nr_free[9], 0);
	EXPECT_EQ(b->pages_used, 1u);
	EXPECT_FALSE(b->whole());
	expectCovered(*b);
}

TEST_F(BlockTest, FreeCoalescesBackToWhole)
{
	BlockPtr b = make(9);
	std::vector<u32> offs;

	for (int i = 0; i < 512; i++) {
		unsigned from = 0;

		while (!b->nr_free[from])
			from++;
		offs.push_back(b->takeChunk(from, 0, area_));
	}
	EXPECT_EQ(b->pages_free, 0u);
	/* Free in an order that exercises every merge depth. */
	for (size_t i = 0; i < offs.size(); i += 2)
		EXPECT_EQ(b->freeChunk(offs[i], 0, area_), 0u);
	for (size_t i = 1; i < offs.size(); i += 2)
		b->freeChunk(offs[i], 0, area_);
	EXPECT_TRUE(b->whole());
	EXPECT_EQ(b->nr_free[9], 1);
	for (unsigned k = 0; k < 9; k++)
		EXPECT_EQ(area_[k], 0u);
	EXPECT_EQ(b->dirtyPages(), 512u);
	expectCovered(*b);
}

TEST_F(BlockTest, FreeReturnsMergedOrder)
{
	BlockPtr b = make(3);
	u32 a = b->takeChunk(3, 1, area_);	/* pages 0-1 */
	u32 c = b->takeChunk(1, 1, area_);	/* pages 2-3 */

	EXPECT_EQ(a, 0u);
	EXPECT_EQ(c, 2u);
	EXPECT_EQ(b->freeChunk(a, 1, area_), 1u); /* buddy 2-3 in use */
	EXPECT_EQ(b->freeChunk(c, 1, area_), 3u); /* merges to the top */
	expectCovered(*b);
}

TEST_F(BlockTest, ClassifyTellsEveryCase)
{
	BlockPtr b = make(4);
	u32 off = b->takeChunk(4, 2, area_);	/* pages 0-3 used */

	EXPECT_EQ(b->classify(off, 2), ChunkState::Allocated);
	EXPECT_EQ(b->classify(off, 1), ChunkState::WrongOrder);
	EXPECT_EQ(b->classify(off, 3), ChunkState::WrongOrder);
	EXPECT_EQ(b->classify(off + 1, 2), ChunkState::WrongOrder);
	EXPECT_EQ(b->classify(off, 7), ChunkState::WrongOrder);
	EXPECT_EQ(b->classify(4, 2), ChunkState::Free);
	EXPECT_EQ(b->classify(9, 0), ChunkState::Free);

	u32 gone = b->detachFree(3, area_);	/* pages 8-15 */

	EXPECT_EQ(gone, 8u);
	EXPECT_EQ(b->classify(8, 3), ChunkState::Released);
	b->markLeaked(8, 8);
	EXPECT_EQ(b->classify(12, 0), ChunkState::Leaked);
	expectCovered(*b);
}

TEST_F(BlockTest, DirtyBitsTravelWithTheChunk)
{
	BlockPtr b = make(9);
	u32 off = b->takeChunk(9, 7, area_);	/* 128 pages, word aligned */
	PageSet set;

	b->freeChunk(off, 7, area_);
	EXPECT_EQ(b->dirtyPages(), 128u);
	off = b->takeChunk(9, 3, area_);
	b->takeDirty(off, 3, &set);
	EXPECT_EQ(set.nr_pages, 8u);
	EXPECT_EQ(set.nr_set, 8u);
	EXPECT_EQ(b->dirtyPages(), 120u);

	/* A failed scrub gives the chunk back exactly as dirty as it was. */
	b->ungrantChunk(off, 3, set, area_);
	EXPECT_EQ(b->dirtyPages(), 128u);
	EXPECT_TRUE(b->whole());
	expectCovered(*b);
}

TEST_F(BlockTest, DirtySubsetOfSmallChunk)
{
	BlockPtr b = make(6);
	u32 a = b->takeChunk(6, 0, area_);	/* page 0 */
	u32 c = b->takeChunk(0, 0, area_);	/* page 1 */
	u32 d = b->takeChunk(1, 1, area_);	/* pages 2-3 */
	PageSet set;

	b->freeChunk(c, 0, area_);		/* page 1 dirty, alone */
	b->freeChunk(d, 1, area_);		/* pages 2-3 dirty */
	EXPECT_EQ(b->takeChunk(0, 0, area_), 1u);
	b->takeDirty(1, 0, &set);
	EXPECT_EQ(set.nr_set, 1u);
	EXPECT_EQ(set.bits[0], 1u);
	EXPECT_EQ(b->dirtyPages(), 2u);

	/* Pages 0-3 back together: only 2-3 dirty inside the chunk. */
	b->ungrantChunk(1, 0, PageSet{}, area_);
	b->freeChunk(a, 0, area_);
	EXPECT_TRUE(b->whole());
	b->takeDirty(0, 1, &set);		/* pages 0-1 */
	EXPECT_EQ(set.nr_set, 1u);		/* page 0, just freed */
	b->takeDirty(2, 1, &set);		/* pages 2-3 */
	EXPECT_EQ(set.nr_set, 2u);

	u32 start = 0, len = 0;

	ASSERT_TRUE(set.nextRun(&start, &len));
	EXPECT_EQ(start, 0u);
	EXPECT_EQ(len, 2u);
	start += len;
	EXPECT_FALSE(set.nextRun(&start, &len));
	EXPECT_EQ(b->dirtyPages(), 0u);
}

TEST_F(BlockTest, PageSetRunsAcrossWords)
{
	PageSet set = {};

	set.nr_pages = 512;
	for (u32 i = 60; i < 70; i++)
		setBit(set.bits, i);
	setBit(set.bits, 511);

	u32 start = 0, len = 0;

	ASSERT_TRUE(set.nextRun(&start, &len));
	EXPECT_EQ(start, 60u);
	EXPECT_EQ(len, 10u);
	start += len;
	ASSERT_TRUE(set.nextRun(&start, &len));
	EXPECT_EQ(start, 511u);
	EXPECT_EQ(len, 1u);
}

TEST_F(BlockTest, DetachAndReattach)
{
	BlockPtr b = make(9);
	PageSet set;
	u32 off = b->detachFree(9, area_);

	EXPECT_EQ(off, 0u);
	EXPECT_EQ(b->pages_gone, 512u);
	EXPECT_EQ(area_[9], 0u);
	b->takeDirty(off, 9, &set);
	EXPECT_EQ(set.nr_set, 0u);
	EXPECT_EQ(b->reattach(off, 9, set, area_), 9u);
	EXPECT_TRUE(b->whole());
	EXPECT_EQ(area_[9], 1u);
	expectCovered(*b);
}

/*
 * The background scrub takes at most 2^max_order pages around a dirty
 * page: a larger free chunk is split, its other pieces stay free.
 */
TEST_F(BlockTest, TakeForZeroingSplitsDownToThePiece)
{
	BlockPtr b = make(9);
	PageSet set;
	unsigned k = 99;

	b->freeChunk(b->takeChunk(9, 9, area_), 9, area_);
	EXPECT_EQ(b->pages_dirty, 512u);
	EXPECT_EQ(b->firstDirty(), 0u);
	EXPECT_EQ(b->dirtyIn(100, 50), 50u);

	u32 off = b->takeForZeroing(300, 4, &k, area_);

	EXPECT_EQ(k, 4u);
	EXPECT_EQ(off, 288u);			/* the 16 pages holding 300 */
	EXPECT_EQ(b->pages_zeroing, 16u);
	EXPECT_EQ(b->pages_gone, 0u);
	EXPECT_EQ(b->pages_free, 496u);
	for (unsigned j = 4; j < 9; j++)
		EXPECT_EQ(b->nr_free[j], 1u) << j;	/* one buddy per level */
	EXPECT_EQ(b->classify(300, 0), ChunkState::Released);
	b->takeDirty(off, k, &set);
	EXPECT_EQ(set.nr_set, 16u);
	EXPECT_EQ(b->pages_dirty, 496u);
	expectCovered(*b);

	/* Back clean: coalesces into the whole block again. */
	PageSet clean = {};

	clean.nr_pages = 16;
	EXPECT_EQ(b->returnZeroed(off, 4, clean, area_), 9u);
	EXPECT_EQ(b->pages_zeroing, 0u);
	EXPECT_TRUE(b->whole());
	EXPECT_EQ(b->pages_dirty, 496u);
	EXPECT_FALSE(b->isDirty(300));
	EXPECT_EQ(b->firstDirty(), 0u);
	expectCovered(*b);

	/* A free chunk smaller than the piece is taken as it is. */
	u32 used = b->takeChunk(9, 0, area_);	/* page 0 used */

	EXPECT_EQ(used, 0u);
	EXPECT_EQ(b->takeForZeroing(1, 4, &k, area_), 1u);
	EXPECT_EQ(k, 0u);
	/* A page that is not free is refused. */
	EXPECT_EQ(b->takeForZeroing(0, 4, &k, area_), b->pages());
}

TEST_F(BlockTest, LeakedRunsAreFoundAndCleared)
{
	BlockPtr b = make(9);

	b->detachFree(9, area_);
	b->markLeaked(64, 64);
	b->markLeaked(256, 3);

	u32 off, nr;

	ASSERT_TRUE(b->findLeakedRun(0, &off, &nr));
	EXPECT_EQ(off, 64u);
	EXPECT_EQ(nr, 64u);
	ASSERT_TRUE(b->findLeakedRun(off + nr, &off, &nr));
	EXPECT_EQ(off, 256u);
	EXPECT_EQ(nr, 3u);
	EXPECT_FALSE(b->findLeakedRun(off + nr, &off, &nr));
	EXPECT_EQ(b->pages_leaked, 67u);
	b->clearLeaked(64, 64);
	EXPECT_EQ(b->pages_leaked, 3u);
	ASSERT_TRUE(b->findLeakedRun(0, &off, &nr));
	EXPECT_EQ(off, 256u);
}

TEST_F(BlockTest, Order10BlockServesOrder10)
{
	BlockPtr b = make(10, 0x80000);
	u32 off = b->takeChunk(10, 10, area_);

	EXPECT_EQ(off, 0u);
	EXPECT_EQ(b->pfnAt(off), 0x80000u);
	EXPECT_TRUE(b->contains(0x80000 + 1023));
	EXPECT_FALSE(b->contains(0x80000 + 1024));
	EXPECT_EQ(b->classify(0, 10), ChunkState::Allocated);
	b->freeChunk(0, 10, area_);
	EXPECT_EQ(b->dirtyPages(), 1024u);
	expectCovered(*b);
}

TEST(BitOps, Popcount)
{
	EXPECT_EQ(popcount64(0), 0u);
	EXPECT_EQ(popcount64(~0ull), 64u);
	EXPECT_EQ(popcount64(0x8000000000000001ull), 2u);
	EXPECT_EQ(countBits(std::vector<u64>{ ~0ull, 1 }.data(), 60, 5), 5u);
}

TEST(BitOps, FindNextBitStopsAtSize)
{
	u64 map[2] = { 0, 1ull << 10 };

	EXPECT_EQ(findNextBit(map, 128, 0), 74u);
	EXPECT_EQ(findNextBit(map, 70, 0), 70u);
	EXPECT_EQ(findNextBit(map, 128, 75), 128u);
}

} /* namespace */
