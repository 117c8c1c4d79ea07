// SPDX-License-Identifier: GPL-2.0-only
/*
 * host_lib_test.cpp - libunmapped without the module (on the build host):
 * clean errors for a missing or wrong device and a missing netlink family,
 * the error type, empty and moved-from Regions, counter lookups.
 */
#include <cerrno>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <unmapped/unmapped.hpp>

namespace {

using unmapped::Device;
using unmapped::Error;
using unmapped::Region;

static_assert(!std::is_copy_constructible_v<Region> && std::is_nothrow_move_constructible_v<Region>);
static_assert(!std::is_copy_assignable_v<Region> && std::is_nothrow_move_assignable_v<Region>);
static_assert(!std::is_copy_constructible_v<Device> && std::is_nothrow_move_constructible_v<Device>);
static_assert(std::is_base_of_v<std::system_error, Error>);
static_assert(!std::is_copy_constructible_v<unmapped::Stats> &&
	      std::is_nothrow_move_constructible_v<unmapped::Stats>);
static_assert(!std::is_copy_constructible_v<unmapped::EventWatcher> &&
	      std::is_nothrow_move_constructible_v<unmapped::EventWatcher>);

/*
 * The build host never has unmapped.ko loaded; a sandbox may have no
 * generic netlink at all, and then there is nothing to test here.
 */
const char *why_no_family_test()
{
	if (access("/sys/module/unmapped", F_OK) == 0)
		return "unmapped.ko is loaded here";
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return "no generic netlink sockets here";
	close(fd);
	return nullptr;
}

TEST(Error, CarriesErrnoOperationAndHint)
{
	Error e(EDQUOT, "allocate 64 MiB", "over RLIMIT_MEMLOCK");
	EXPECT_EQ(e.error(), EDQUOT);
	EXPECT_EQ(e.code(), std::errc(EDQUOT));
	EXPECT_EQ(e.operation(), "allocate 64 MiB");
	EXPECT_EQ(e.hint(), "over RLIMIT_MEMLOCK");
	EXPECT_EQ(std::string(e.what()),
		  "allocate 64 MiB: " + std::generic_category().message(EDQUOT) +
			  " (over RLIMIT_MEMLOCK)");
}

TEST(Error, NoHintNoParentheses)
{
	Error e(ENOENT, "query region 7");
	EXPECT_EQ(std::string(e.what()), "query region 7: No such file or directory");
}

TEST(Device, MissingDeviceIsENOENTWithHint)
{
	try {
		Device dev("/nonexistent/unmapped");
		FAIL() << "opened a missing device";
	} catch (const Error &e) {
		EXPECT_EQ(e.error(), ENOENT);
		EXPECT_EQ(e.operation(), "open /nonexistent/unmapped");
		EXPECT_NE(std::string(e.what()).find("unmapped.ko"), std::string::npos) << e.what();
	}
}

TEST(Device, OtherDeviceIsENOTTY)
{
	try {
		Device dev("/dev/null");
		FAIL() << "/dev/null accepted as an unmapped device";
	} catch (const Error &e) {
		EXPECT_EQ(e.error(), ENOTTY);
		EXPECT_NE(std::string(e.what()).find("not an unmapped device"), std::string::npos);
	}
}

TEST(Device, DirectoryIsAnError)
{
	try {
		Device dev("/");
		FAIL() << "opened a directory";
	} catch (const Error &e) {
		EXPECT_EQ(e.error(), EISDIR);
	}
}

TEST(Region, DefaultIsEmpty)
{
	Region r;
	EXPECT_FALSE(r);
	EXPECT_EQ(r.size(), 0u);
	EXPECT_EQ(r.id(), 0u);
	EXPECT_EQ(r.data(), nullptr);
	EXPECT_TRUE(r.bytes().empty());
	EXPECT_NO_THROW(r.release());
	EXPECT_NO_THROW(r.release());
}

TEST(Region, EmptyInfoIsENOENT)
{
	Region r;
	try {
		(void)r.info();
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(e.error(), ENOENT);
	}
}

TEST(Region, MovesOfEmptyStayEmpty)
{
	Region a;
	Region b(std::move(a));
	a = std::move(b);
	EXPECT_FALSE(a);
	EXPECT_FALSE(b); // NOLINT(bugprone-use-after-move): moved-from is empty by contract
}

TEST(Types, BackendNames)
{
	EXPECT_EQ(unmapped::to_string(unmapped::Backend::range), "range");
	EXPECT_EQ(unmapped::to_string(unmapped::Backend::page), "page");
	EXPECT_EQ(unmapped::to_string(static_cast<unmapped::Backend>(7)), "unknown");
}

TEST(Stats, MissingFamilyIsENOENTWithHint)
{
	if (const char *why = why_no_family_test())
		GTEST_SKIP() << why;
	try {
		unmapped::Stats stats;
		FAIL() << "connected without the module";
	} catch (const Error &e) {
		EXPECT_EQ(e.error(), ENOENT) << e.what();
		EXPECT_EQ(e.operation(), "connect to unmapped.ko's netlink family");
		EXPECT_NE(e.hint().find("is unmapped.ko loaded?"), std::string::npos) << e.hint();
	}
}

TEST(EventWatcher, MissingFamilyIsENOENT)
{
	if (const char *why = why_no_family_test())
		GTEST_SKIP() << why;
	try {
		unmapped::EventWatcher w;
		FAIL() << "subscribed without the module";
	} catch (const Error &e) {
		EXPECT_EQ(e.error(), ENOENT) << e.what();
		EXPECT_EQ(e.operation(), "subscribe to unmapped.ko events");
	}
}

TEST(Counters, Lookup)
{
	unmapped::Counters c;
	c.items = {{"allocs", 7, -1}, {"free_blocks_order", 3, 9}, {"free_blocks_order", 1, 0},
		   {"free_blocks_order", 2, 10}};
	EXPECT_EQ(c.get("allocs"), 7u);
	EXPECT_EQ(c.get("allocs", 0), std::nullopt);
	EXPECT_EQ(c.get("free_blocks_order", 9), 3u);
	EXPECT_EQ(c.get("free_blocks_order"), std::nullopt);
	EXPECT_EQ(c.get("nonexistent"), std::nullopt);
	std::vector<std::uint64_t> want(11, 0);
	want[0] = 1, want[9] = 3, want[10] = 2;
	EXPECT_EQ(c.per_order("free_blocks_order"), want);
	EXPECT_TRUE(c.per_order("allocs").empty());
	EXPECT_EQ(c.items[0].key(), "allocs");
	EXPECT_EQ(c.items[1].key(), "free_blocks_order_9");
}

TEST(Types, EventNames)
{
	using unmapped::EventType;
	EXPECT_EQ(unmapped::to_string(EventType::refill), "refill");
	EXPECT_EQ(unmapped::to_string(EventType::release), "release");
	EXPECT_EQ(unmapped::to_string(EventType::shrink), "shrink");
	EXPECT_EQ(unmapped::to_string(EventType::alloc_fail), "alloc_fail");
	EXPECT_EQ(unmapped::to_string(static_cast<EventType>(99)), "unknown");
}

TEST(Library, Version)
{
	EXPECT_STREQ(unmapped::library_version(), UM_PROJECT_VERSION);
}

} // namespace
