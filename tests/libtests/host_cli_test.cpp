// SPDX-License-Identifier: GPL-2.0-only
/*
 * host_cli_test.cpp - unmappedctl on the build host: size and number
 * parsing, option splitting, each command's arguments, exit statuses and
 * messages, the stats/pagetypeinfo output from a fake stats source and
 * from netlink counters, and the lines of "watch".
 */
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.hpp"
#include "commands.hpp"

namespace {

using namespace unmappedctl;
using sv = std::string_view;

TEST(ParseSize, Accepted)
{
	EXPECT_EQ(parse_size("4096"), 4096u);
	EXPECT_EQ(parse_size("0x1000"), 4096u);
	EXPECT_EQ(parse_size("0X1000"), 4096u);
	EXPECT_EQ(parse_size("64M"), 64u << 20);
	EXPECT_EQ(parse_size("64m"), 64u << 20);
	EXPECT_EQ(parse_size("64MiB"), 64u << 20);
	EXPECT_EQ(parse_size("64MB"), 64u << 20);
	EXPECT_EQ(parse_size("2G"), 2ull << 30);
	EXPECT_EQ(parse_size("4k"), 4096u);
	EXPECT_EQ(parse_size("1T"), 1ull << 40);
	EXPECT_EQ(parse_size("1P"), 1ull << 50);
	EXPECT_EQ(parse_size("0x10M"), 16u << 20);
	EXPECT_EQ(parse_size("18446744073709551615"), UINT64_MAX);
	EXPECT_EQ(parse_size("16383P"), 16383ull << 50);
}

TEST(ParseSize, Refused)
{
	for (sv bad : {"", "M", "0", "0M", "-1", "+4096", " 4096", "4096 ", "64Q", "64MiBs",
		       "64 M", "0x", "0xG", "1.5G", "18446744073709551616", "16384P", "64Mi",
		       "4096B", "abc"})
		EXPECT_THROW(parse_size(bad), UsageError) << "'" << bad << "'";
}

TEST(ParseNumbers, UintAndInt)
{
	EXPECT_EQ(parse_uint("0xa5", 0, 255, "byte"), 0xa5u);
	EXPECT_EQ(parse_uint("255", 0, 255, "byte"), 255u);
	EXPECT_THROW(parse_uint("256", 0, 255, "byte"), UsageError);
	EXPECT_THROW(parse_uint("-1", 0, 255, "byte"), UsageError);
	EXPECT_THROW(parse_uint("1x", 0, 255, "byte"), UsageError);
	EXPECT_EQ(parse_int("-1", -1, 10, "node"), -1);
	EXPECT_THROW(parse_int("-2", -1, 10, "node"), UsageError);
	EXPECT_THROW(parse_int("99999999999999999999", -1, 10, "node"), UsageError);
	EXPECT_THROW(parse_int("", -1, 10, "node"), UsageError);
	EXPECT_THROW(parse_int("0x1", -1, 10, "node"), UsageError);
}

TEST(ParseArgs, Forms)
{
	static constexpr OptionSpec specs[] = {{"size", 's', true}, {"json", 'j', false}};
	std::vector<sv> a{"--size", "4k", "-j", "x", "--", "--json"};
	ParsedArgs p = parse_args(a, specs);
	EXPECT_EQ(p.get("size"), "4k");
	EXPECT_TRUE(p.has("json"));
	EXPECT_EQ(p.operands, (std::vector<std::string>{"x", "--json"}));

	std::vector<sv> b{"--size=8k"};
	EXPECT_EQ(parse_args(b, specs).get("size"), "8k");
	std::vector<sv> c{"-s16k"};
	EXPECT_EQ(parse_args(c, specs).get("size"), "16k");
}

TEST(ParseArgs, Errors)
{
	static constexpr OptionSpec specs[] = {{"size", 's', true}, {"json", 'j', false}};
	for (std::vector<sv> bad : std::vector<std::vector<sv>>{
		     {"--bogus"}, {"-x"}, {"--size"}, {"--json=1"}, {"-s", "1", "--size", "2"}})
		EXPECT_THROW(parse_args(bad, specs), UsageError) << bad.front();
}

TEST(AllocArgs, Valid)
{
	std::vector<sv> a{"--size", "64M", "--fill", "0xa5", "--node", "0", "--hold", "30",
			  "--this-node"};
	AllocArgs r = parse_alloc_args(a);
	EXPECT_EQ(r.size, 64u << 20);
	EXPECT_FALSE(r.order);
	EXPECT_EQ(r.fill, 0xa5);
	EXPECT_EQ(r.node, 0);
	EXPECT_EQ(r.hold_seconds, 30u);
	EXPECT_TRUE(r.this_node);

	std::vector<sv> b{"--order", "9"};
	r = parse_alloc_args(b);
	EXPECT_EQ(r.order, 9u);
	EXPECT_EQ(r.node, -1);
	EXPECT_FALSE(r.fill);

	std::vector<sv> h{"--help", "--bogus-after-help-is-still-an-error"};
	EXPECT_THROW(parse_alloc_args(h), UsageError);
	std::vector<sv> h2{"--size", "oops", "--help"};
	EXPECT_TRUE(parse_alloc_args(h2).help);
}

TEST(AllocArgs, Invalid)
{
	for (std::vector<sv> bad : std::vector<std::vector<sv>>{
		     {},
		     {"--size", "4k", "--order", "1"},
		     {"--size", "12Q"},
		     {"--order", "64"},
		     {"--fill", "256", "--size", "4k"},
		     {"--node", "-2", "--size", "4k"},
		     {"--hold", "-1", "--size", "4k"},
		     {"--size", "4k", "extra"}})
		EXPECT_THROW(parse_alloc_args(bad), UsageError);
}

/* Captures what a command writes. */
class Output {
public:
	Output() : f_(open_memstream(&buf_, &len_)) {}
	~Output()
	{
		std::fclose(f_);
		std::free(buf_);
	}
	std::FILE *file() { return f_; }
	std::string text()
	{
		std::fflush(f_);
		return std::string(buf_, len_);
	}

private:
	char *buf_ = nullptr;
	std::size_t len_ = 0;
	std::FILE *f_;
};

class FakeStats : public StatsSource {
public:
	std::vector<Stat> stats() override
	{
		return parse_stat_lines("allocs 12\npages_in_use 16384\n\nnr_free 1 0 2\nbackend range\n");
	}
	std::string pagetypeinfo() override { return "Node 0, order 9: 3\n"; }
	std::string pagetypeinfo_json() override { return "{\"block_order\": 9}\n"; }
};

struct CliResult {
	int status;
	std::string out, err;
};

/* @args run with no device and @source's statistics (FakeStats by default). */
CliResult run_cli(std::vector<sv> args,
		  std::function<std::unique_ptr<StatsSource>(SourceKind)> source =
			  [](SourceKind) { return std::make_unique<FakeStats>(); })
{
	Output out, err;
	Context ctx;
	ctx.device = "/nonexistent/unmapped";
	ctx.stats_source = std::move(source);
	ctx.out = out.file();
	ctx.err = err.file();
	int status = run(ctx, args);
	return {status, out.text(), err.text()};
}

TEST(Run, HelpEverywhere)
{
	for (std::vector<sv> a : std::vector<std::vector<sv>>{
		     {"--help"}, {"-h"}, {"help"}, {"info", "--help"}, {"alloc", "--help"},
		     {"stats", "--help"}, {"pagetypeinfo", "--help"}, {"alloc", "-h"},
		     {"watch", "--help"}, {"run", "--help"}}) {
		CliResult r = run_cli(a);
		EXPECT_EQ(r.status, 0) << a.front();
		EXPECT_NE(r.out.find("Usage: unmappedctl"), std::string::npos) << a.front();
		EXPECT_TRUE(r.err.empty());
	}
}

/* Output that could not be written fails the command, help included. */
TEST(Run, WriteErrorExit1)
{
	std::FILE *full = std::fopen("/dev/full", "w");
	ASSERT_NE(full, nullptr);
	Output err;
	Context ctx;
	ctx.out = full;
	ctx.err = err.file();
	const std::vector<sv> args{"--help"};
	EXPECT_EQ(run(ctx, args), 1);
	EXPECT_NE(err.text().find("write error"), std::string::npos);
	std::fclose(full);
}

TEST(Run, UsageErrorsExit2)
{
	for (std::vector<sv> a : std::vector<std::vector<sv>>{
		     {}, {"bogus"}, {"--bogus"}, {"--device"}, {"info", "extra"},
		     {"alloc"}, {"alloc", "--size", "64Q"}, {"stats", "--xml"},
		     {"stats", "--source", "sysfs"}, {"pagetypeinfo", "--json=1"},
		     {"watch", "--count", "0"}, {"watch", "--timeout", "x"}, {"watch", "now"},
		     {"run"}, {"run", "--"}, {"run", "--bogus", "prog"}}) {
		CliResult r = run_cli(a);
		EXPECT_EQ(r.status, 2) << (a.empty() ? "(none)" : a.front());
		EXPECT_TRUE(r.err.starts_with("unmappedctl: ")) << r.err;
		/* The command's own help once the command is known, else the top level's. */
		bool known = !a.empty() && a.front() != "bogus" && !a.front().starts_with("-");
		std::string hint = known ? "Try 'unmappedctl " + std::string(a.front()) + " --help'."
					 : "Try 'unmappedctl --help'.";
		EXPECT_NE(r.err.find(hint), std::string::npos) << r.err;
	}
}

TEST(Run, PreloadGoesFirst)
{
	EXPECT_EQ(preload_env("/l/p.so", nullptr), "/l/p.so");
	EXPECT_EQ(preload_env("/l/p.so", ""), "/l/p.so");
	EXPECT_EQ(preload_env("/l/p.so", "/x/a.so"), "/l/p.so:/x/a.so");
}

TEST(Run, ProgramNotFoundExit127)
{
	::setenv("UNMAPPED_PRELOAD", "/nonexistent/libunmapped-preload.so", 1);
	CliResult r = run_cli({"run", "--", "/nonexistent/program"});
	::unsetenv("UNMAPPED_PRELOAD");
	EXPECT_EQ(r.status, 127);
	EXPECT_NE(r.err.find("run: /nonexistent/program: No such file or directory"), std::string::npos)
		<< r.err;
	EXPECT_EQ(::getenv("LD_PRELOAD"), nullptr) << "run changed its own environment";
}

TEST(Run, MissingDeviceExit1WithStrerror)
{
	CliResult r = run_cli({"info"});
	EXPECT_EQ(r.status, 1);
	EXPECT_TRUE(r.err.starts_with("unmappedctl: open /nonexistent/unmapped: No such file or directory"))
		<< r.err;

	r = run_cli({"--device=/dev/null", "alloc", "--size", "4k"});
	EXPECT_EQ(r.status, 1);
	EXPECT_TRUE(r.err.starts_with("unmappedctl: query /dev/null: Inappropriate ioctl for device"))
		<< r.err;
}

TEST(Run, Version)
{
	CliResult r = run_cli({"--version"});
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.out, std::string("unmappedctl (libunmapped) ") + UM_PROJECT_VERSION + "\n");
}

TEST(Run, StatsText)
{
	CliResult r = run_cli({"stats"});
	EXPECT_EQ(r.status, 0) << r.err;
	EXPECT_EQ(r.out, "allocs       12\n"
			 "pages_in_use 16384\n"
			 "nr_free      1 0 2\n"
			 "backend      range\n");
}

TEST(Run, StatsJson)
{
	CliResult r = run_cli({"stats", "--json"});
	EXPECT_EQ(r.status, 0) << r.err;
	EXPECT_EQ(r.out, "{\n"
			 "  \"allocs\": 12,\n"
			 "  \"pages_in_use\": 16384,\n"
			 "  \"nr_free\": [1, 0, 2],\n"
			 "  \"backend\": \"range\"\n"
			 "}\n");
}

/* -j/--json before the command: the same JSON as the command's own option. */
TEST(Run, GlobalJson)
{
	CliResult own = run_cli({"stats", "--json"});
	for (std::vector<sv> a : std::vector<std::vector<sv>>{{"-j", "stats"}, {"--json", "stats"}}) {
		CliResult r = run_cli(a);
		EXPECT_EQ(r.status, 0) << r.err;
		EXPECT_EQ(r.out, own.out) << a.front();
	}
	/*
	 * info, alloc and watch reach the device or the netlink family (absent
	 * here) instead of refusing the option.
	 */
	for (std::vector<sv> a : std::vector<std::vector<sv>>{
		     {"-j", "info"}, {"info", "--json"}, {"-j", "alloc", "--size", "4k"},
		     {"-j", "watch", "--count", "1"}}) {
		CliResult r = run_cli(a);
		EXPECT_EQ(r.status, 1) << a[1] << ": " << r.err;
		EXPECT_EQ(r.err.find("no JSON output"), std::string::npos) << r.err;
	}
	/* pagetypeinfo: the source's JSON, by the global option or its own. */
	for (std::vector<sv> a : std::vector<std::vector<sv>>{
		     {"-j", "pagetypeinfo"}, {"pagetypeinfo", "--json"}}) {
		CliResult r = run_cli(a);
		EXPECT_EQ(r.status, 0) << r.err;
		EXPECT_EQ(r.out, "{\"block_order\": 9}\n");
	}
}

TEST(Run, Pagetypeinfo)
{
	CliResult r = run_cli({"pagetypeinfo"});
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.out, "Node 0, order 9: 3\n");
}

/* @args run against a debugfs source whose directory does not exist. */
CliResult run_on_missing_debugfs(std::vector<sv> args)
{
	return run_cli(std::move(args),
		       [](SourceKind) { return make_debugfs_source("/nonexistent/debugfs"); });
}

TEST(Run, StatsSourceErrorExit1)
{
	CliResult r = run_on_missing_debugfs({"stats"});
	EXPECT_EQ(r.status, 1);
	EXPECT_TRUE(r.err.starts_with(
		"unmappedctl: read /nonexistent/debugfs/stats: No such file or directory"))
		<< r.err;
}

TEST(Run, SourcesReachTheFactory)
{
	std::vector<SourceKind> asked;
	Output out, err;
	Context ctx;
	ctx.stats_source = [&](SourceKind k) {
		asked.push_back(k);
		return std::make_unique<FakeStats>();
	};
	ctx.out = out.file();
	ctx.err = err.file();
	for (std::vector<sv> a : std::vector<std::vector<sv>>{
		     {"stats"}, {"stats", "--source", "netlink"}, {"stats", "--source=debugfs"},
		     {"pagetypeinfo", "--source", "auto"}, {"pagetypeinfo", "--source", "netlink"}})
		EXPECT_EQ(run(ctx, a), 0) << a.front();
	EXPECT_EQ(asked, (std::vector<SourceKind>{SourceKind::automatic, SourceKind::netlink,
						  SourceKind::debugfs, SourceKind::automatic,
						  SourceKind::netlink}));
}

TEST(Run, NetlinkWithoutModuleExit1)
{
	if (access("/sys/module/unmapped", F_OK) == 0)
		GTEST_SKIP() << "unmapped.ko is loaded here";
	if (int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC); fd >= 0)
		close(fd);
	else
		GTEST_SKIP() << "no generic netlink sockets here";
	Output out, err;
	Context ctx;
	ctx.out = out.file();
	ctx.err = err.file();
	std::vector<sv> args{"stats", "--source", "netlink"};
	EXPECT_EQ(run(ctx, args), 1);
	EXPECT_TRUE(err.text().starts_with("unmappedctl: connect to unmapped.ko's netlink family: "
					   "No such file or directory (is unmapped.ko loaded?"))
		<< err.text();
	std::vector<sv> watch{"watch", "--timeout", "1"};
	EXPECT_EQ(run(ctx, watch), 1);
	EXPECT_NE(err.text().find("unmappedctl: subscribe to unmapped.ko events: "
				  "No such file or directory"),
		  std::string::npos)
		<< err.text();
}

TEST(WatchArgs, Parse)
{
	std::vector<sv> none;
	WatchArgs w = parse_watch_args(none);
	EXPECT_FALSE(w.count);
	EXPECT_FALSE(w.timeout_ms);
	std::vector<sv> both{"--count", "3", "-t", "20"};
	w = parse_watch_args(both);
	EXPECT_EQ(w.count, 3u);
	EXPECT_EQ(w.timeout_ms, 20000u);
}

unmapped::Counters node_counters(int nid, std::uint64_t cached, std::uint64_t in_use,
				 std::vector<std::uint64_t> free_blocks)
{
	unmapped::Counters c;
	c.node = nid;
	c.items = {{"pages_cached", cached, -1}, {"pages_in_use", in_use, -1},
		   {"pages_free", cached - in_use, -1}};
	for (std::size_t o = 0; o < free_blocks.size(); o++)
		c.items.push_back({"free_blocks_order", free_blocks[o], static_cast<int>(o)});
	return c;
}

TEST(Netlink, PagetypeinfoLayout)
{
	std::vector<unmapped::Counters> nodes{
		node_counters(0, 1536, 512, {0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0}),
		node_counters(1, 0, 0, std::vector<std::uint64_t>(11, 0))};
	/* What debugfs "pagetypeinfo" prints for the same counters. */
	std::string want =
		"Page block order: 9\n"
		"Pages per block:  512\n\n"
		"Free blocks count per node at order             0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, cache unmapped, type         Free      0      1      0      0      0      0      0      0      0      2      0 \n"
		"Node    1, cache unmapped, type         Free      0      0      0      0      0      0      0      0      0      0      0 \n"
		"\n"
		"Pages per node                                   cached       in use         free\n"
		"Node    0                                          1536          512         1024\n"
		"Node    1                                             0            0            0\n";
	EXPECT_EQ(format_pagetypeinfo(nodes, 9), want);
	/* The block order is the module's, not the tool's. */
	const std::string head10 = "Page block order: 10\nPages per block:  1024\n\n";
	EXPECT_EQ(format_pagetypeinfo(nodes, 10).substr(0, head10.size()), head10);

	EXPECT_EQ(format_pagetypeinfo_json(nodes, 9),
		  "{\n  \"block_order\": 9,\n  \"pages_per_block\": 512,\n  \"nodes\": [\n"
		  "    {\"node\": 0, \"free_blocks\": [0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0], "
		  "\"pages_cached\": 1536, \"pages_in_use\": 512, \"pages_free\": 1024},\n"
		  "    {\"node\": 1, \"free_blocks\": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "
		  "\"pages_cached\": 0, \"pages_in_use\": 0, \"pages_free\": 0}\n  ]\n}\n");
	EXPECT_EQ(format_pagetypeinfo_json({}, 9),
		  "{\n  \"block_order\": 9,\n  \"pages_per_block\": 512,\n  \"nodes\": []\n}\n");
}

TEST(Run, PagetypeinfoJsonNeedsNetlink)
{
	CliResult r = run_on_missing_debugfs({"pagetypeinfo", "--json", "--source", "debugfs"});
	EXPECT_EQ(r.status, 2);
	EXPECT_NE(r.err.find("reads netlink, not debugfs"), std::string::npos) << r.err;
}

TEST(Netlink, StatsAsDebugfsNamesThem)
{
	unmapped::Counters totals;
	totals.backend = unmapped::Backend::page;
	totals.items = {{"allocs", 5, -1}, {"allocs_order", 4, 0}, {"allocs_order", 1, 10}};
	std::vector<Stat> s = stats_from_counters(totals);
	ASSERT_EQ(s.size(), 4u);
	EXPECT_EQ(s[0].name, "allocs");
	EXPECT_EQ(s[0].values, std::vector<std::uint64_t>{5});
	EXPECT_EQ(s[1].name, "allocs_order_0");
	EXPECT_EQ(s[2].name, "allocs_order_10");
	EXPECT_EQ(s[2].values, std::vector<std::uint64_t>{1});
	EXPECT_EQ(s[3].name, "backend");
	EXPECT_TRUE(s[3].values.empty());
	EXPECT_EQ(s[3].text, "page");
}

/* The events both renderings of watch are tested with. */
unmapped::Event refill_event()
{
	using namespace std::chrono_literals;
	unmapped::Event e;
	e.type = unmapped::EventType::refill;
	e.node = 0;
	e.time = 812407051234ns;
	e.order = 9;
	e.pfn = 0x102800;
	e.pages = 512;
	e.backend = unmapped::Backend::range;
	e.dm_calls = 1;
	e.tlb_flushes = 1;
	e.duration = 181230ns;
	return e;
}

unmapped::Event alloc_fail_event()
{
	unmapped::Event e;
	e.type = unmapped::EventType::alloc_fail;
	e.node = 0;
	e.order = 10;
	e.error = ENOMEM;
	return e;
}

/* A type from a newer module. */
unmapped::Event future_event()
{
	unmapped::Event e;
	e.type = static_cast<unmapped::EventType>(42);
	e.node = 2;
	return e;
}

TEST(Watch, EventLines)
{
	using namespace std::chrono_literals;
	const unmapped::Event refill = refill_event();
	EXPECT_EQ(format_event(refill),
		  "[  812.407051] refill node=0 order=9 pages=512 pfn=0x102800 backend=range "
		  "dm_calls=1 flushes=1 splits_l2=0 splits_l3=0 duration_ns=181230");

	unmapped::Event shrink;
	shrink.type = unmapped::EventType::shrink;
	shrink.node = 1;
	shrink.time = 5000001000ns;
	shrink.lost = 3;
	shrink.pages = 1024;
	shrink.requested = 128;
	shrink.dm_calls = 2;
	shrink.tlb_flushes = 2;
	shrink.splits_l2 = 1;
	EXPECT_EQ(format_event(shrink),
		  "[    5.000001] shrink node=1 requested=128 released=1024 dm_calls=2 flushes=2 "
		  "splits_l2=1 splits_l3=0 duration_ns=0 lost=3");

	const unmapped::Event fail = alloc_fail_event();
	EXPECT_EQ(format_event(fail), "[    0.000000] alloc_fail node=0 order=10 error=ENOMEM");

	const unmapped::Event future = future_event();
	EXPECT_EQ(format_event(future), "[    0.000000] unknown node=2");
}

TEST(Watch, EventJsonLines)
{
	const unmapped::Event refill = refill_event();
	EXPECT_EQ(format_event_json(refill),
		  "{\"time_ns\": 812407051234, \"type\": \"refill\", \"node\": 0, \"order\": 9, "
		  "\"pages\": 512, \"pfn\": 1058816, \"backend\": \"range\", \"dm_calls\": 1, "
		  "\"tlb_flushes\": 1, \"splits_l2\": 0, \"splits_l3\": 0, \"duration_ns\": 181230, "
		  "\"lost\": 0}");

	unmapped::Event shrink;
	shrink.type = unmapped::EventType::shrink;
	shrink.node = 1;
	shrink.lost = 3;
	shrink.pages = 1024;
	shrink.requested = 128;
	EXPECT_EQ(format_event_json(shrink),
		  "{\"time_ns\": 0, \"type\": \"shrink\", \"node\": 1, \"requested\": 128, "
		  "\"released\": 1024, \"dm_calls\": 0, \"tlb_flushes\": 0, \"splits_l2\": 0, "
		  "\"splits_l3\": 0, \"duration_ns\": 0, \"lost\": 3}");

	const unmapped::Event fail = alloc_fail_event();
	EXPECT_EQ(format_event_json(fail),
		  "{\"time_ns\": 0, \"type\": \"alloc_fail\", \"node\": 0, \"order\": 10, "
		  "\"error\": \"ENOMEM\", \"lost\": 0}");

	const unmapped::Event future = future_event();
	EXPECT_EQ(format_event_json(future),
		  "{\"time_ns\": 0, \"type\": \"unknown\", \"node\": 2, \"lost\": 0}");
}

TEST(StatLines, Parse)
{
	auto s = parse_stat_lines("  a 1\r\nb\t2 3\nc x y\nd\n");
	ASSERT_EQ(s.size(), 4u);
	EXPECT_EQ(s[0].name, "a");
	EXPECT_EQ(s[0].values, std::vector<std::uint64_t>{1});
	EXPECT_EQ(s[1].values, (std::vector<std::uint64_t>{2, 3}));
	EXPECT_TRUE(s[2].values.empty());
	EXPECT_EQ(s[2].text, "x y");
	EXPECT_TRUE(s[3].values.empty());
	EXPECT_EQ(s[3].text, "");
}

TEST(FormatBytes, Units)
{
	EXPECT_EQ(format_bytes(512), "512 bytes");
	EXPECT_EQ(format_bytes(4096), "4 KiB");
	EXPECT_EQ(format_bytes(64ull << 20), "64 MiB");
	EXPECT_EQ(format_bytes(3ull << 29), "1.5 GiB");
	EXPECT_EQ(format_bytes(1ull << 40), "1 TiB");
}

} // namespace
