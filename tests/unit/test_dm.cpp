// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_dm.cpp - the core's two direct-map strategies over the simulator.
 */
#include "dm.h"
#include "sim_platform.h"

#include <gtest/gtest.h>

using namespace um;

namespace {

class DmTest : public ::testing::Test {
protected:
	DmTest() : sim_(config()) {}

	static sim::SimConfig config()
	{
		sim::SimConfig cfg;

		cfg.mem_bytes = u64(1) << 30;
		return cfg;
	}

	um_pfn_t block(unsigned order)
	{
		um_pfn_t pfn = 0;

		EXPECT_EQ(um_plat_block_alloc(sim_.plat(), 0, order, 0, &pfn), 0);
		return pfn;
	}

	void expectAllPresent(um_pfn_t pfn, u64 nr)
	{
		sim_.withDm([&](const sim::DirectMapModel &dm) {
			for (u64 i = 0; i < nr; i++)
				ASSERT_TRUE(dm.present(pfn + i)) << i;
		});
	}

	void TearDown() override
	{
		for (const std::string &e : sim_.errors())
			ADD_FAILURE() << e;
	}

	sim::SimPlatform sim_;
	um_dm_cost cost_ = {};
	bool keep_ = true;
};

TEST_F(DmTest, RangeIsOneCallOneFlushNoSplit)
{
	um_pfn_t pfn = block(9);

	ASSERT_EQ(dm::removePages(sim_.plat(), UM_BACKEND_RANGE, pfn, 512,
				  &cost_, &keep_), 0);
	EXPECT_FALSE(keep_);
	EXPECT_EQ(cost_.calls, 1u);
	EXPECT_EQ(cost_.flushes, 1u);
	EXPECT_EQ(cost_.splits_l2, 0u);
	for (u64 i = 0; i < 512; i++)
		ASSERT_FALSE(sim_.reachable(pfn + i));
	ASSERT_EQ(dm::restorePages(sim_.plat(), UM_BACKEND_RANGE, pfn, 512,
				   &cost_), 0);
	sim_.withDm([&](const sim::DirectMapModel &dm) {
		EXPECT_EQ(dm.levelOf(pfn), sim::Level::Pmd2M);
		EXPECT_EQ(dm.attrOf(pfn), sim::kAttrBoot);
	});
	EXPECT_EQ(cost_.splits_l2, 0u);
	um_plat_pages_free(sim_.plat(), pfn, 512);
}

TEST_F(DmTest, PageIsOneCallPerPageOneFlushAndSplits)
{
	um_pfn_t pfn = block(9);

	ASSERT_EQ(dm::removePages(sim_.plat(), UM_BACKEND_PAGE, pfn, 512,
				  &cost_, &keep_), 0);
	EXPECT_EQ(cost_.calls, 512u);
	EXPECT_EQ(cost_.flushes, 1u);
	EXPECT_EQ(cost_.splits_l2, 1u);
	for (u64 i = 0; i < 512; i++)
		ASSERT_FALSE(sim_.reachable(pfn + i));
	cost_ = {};
	ASSERT_EQ(dm::restorePages(sim_.plat(), UM_BACKEND_PAGE, pfn, 512,
				   &cost_), 0);
	/* No flush needed to make pages present. */
	EXPECT_EQ(cost_.flushes, 0u);
	sim_.withDm([&](const sim::DirectMapModel &dm) {
		EXPECT_EQ(dm.levelOf(pfn), sim::Level::Pte4K);
		EXPECT_EQ(dm.attrOf(pfn), sim::kAttrPresent | sim::kAttrRw);
	});
	um_plat_pages_free(sim_.plat(), pfn, 512);
}

TEST_F(DmTest, FailedRangeRemovalIsRestored)
{
	um_pfn_t pfn = block(9);

	sim_.fail_remove_range.failNth(1);
	EXPECT_EQ(dm::removePages(sim_.plat(), UM_BACKEND_RANGE, pfn, 512,
				  &cost_, &keep_), -UM_ENOMEM);
	EXPECT_FALSE(keep_);
	expectAllPresent(pfn, 512);
	um_plat_pages_free(sim_.plat(), pfn, 512);
}

TEST_F(DmTest, FailedRestoreAfterFailedRemovalMustKeep)
{
	um_pfn_t pfn = block(9);

	sim_.fail_remove_range.failNth(1);
	sim_.fail_restore_range.failNth(1);
	EXPECT_NE(dm::removePages(sim_.plat(), UM_BACKEND_RANGE, pfn, 512,
				  &cost_, &keep_), 0);
	EXPECT_TRUE(keep_);
	ASSERT_EQ(dm::restorePages(sim_.plat(), UM_BACKEND_RANGE, pfn, 512,
				   &cost_), 0);
	um_plat_pages_free(sim_.plat(), pfn, 512);
}

TEST_F(DmTest, FailedPageRemovalRestoresTheDoneOnes)
{
	um_pfn_t pfn = block(3);

	sim_.fail_remove_page.failNth(5);
	EXPECT_EQ(dm::removePages(sim_.plat(), UM_BACKEND_PAGE, pfn, 8,
				  &cost_, &keep_), -UM_ENOMEM);
	EXPECT_FALSE(keep_);
	EXPECT_EQ(cost_.flushes, 0u);
	expectAllPresent(pfn, 8);
	um_plat_pages_free(sim_.plat(), pfn, 8);
}

TEST_F(DmTest, FailedPageRestoreReportsError)
{
	um_pfn_t pfn = block(3);

	ASSERT_EQ(dm::removePages(sim_.plat(), UM_BACKEND_PAGE, pfn, 8,
				  &cost_, &keep_), 0);
	sim_.fail_restore_page.failNth(3);
	EXPECT_NE(dm::restorePages(sim_.plat(), UM_BACKEND_PAGE, pfn, 8,
				   &cost_), 0);
	ASSERT_EQ(dm::restorePages(sim_.plat(), UM_BACKEND_PAGE, pfn, 8,
				   &cost_), 0);
	um_plat_pages_free(sim_.plat(), pfn, 8);
}

} /* namespace */
