// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * cmd_stats.cpp - "unmappedctl stats" and "unmappedctl pagetypeinfo".
 */
#include <algorithm>

#include <fmt/format.h>

#include "cli.hpp"
#include "commands.hpp"

namespace unmappedctl {

namespace {

constexpr std::string_view stats_help =
	R"(Usage: unmappedctl stats [--json] [--source auto|netlink|debugfs]

Print the module's counters (blocks handed out, refills from the page
allocator, direct-map changes, splits, TLB flushes, pages in use...), one
"name value" per line, as /sys/kernel/debug/unmapped/stats shows them.

Options:
  -j, --json       one JSON object instead: {"name": value, ...}; a
                   counter with several values becomes an array
      --source S   where to read them: netlink (the module's generic
                   netlink family, no privilege needed), debugfs (root),
                   or auto (default): netlink
)";

constexpr std::string_view pagetypeinfo_help =
	R"(Usage: unmappedctl pagetypeinfo [--json] [--source auto|netlink|debugfs]

Print the free blocks in the cache per node and order, then the pages
cached, in use and free per node, laid out like /proc/pagetypeinfo (and
like /sys/kernel/debug/unmapped/pagetypeinfo).

Options:
  -j, --json       one JSON object instead (netlink only): {"block_order",
                   "pages_per_block", "nodes": [{"node", "free_blocks" (per
                   order), "pages_cached", "pages_in_use", "pages_free"}]}
      --source S   as for "unmappedctl stats"
)";

std::string json_value(const Stat &s)
{
	if (s.values.empty())
		return json_string(s.text);
	if (s.values.size() == 1)
		return std::to_string(s.values.front());
	return fmt::format("[{}]", fmt::join(s.values, ", "));
}

} // namespace

int cmd_stats(Context &ctx, std::span<const std::string_view> args)
{
	StatsArgs a = parse_stats_args(args);
	if (a.help) {
		fmt::print(ctx.out, "{}", stats_help);
		return exit_ok;
	}

	std::vector<Stat> stats = ctx.stats_source(a.source)->stats();
	if (a.json || ctx.json) {
		fmt::print(ctx.out, "{{");
		for (std::size_t i = 0; i < stats.size(); i++)
			fmt::print(ctx.out, "{}\n  {}: {}", i ? "," : "",
				   json_string(stats[i].name), json_value(stats[i]));
		fmt::print(ctx.out, "\n}}\n");
		return exit_ok;
	}

	std::size_t width = 0;
	for (const Stat &s : stats)
		width = std::max(width, s.name.size());
	for (const Stat &s : stats) {
		if (s.values.empty())
			fmt::print(ctx.out, "{:<{}} {}\n", s.name, width, s.text);
		else
			fmt::print(ctx.out, "{:<{}} {}\n", s.name, width, fmt::join(s.values, " "));
	}
	return exit_ok;
}

int cmd_pagetypeinfo(Context &ctx, std::span<const std::string_view> args)
{
	StatsArgs a = parse_pagetypeinfo_args(args);
	if (a.help) {
		fmt::print(ctx.out, "{}", pagetypeinfo_help);
		return exit_ok;
	}
	auto source = ctx.stats_source(a.source);
	fmt::print(ctx.out, "{}", a.json || ctx.json ? source->pagetypeinfo_json()
						     : source->pagetypeinfo());
	return exit_ok;
}

} // namespace unmappedctl
