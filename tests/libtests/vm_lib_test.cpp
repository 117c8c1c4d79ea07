// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm_lib_test.cpp - libunmapped against the real module, inside the test
 * VM: allocation, mapping, views, release, where the memory came from,
 * errors as unmapped::Error, Regions outliving their Device, fork, limits
 * and threads; secret files (SecretFile, unmapped_memfd_secret()); Stats
 * and EventWatcher over the module's generic netlink family. Run with --tap (run-selftests does) for TAP output.
 */
#include <algorithm>
#include <cctype>
#include <chrono>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <unmapped/memfd_secret.h>
#include <unmapped/unmapped.hpp>

#include "tap_listener.hpp"

namespace {

using unmapped::AllocOptions;
using unmapped::Device;
using unmapped::Error;
using unmapped::Region;

constexpr std::size_t MiB = 1 << 20;

class Lib : public ::testing::Test {
protected:
	void SetUp() override
	{
		// The runner loaded unmapped.ko: no device is a failure, and a
		// fatal failure in SetUp() keeps the test body from running.
		try {
			dev_.emplace();
		} catch (const Error &e) {
			GTEST_FAIL() << "open /dev/unmapped: " << e.what();
		}
	}

	Device &dev() { return *dev_; }

	static bool all(std::span<const std::byte> s, std::byte v)
	{
		return std::ranges::all_of(s, [v](std::byte b) { return b == v; });
	}

	/* The errno an expression throws as unmapped::Error, or 0. */
	template <class F> static int error_of(F &&f)
	{
		try {
			f();
		} catch (const Error &e) {
			return e.error();
		}
		return 0;
	}

	std::optional<Device> dev_;
};

TEST_F(Lib, Info)
{
	unmapped::Info in = dev().info();
	EXPECT_EQ(in.abi_version, 1u);
	EXPECT_EQ(in.page_size, 4096u);
	EXPECT_EQ(in.max_order, 10u);
	EXPECT_GE(in.nr_nodes, 1u);
	EXPECT_EQ(in.max_region_bytes, 1ull << 40);
	EXPECT_EQ(dev().path(), "/dev/unmapped");
	EXPECT_GE(dev().fd(), 0);
}

TEST_F(Lib, AllocateMapsZeroedMemory)
{
	Region r = dev().allocate(3 * MiB);
	ASSERT_TRUE(r);
	EXPECT_NE(r.id(), 0u);
	EXPECT_EQ(r.size(), 3 * MiB);
	EXPECT_EQ(r.bytes().size(), 3 * MiB);
	EXPECT_EQ(r.bytes().data(), r.data());
	EXPECT_TRUE(all(r.bytes(), std::byte{0}));
	std::ranges::fill(r.bytes(), std::byte{0xa5});
	EXPECT_TRUE(all(r.bytes(), std::byte{0xa5}));
}

TEST_F(Lib, RegionInfo)
{
	Region r = dev().allocate(4 * MiB + 8192);
	unmapped::RegionInfo ri = r.info();
	EXPECT_EQ(ri.id, r.id());
	EXPECT_EQ(ri.length, r.size());
	EXPECT_EQ(ri.mapped, 1u);
	EXPECT_GE(ri.nr_blocks, 2u);
	EXPECT_LE(ri.max_block_order, 10u);
	/* This CPU's node, which on a two-node guest may be either. */
	EXPECT_GE(ri.node, 0);
	EXPECT_LT(static_cast<unsigned>(ri.node), dev().info().nr_nodes);
	/* Root: the page frames are shown and cover at least the region. */
	EXPECT_GE(ri.end_pfn - ri.min_pfn, r.size() / 4096);
	EXPECT_EQ(dev().region_info(r.id()).offset, ri.offset);
}

TEST_F(Lib, BlockIsOneContiguousRange)
{
	Region r = dev().allocate_block(9);
	unmapped::RegionInfo ri = r.info();
	EXPECT_EQ(r.size(), 2 * MiB);
	EXPECT_EQ(ri.nr_blocks, 1u);
	EXPECT_EQ(ri.max_block_order, 9u);
	EXPECT_EQ(ri.end_pfn - ri.min_pfn, 512u);
	EXPECT_EQ(ri.min_pfn % 512, 0u) << "a block is aligned to its size";
}

TEST_F(Lib, ThisNode)
{
	Region r = dev().allocate(MiB, AllocOptions{.node = 0, .this_node = true});
	EXPECT_EQ(r.info().node, 0);
}

TEST_F(Lib, ReleaseAndUsage)
{
	EXPECT_EQ(dev().usage().regions, 0u);
	Region a = dev().allocate(MiB);
	Region b = dev().allocate(2 * MiB);
	unmapped::Usage u = dev().usage();
	EXPECT_EQ(u.regions, 2u);
	EXPECT_EQ(u.bytes, 3 * MiB);
	EXPECT_EQ(u.pending_bytes, 0u);
	std::uint64_t id = a.id();
	a.release();
	EXPECT_FALSE(a);
	EXPECT_EQ(a.size(), 0u);
	EXPECT_NO_THROW(a.release()) << "releasing twice is harmless";
	EXPECT_EQ(error_of([&] { (void)dev().region_info(id); }), ENOENT);
	EXPECT_EQ(dev().usage().regions, 1u);
	{
		Region gone = std::move(b);
	}
	EXPECT_EQ(dev().usage().regions, 0u);
	EXPECT_EQ(dev().usage().bytes, 0u);
}

TEST_F(Lib, MoveTransfersOwnership)
{
	Region a = dev().allocate(MiB);
	std::byte *p = a.data();
	std::uint64_t id = a.id();
	Region b(std::move(a));
	EXPECT_FALSE(a); // NOLINT(bugprone-use-after-move)
	EXPECT_EQ(b.data(), p);
	EXPECT_EQ(b.id(), id);
	Region c = dev().allocate(MiB);
	c = std::move(b); // frees c's old region
	EXPECT_EQ(c.id(), id);
	EXPECT_EQ(dev().usage().regions, 1u);
}

TEST_F(Lib, RegionOutlivesDevice)
{
	Region r;
	{
		Device d;
		r = d.allocate(MiB);
	}
	std::ranges::fill(r.bytes(), std::byte{1});
	EXPECT_EQ(r.info().length, MiB);
	EXPECT_NO_THROW(r.release());
}

TEST_F(Lib, ErrorsAreErrnoAndMessage)
{
	EXPECT_EQ(error_of([&] { (void)dev().allocate(0); }), EINVAL);
	EXPECT_EQ(error_of([&] { (void)dev().allocate(4097); }), EINVAL);
	EXPECT_EQ(error_of([&] { (void)dev().allocate_block(11); }), EINVAL);
	EXPECT_EQ(error_of([&] { (void)dev().allocate(MiB, {.node = 4096}); }), EINVAL);
	EXPECT_EQ(error_of([&] { (void)dev().allocate(1ull << 40); }), ENOMEM);
	EXPECT_EQ(error_of([&] { (void)dev().region_info(12345); }), ENOENT);
	try {
		(void)dev().allocate(4097);
	} catch (const Error &e) {
		EXPECT_EQ(e.operation(), "allocate 4097 bytes");
		EXPECT_TRUE(std::string(e.what()).starts_with("allocate 4097 bytes: Invalid argument ("))
			<< e.what();
	}
}

TEST_F(Lib, ForkedChildHasNoMapping)
{
	Region r = dev().allocate(MiB);
	std::ranges::fill(r.bytes(), std::byte{0x5a});
	pid_t pid = fork();
	if (pid == 0) {
		unsigned char vec;
		/* Not inherited: the range is not mapped in the child at all. */
		int rc = mincore(r.data(), 4096, &vec) == -1 && errno == ENOMEM ? 0 : 1;
		/* And the child's Region must not unmap or free anything. */
		r.release();
		_exit(rc);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
	EXPECT_TRUE(all(r.bytes(), std::byte{0x5a}));
	EXPECT_EQ(r.info().mapped, 1u);
}

TEST_F(Lib, SecretFileIsSharedAcrossFork)
{
	unmapped::SecretFile f(3 * 4096);
	ASSERT_TRUE(f);
	EXPECT_EQ(f.size(), 3u * 4096);
	EXPECT_TRUE(all(f.bytes(), std::byte{0}));
	pid_t pid = fork();
	if (pid == 0) {
		/* Unlike a Region, the mapping is the child's too. */
		f.bytes()[4096] = std::byte{0x77};
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
	EXPECT_EQ(f.bytes()[4096], std::byte{0x77});
	EXPECT_GE(fcntl(f.fd(), F_GETFD) & FD_CLOEXEC, 1);
	unmapped::SecretFile g = std::move(f);
	EXPECT_FALSE(f);
	EXPECT_EQ(g.bytes()[4096], std::byte{0x77});
}

TEST_F(Lib, MemfdSecretCApi)
{
	int fd = unmapped_memfd_secret(O_CLOEXEC);
	ASSERT_GE(fd, 0) << std::strerror(errno);
	EXPECT_EQ(ftruncate(fd, 4096), 0);
	void *p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(p, MAP_FAILED);
	static_cast<volatile char *>(p)[0] = 1;
	EXPECT_EQ(munmap(p, 4096), 0);
	close(fd);
	errno = 0;
	EXPECT_EQ(unmapped_memfd_secret(1), -1);
	EXPECT_EQ(errno, EINVAL);
}

TEST_F(Lib, MemlockLimitIsEDQUOTWithHint)
{
	pid_t pid = fork();
	if (pid == 0) {
		rlimit rl{64 * 1024, 64 * 1024};
		if (setrlimit(RLIMIT_MEMLOCK, &rl) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		try {
			(void)dev().allocate(128 * 1024);
		} catch (const Error &e) {
			bool hint = std::string(e.what()).find("RLIMIT_MEMLOCK") != std::string::npos;
			_exit(e.error() == EDQUOT && hint ? 0 : 3);
		}
		_exit(4);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(Lib, ThreadsShareOneDevice)
{
	constexpr int nr_threads = 4, rounds = 25;
	std::atomic<int> failures = 0;
	std::vector<std::jthread> threads;
	for (int t = 0; t < nr_threads; t++)
		threads.emplace_back([&, t] {
			try {
				for (int i = 0; i < rounds; i++) {
					Region r = dev().allocate(std::size_t{4096} << ((t + i) % 8));
					auto v = std::byte(t + 1);
					std::ranges::fill(r.bytes(), v);
					if (!all(r.bytes(), v))
						failures++;
				}
			} catch (const Error &) {
				failures++;
			}
		});
	threads.clear();
	EXPECT_EQ(failures, 0);
	EXPECT_EQ(dev().usage().regions, 0u);
}

/* debugfs "stats" as name -> value (the numeric lines). */
std::map<std::string, std::uint64_t> debugfs_stats()
{
	std::map<std::string, std::uint64_t> out;
	std::ifstream in("/sys/kernel/debug/unmapped/stats");
	std::string name, value;
	while (in >> name >> value)
		if (!value.empty() && std::isdigit(static_cast<unsigned char>(value[0])))
			out[name] = std::stoull(value);
	return out;
}

void drop_caches()
{
	std::ofstream("/proc/sys/vm/drop_caches") << "2";
}

TEST_F(Lib, StatsTotalsNodesAndDebugfsAgree)
{
	unmapped::Stats stats;
	Region r = dev().allocate_block(9);
	/* A deferred trim of an earlier test may still run: read while steady. */
	unmapped::Counters all;
	std::map<std::string, std::uint64_t> dbg;
	for (int i = 0; i < 20; i++) {
		dbg = debugfs_stats();
		all = stats.totals();
		if (debugfs_stats() == dbg)
			break;
		usleep(100000);
	}

	EXPECT_EQ(all.node, -1);
	EXPECT_EQ(all.nr_nodes, dev().info().nr_nodes);
	EXPECT_EQ(all.backend, unmapped::Backend::range);
	ASSERT_EQ(all.items.size(), dbg.size());
	for (const unmapped::Counter &c : all.items) {
		auto it = dbg.find(c.key());
		ASSERT_NE(it, dbg.end()) << c.key();
		EXPECT_EQ(c.value, it->second) << c.key();
	}
	EXPECT_GE(all.get("pages_in_use").value_or(0), 512u);
	EXPECT_EQ(all.per_order("free_blocks_order").size(), 11u);

	std::vector<unmapped::Counters> nodes = stats.nodes();
	ASSERT_EQ(nodes.size(), all.nr_nodes);
	std::uint64_t in_use = 0;
	for (std::size_t i = 0; i < nodes.size(); i++) {
		EXPECT_EQ(nodes[i].node, static_cast<int>(i));
		EXPECT_FALSE(nodes[i].backend);
		EXPECT_FALSE(nodes[i].get("events_queued")) << "module counters are totals only";
		in_use += nodes[i].get("pages_in_use").value_or(0);
	}
	EXPECT_EQ(in_use, all.get("pages_in_use"));
	unmapped::Counters n0 = stats.node(0);
	EXPECT_EQ(n0.node, 0);
	EXPECT_EQ(n0.get("pages_in_use"), nodes[0].get("pages_in_use"));
}

/* The block order netlink gives is the one debugfs pagetypeinfo prints. */
TEST_F(Lib, StatsBlockOrderIsDebugfsPagetypeinfos)
{
	std::ifstream in("/sys/kernel/debug/unmapped/pagetypeinfo");
	std::string line;
	ASSERT_TRUE(std::getline(in, line));
	EXPECT_EQ(line, "Page block order: " + std::to_string(unmapped::Stats().block_order()));
	EXPECT_EQ(unmapped::Stats().block_order(), 9u);
}

TEST_F(Lib, StatsErrors)
{
	unmapped::Stats stats;
	try {
		stats.node(4000);
		FAIL() << "node 4000 exists?";
	} catch (const Error &e) {
		EXPECT_EQ(e.error(), ENODEV) << e.what();
		EXPECT_EQ(e.hint(), "no such NUMA node") << "the extended ACK message";
	}
	EXPECT_EQ(error_of([&] { stats.node(-3); }), EINVAL);
	unmapped::Stats moved(std::move(stats));
	EXPECT_NO_THROW(moved.totals());
}

TEST_F(Lib, EventWatcherSeesRefillReleaseShrink)
{
	drop_caches();	/* empty cache: the next allocation refills */
	unmapped::EventWatcher watch;
	EXPECT_TRUE(watch.wait(std::chrono::milliseconds(0)).empty());
	{
		Region r = dev().allocate_block(9, {.node = 0, .this_node = true});
	}
	drop_caches();

	std::vector<unmapped::Event> events;
	auto has = [&](unmapped::EventType t) {
		return std::ranges::any_of(events, [t](const unmapped::Event &e) { return e.type == t; });
	};
	for (int i = 0; i < 50 && !(has(unmapped::EventType::refill) &&
				    has(unmapped::EventType::shrink)); i++)
		for (unmapped::Event &e : watch.wait(std::chrono::milliseconds(200)))
			events.push_back(e);
	auto refill = std::ranges::find(events, unmapped::EventType::refill, &unmapped::Event::type);
	ASSERT_NE(refill, events.end());
	EXPECT_EQ(refill->node, 0);
	EXPECT_EQ(refill->order, 9u);
	EXPECT_EQ(refill->pages, 512u);
	EXPECT_EQ(refill->backend, unmapped::Backend::range);
	EXPECT_EQ(refill->dm_calls, 1u);
	EXPECT_EQ(refill->tlb_flushes, 1u);
	EXPECT_EQ(refill->splits_l2, 0u);
	EXPECT_GT(refill->duration.count(), 0);
	EXPECT_GT(refill->time.count(), 0);
	EXPECT_EQ(refill->lost, 0u);
	auto release = std::ranges::find(events, unmapped::EventType::release, &unmapped::Event::type);
	ASSERT_NE(release, events.end());
	EXPECT_EQ(release->pfn, refill->pfn);
	EXPECT_EQ(release->pages, 512u);
	EXPECT_GE(release->time, refill->time);
	auto shrink = std::ranges::find(events, unmapped::EventType::shrink, &unmapped::Event::type);
	ASSERT_NE(shrink, events.end());
	EXPECT_GT(shrink->requested, 0u);
	EXPECT_EQ(watch.overruns(), 0u);

	unmapped::EventWatcher moved(std::move(watch));
	EXPECT_GE(moved.fd(), 0);
	EXPECT_EQ(watch.fd(), -1); // NOLINT(bugprone-use-after-move): moved-from has no socket
	EXPECT_EQ(error_of([&] { watch.wait(std::chrono::milliseconds(0)); }), EBADF);
}

} // namespace

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	bool tap = false;
	for (int i = 1; i < argc; i++)
		tap |= std::strcmp(argv[i], "--tap") == 0;
	return unmapped::testing::run_all_tests(tap);
}
