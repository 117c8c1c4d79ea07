// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_dm_model.cpp - the direct-map model behaves like 6.1's CPA.
 */
#include "dm_model.h"

#include <gtest/gtest.h>

using namespace sim;

namespace {

constexpr uint64_t kGiB = kPagesPerPud;
constexpr uint64_t k2M = kPagesPerPmd;

class DmModelTest : public ::testing::Test {
protected:
	DmModelTest() : dm_(DmLayout()) {}

	DmSplits change(uint64_t pfn, uint64_t nr, uint8_t set, uint8_t clr)
	{
		return dm_.change(pfn, nr, set, clr, hooks_);
	}

	void SetUp() override
	{
		hooks_.split_flush = [this] { split_flushes_++; };
		hooks_.unmapped = [this](uint64_t, uint64_t nr) {
			unmapped_ += nr;
		};
	}

	DirectMapModel dm_;
	DmHooks hooks_;
	uint64_t split_flushes_ = 0;
	uint64_t unmapped_ = 0;
};

TEST_F(DmModelTest, DefaultLayoutLikeTheTestVm)
{
	EXPECT_EQ(dm_.levelOf(0), Level::Pte4K);
	EXPECT_EQ(dm_.levelOf(k2M - 1), Level::Pte4K);
	EXPECT_EQ(dm_.levelOf(k2M), Level::Pmd2M);
	EXPECT_EQ(dm_.levelOf(kGiB - 1), Level::Pmd2M);
	EXPECT_EQ(dm_.levelOf(kGiB), Level::Pud1G);
	EXPECT_EQ(dm_.pagesAtLevel(Level::Pte4K), k2M);
	EXPECT_EQ(dm_.pagesAtLevel(Level::Pmd2M), kGiB - k2M);
	EXPECT_EQ(dm_.pagesAtLevel(Level::Pud1G), 3 * kGiB);
	EXPECT_EQ(dm_.attrOf(12345), kAttrBoot);
}

TEST_F(DmModelTest, Whole2MChangeKeepsTheLargePage)
{
	uint64_t pfn = 8 * k2M;
	DmSplits s = change(pfn, k2M, 0, kAttrPresent);

	EXPECT_EQ(s.l2, 0u);
	EXPECT_EQ(s.l3, 0u);
	EXPECT_EQ(dm_.levelOf(pfn), Level::Pmd2M);
	EXPECT_FALSE(dm_.present(pfn));
	/* Non-present clears GLOBAL (PROTNONE). */
	EXPECT_EQ(dm_.attrOf(pfn), kAttrRw);
	EXPECT_EQ(unmapped_, k2M);

	/* Restoring P|RW|G brings the entry back bit for bit. */
	change(pfn, k2M, kAttrBoot, 0);
	EXPECT_EQ(dm_.levelOf(pfn), Level::Pmd2M);
	EXPECT_EQ(dm_.attrOf(pfn), kAttrBoot);
	EXPECT_EQ(dm_.splits().l2, 0u);
	EXPECT_EQ(split_flushes_, 0u);
}

TEST_F(DmModelTest, PartialChangeSplits2M)
{
	uint64_t pfn = 8 * k2M + 3;
	DmSplits s = change(pfn, 1, 0, kAttrPresent | kAttrRw);

	EXPECT_EQ(s.l2, 1u);
	EXPECT_EQ(split_flushes_, 1u);
	EXPECT_EQ(dm_.levelOf(pfn), Level::Pte4K);
	EXPECT_EQ(dm_.levelOf(pfn + 1), Level::Pte4K);
	EXPECT_FALSE(dm_.present(pfn));
	EXPECT_TRUE(dm_.present(pfn + 1));
	EXPECT_EQ(dm_.attrOf(pfn + 1), kAttrBoot);

	/* set_direct_map_default_noflush(): P|RW but the G bit stays lost. */
	change(pfn, 1, kAttrPresent | kAttrRw, 0);
	EXPECT_EQ(dm_.attrOf(pfn), kAttrPresent | kAttrRw);
	/* Nothing merges back. */
	EXPECT_EQ(dm_.levelOf(pfn), Level::Pte4K);
	EXPECT_EQ(dm_.pagesAtLevel(Level::Pte4K), 2 * k2M);
}

TEST_F(DmModelTest, RangeInside1GSplitsLevel3Once)
{
	uint64_t pfn = kGiB + 4 * k2M;
	DmSplits s = change(pfn, k2M, 0, kAttrPresent);

	EXPECT_EQ(s.l3, 1u);
	EXPECT_EQ(s.l2, 0u);
	EXPECT_EQ(dm_.levelOf(pfn), Level::Pmd2M);
	EXPECT_EQ(dm_.levelOf(pfn + k2M), Level::Pmd2M);
	s = change(pfn + k2M, k2M, 0, kAttrPresent);
	EXPECT_EQ(s.l3, 0u);
	EXPECT_EQ(dm_.splits().l3, 1u);
	EXPECT_EQ(dm_.pagesAtLevel(Level::Pud1G), 2 * kGiB);
}

TEST_F(DmModelTest, Whole1GChangeKeepsIt)
{
	DmSplits s = change(2 * kGiB, kGiB, 0, kAttrPresent);

	EXPECT_EQ(s.l3, 0u);
	EXPECT_EQ(dm_.levelOf(2 * kGiB), Level::Pud1G);
	EXPECT_EQ(unmapped_, kGiB);
}

TEST_F(DmModelTest, NoOpChangeDoesNotSplit)
{
	/* Making present pages present again changes nothing. */
	DmSplits s = change(8 * k2M + 5, 3, kAttrPresent | kAttrRw, 0);

	EXPECT_EQ(s.l2, 0u);
	EXPECT_EQ(dm_.levelOf(8 * k2M), Level::Pmd2M);
}

TEST_F(DmModelTest, ChangeAcrossEntriesSplitsOnlyTheEdges)
{
	/* From the middle of one 2M entry to the middle of the third. */
	uint64_t pfn = 16 * k2M + k2M / 2;
	DmSplits s = change(pfn, 2 * k2M, 0, kAttrPresent);

	EXPECT_EQ(s.l2, 2u);
	EXPECT_EQ(dm_.levelOf(17 * k2M), Level::Pmd2M);
	EXPECT_EQ(unmapped_, 2 * k2M);
}

TEST_F(DmModelTest, RejectsChangesBeyondMemory)
{
	EXPECT_THROW(change(4 * kGiB - 1, 2, 0, kAttrPresent),
		     std::out_of_range);
	EXPECT_THROW(DirectMapModel(DmLayout{ 1000, 0, 0, {} }),
		     std::invalid_argument);
}

} /* namespace */
