// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * stats_source.cpp - statistics from netlink (libunmapped) or debugfs.
 */
#include "stats_source.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <unmapped/error.hpp>

namespace unmappedctl {

namespace {

constexpr std::string_view default_dir = "/sys/kernel/debug/unmapped";

std::string_view trim(std::string_view s)
{
	auto first = s.find_first_not_of(" \t");
	if (first == std::string_view::npos)
		return {};
	auto last = s.find_last_not_of(" \t\r");
	return s.substr(first, last - first + 1);
}

std::string read_file(const std::string &path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		std::string hint;
		if (err == ENOENT)
			hint = "is debugfs mounted and unmapped.ko loaded?";
		else if (err == EACCES || err == EPERM)
			hint = "debugfs is root-only";
		throw unmapped::Error(err, "read " + path, hint);
	}
	/* debugfs files report size 0: read until end of file. */
	std::string out;
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			::close(fd);
			throw unmapped::Error(err, "read " + path);
		}
		if (n == 0)
			break;
		out.append(buf, static_cast<std::size_t>(n));
	}
	::close(fd);
	return out;
}

class DebugfsSource final : public StatsSource {
public:
	explicit DebugfsSource(std::string dir) : dir_(std::move(dir)) {}

	std::vector<Stat> stats() override { return parse_stat_lines(read_file(dir_ + "/stats")); }
	std::string pagetypeinfo() override { return read_file(dir_ + "/pagetypeinfo"); }
	std::string pagetypeinfo_json() override
	{
		throw UsageError("pagetypeinfo --json reads netlink, not debugfs (--source netlink)");
	}

private:
	std::string dir_;
};

class NetlinkSource final : public StatsSource {
public:
	std::vector<Stat> stats() override { return stats_from_counters(stats_.totals()); }
	std::string pagetypeinfo() override
	{
		return format_pagetypeinfo(stats_.nodes(), block_order());
	}
	std::string pagetypeinfo_json() override
	{
		return format_pagetypeinfo_json(stats_.nodes(), block_order());
	}

private:
	/* A module before 0.4 does not say: its blocks are x86-64's PMD, order 9. */
	unsigned block_order() const
	{
		unsigned order = stats_.block_order();
		return order ? order : 9;
	}

	unmapped::Stats stats_;
};

/* Node @n's free blocks per order, @orders of them. */
std::vector<std::uint64_t> free_blocks(const unmapped::Counters &n, std::size_t orders)
{
	auto free = n.per_order("free_blocks_order");
	free.resize(orders);
	return free;
}

std::size_t nr_orders(const std::vector<unmapped::Counters> &nodes)
{
	std::size_t orders = 0;
	for (const unmapped::Counters &n : nodes)
		orders = std::max(orders, n.per_order("free_blocks_order").size());
	return orders;
}

} // namespace

std::vector<Stat> stats_from_counters(const unmapped::Counters &totals)
{
	std::vector<Stat> out;
	out.reserve(totals.items.size() + 1);
	for (const unmapped::Counter &c : totals.items)
		out.push_back(Stat{.name = c.key(), .values = {c.value}, .text = {}});
	if (totals.backend)
		out.push_back(Stat{.name = "backend",
				   .values = {},
				   .text = std::string(unmapped::to_string(*totals.backend))});
	return out;
}

std::string format_pagetypeinfo(const std::vector<unmapped::Counters> &nodes,
				unsigned block_order)
{
	const std::size_t orders = nr_orders(nodes);
	std::string out = fmt::format("Page block order: {}\nPages per block:  {}\n\n",
				      block_order, 1u << block_order);
	out += fmt::format("{:<43}", "Free blocks count per node at order");
	for (std::size_t o = 0; o < orders; o++)
		out += fmt::format("{:>6} ", o);
	out += '\n';
	for (const unmapped::Counters &n : nodes) {
		out += fmt::format("Node {:>4}, cache {:>8}, type {:>12} ", n.node, "unmapped", "Free");
		for (std::uint64_t v : free_blocks(n, orders))
			out += fmt::format("{:>6} ", v);
		out += '\n';
	}
	out += fmt::format("\n{:<43}{:>12} {:>12} {:>12}\n", "Pages per node", "cached", "in use",
			   "free");
	for (const unmapped::Counters &n : nodes)
		out += fmt::format("Node {:>4} {:>33}{:>12} {:>12} {:>12}\n", n.node, "",
				   n.get("pages_cached").value_or(0), n.get("pages_in_use").value_or(0),
				   n.get("pages_free").value_or(0));
	return out;
}

std::string format_pagetypeinfo_json(const std::vector<unmapped::Counters> &nodes,
				     unsigned block_order)
{
	const std::size_t orders = nr_orders(nodes);
	std::string out = fmt::format("{{\n  \"block_order\": {},\n  \"pages_per_block\": {},\n"
				      "  \"nodes\": [",
				      block_order, 1u << block_order);
	for (std::size_t i = 0; i < nodes.size(); i++) {
		const unmapped::Counters &n = nodes[i];
		out += fmt::format("{}\n    {{\"node\": {}, \"free_blocks\": [{}], \"pages_cached\": {}, "
				   "\"pages_in_use\": {}, \"pages_free\": {}}}",
				   i ? "," : "", n.node, fmt::join(free_blocks(n, orders), ", "),
				   n.get("pages_cached").value_or(0), n.get("pages_in_use").value_or(0),
				   n.get("pages_free").value_or(0));
	}
	out += nodes.empty() ? "]\n}\n" : "\n  ]\n}\n";
	return out;
}

std::vector<Stat> parse_stat_lines(std::string_view text)
{
	std::vector<Stat> out;
	while (!text.empty()) {
		auto nl = text.find('\n');
		std::string_view line = trim(text.substr(0, nl));
		text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
		if (line.empty())
			continue;

		auto sp = line.find_first_of(" \t");
		Stat st;
		st.name = std::string(line.substr(0, sp));
		std::string_view rest = sp == std::string_view::npos ? std::string_view{}
								     : trim(line.substr(sp));
		bool numeric = !rest.empty();
		for (std::string_view r = rest; numeric && !r.empty();) {
			auto end = r.find_first_of(" \t");
			std::string_view tok = r.substr(0, end);
			std::uint64_t v = 0;
			auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
			if (ec != std::errc() || p != tok.data() + tok.size())
				numeric = false;
			else
				st.values.push_back(v);
			r = end == std::string_view::npos ? std::string_view{} : trim(r.substr(end));
		}
		if (!numeric) {
			st.values.clear();
			st.text = std::string(rest);
		}
		out.push_back(std::move(st));
	}
	return out;
}

std::unique_ptr<StatsSource> make_debugfs_source(std::string dir)
{
	return std::make_unique<DebugfsSource>(dir.empty() ? std::string(default_dir)
							   : std::move(dir));
}

std::unique_ptr<StatsSource> make_netlink_source()
{
	return std::make_unique<NetlinkSource>();
}

std::unique_ptr<StatsSource> make_stats_source(SourceKind kind)
{
	switch (kind) {
	case SourceKind::netlink:
		return make_netlink_source();
	case SourceKind::debugfs:
		return make_debugfs_source();
	case SourceKind::automatic:
		break;
	}
	/* Every module that shipped has the netlink family. */
	return make_netlink_source();
}

} // namespace unmappedctl
