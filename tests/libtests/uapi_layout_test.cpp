// SPDX-License-Identifier: GPL-2.0-only
/*
 * uapi_layout_test.cpp - the UAPI structs have the layout the ABI promises:
 * fixed sizes equal to UNMAPPED_*_SIZE_VER0, every field where the header
 * says (no implicit padding: the header is also compiled with -Wpadded
 * -Werror, see uapi_padded.c), and stable command numbers; the generic
 * netlink family's names and numbers never change either.
 */
#include <cstddef>
#include <iterator>

#include <gtest/gtest.h>
#include <linux/unmapped.h>

namespace {

#define AT(type, field, off) static_assert(offsetof(type, field) == (off), #type "." #field)

static_assert(sizeof(unmapped_info) == UNMAPPED_INFO_SIZE_VER1);
AT(unmapped_info, size, 0);
AT(unmapped_info, abi_version, 4);
AT(unmapped_info, page_size, 8);
AT(unmapped_info, max_order, 12);
AT(unmapped_info, backend, 16);
AT(unmapped_info, nr_nodes, 20);
AT(unmapped_info, max_file_bytes, 24);
AT(unmapped_info, max_region_bytes, 32);
AT(unmapped_info, features, 40);
static_assert(UNMAPPED_INFO_SIZE_VER0 == offsetof(unmapped_info, features));

static_assert(sizeof(unmapped_alloc) == UNMAPPED_ALLOC_SIZE_VER0);
AT(unmapped_alloc, size, 0);
AT(unmapped_alloc, flags, 4);
AT(unmapped_alloc, length, 8);
AT(unmapped_alloc, order, 16);
AT(unmapped_alloc, node, 20);
AT(unmapped_alloc, id, 24);
AT(unmapped_alloc, offset, 32);

static_assert(sizeof(unmapped_free) == UNMAPPED_FREE_SIZE_VER0);
AT(unmapped_free, size, 0);
AT(unmapped_free, flags, 4);
AT(unmapped_free, id, 8);

static_assert(sizeof(unmapped_region) == UNMAPPED_REGION_SIZE_VER0);
AT(unmapped_region, size, 0);
AT(unmapped_region, flags, 4);
AT(unmapped_region, id, 8);
AT(unmapped_region, length, 16);
AT(unmapped_region, offset, 24);
AT(unmapped_region, nr_blocks, 32);
AT(unmapped_region, max_block_order, 36);
AT(unmapped_region, node, 40);
AT(unmapped_region, mapped, 44);
AT(unmapped_region, min_pfn, 48);
AT(unmapped_region, end_pfn, 56);

static_assert(sizeof(unmapped_query) == UNMAPPED_QUERY_SIZE_VER0);
AT(unmapped_query, size, 0);
AT(unmapped_query, flags, 4);
AT(unmapped_query, regions, 8);
AT(unmapped_query, bytes, 16);
AT(unmapped_query, pending_bytes, 24);

static_assert(sizeof(unmapped_secret) == UNMAPPED_SECRET_SIZE_VER0);
AT(unmapped_secret, size, 0);
AT(unmapped_secret, flags, 4);
AT(unmapped_secret, fd, 8);
AT(unmapped_secret, reserved, 12);

/* 64-bit fields stay 8-aligned: the same layout for i386 and x86-64. */
static_assert(UNMAPPED_INFO_SIZE_VER0 % 8 == 0 && UNMAPPED_INFO_SIZE_VER1 % 8 == 0 && UNMAPPED_ALLOC_SIZE_VER0 % 8 == 0 &&
	      UNMAPPED_FREE_SIZE_VER0 % 8 == 0 && UNMAPPED_REGION_SIZE_VER0 % 8 == 0 &&
	      UNMAPPED_QUERY_SIZE_VER0 % 8 == 0 && UNMAPPED_SECRET_SIZE_VER0 % 8 == 0);

TEST(Uapi, CommandNumbers)
{
	EXPECT_EQ(UNMAPPED_IOC_MAGIC, 0xB9);
	/* INFO grew (features): the same number, a new size; the kernel serves both. */
	EXPECT_EQ(UNMAPPED_IOC_INFO, 0xc030b900u);
	EXPECT_EQ(UNMAPPED_IOC_ALLOC, 0xc028b901u);
	EXPECT_EQ(UNMAPPED_IOC_FREE, 0xc010b902u);
	EXPECT_EQ(UNMAPPED_IOC_REGION, 0xc040b903u);
	EXPECT_EQ(UNMAPPED_IOC_QUERY, 0xc020b904u);
	EXPECT_EQ(UNMAPPED_IOC_SECRET, 0xc010b905u);
}

TEST(Uapi, FlagsAndConstants)
{
	EXPECT_EQ(UNMAPPED_ALLOC_BLOCK, 1u);
	EXPECT_EQ(UNMAPPED_ALLOC_THISNODE, 2u);
	EXPECT_EQ(UNMAPPED_ABI_VERSION, 1);
	EXPECT_EQ(UNMAPPED_FEATURE_SECRET, 1ull);
	EXPECT_STREQ(UNMAPPED_DEVICE, "/dev/unmapped");
	EXPECT_EQ(UNMAPPED_BACKEND_RANGE, 0);
	EXPECT_EQ(UNMAPPED_BACKEND_PAGE, 1);
}

TEST(Uapi, GenericNetlinkNumbers)
{
	EXPECT_STREQ(UNMAPPED_GENL_NAME, "unmapped");
	EXPECT_STREQ(UNMAPPED_GENL_MCGRP_EVENTS, "events");
	EXPECT_EQ(UNMAPPED_GENL_VERSION, 1);
	EXPECT_EQ(UNMAPPED_CMD_GET_STATS, 1);
	EXPECT_EQ(UNMAPPED_CMD_EVENT, 2);
	/* Attributes: appended to, never renumbered. */
	const int attrs[] = {
		UNMAPPED_A_PAD,		UNMAPPED_A_NODE,	UNMAPPED_A_NR_NODES,
		UNMAPPED_A_BACKEND,	UNMAPPED_A_STATS,	UNMAPPED_A_EVENT_TYPE,
		UNMAPPED_A_TIME_NS,	UNMAPPED_A_LOST,	UNMAPPED_A_ORDER,
		UNMAPPED_A_PFN,		UNMAPPED_A_PAGES,	UNMAPPED_A_REQUESTED,
		UNMAPPED_A_ERROR,	UNMAPPED_A_DM_CALLS,	UNMAPPED_A_TLB_FLUSHES,
		UNMAPPED_A_SPLITS_L2,	UNMAPPED_A_SPLITS_L3,	UNMAPPED_A_DURATION_NS,
	};
	for (int i = 0; i < static_cast<int>(std::size(attrs)); i++)
		EXPECT_EQ(attrs[i], i + 1);
	EXPECT_EQ(UNMAPPED_A_MAX, 18);
	EXPECT_EQ(UNMAPPED_A_STATS_ENTRY, 1);
	EXPECT_EQ(UNMAPPED_STAT_A_PAD, 1);
	EXPECT_EQ(UNMAPPED_STAT_A_NAME, 2);
	EXPECT_EQ(UNMAPPED_STAT_A_VALUE, 3);
	EXPECT_EQ(UNMAPPED_STAT_A_ORDER, 4);
	EXPECT_EQ(UNMAPPED_EVENT_REFILL, 1);
	EXPECT_EQ(UNMAPPED_EVENT_RELEASE, 2);
	EXPECT_EQ(UNMAPPED_EVENT_SHRINK, 3);
	EXPECT_EQ(UNMAPPED_EVENT_ALLOC_FAIL, 4);
}

} // namespace
