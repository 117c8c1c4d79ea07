// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * stats.cpp - unmapped::Stats: UNMAPPED_CMD_GET_STATS over libnl.
 */
#include <cerrno>
#include <cstring>

#include <linux/unmapped.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <unmapped/stats.hpp>

#include "genl.hpp"

namespace unmapped {

namespace {

constexpr const char *connect_what = "connect to unmapped.ko's netlink family";

/* libnl's policy for one counter (UNMAPPED_STAT_A_*). */
struct StatPolicy {
	nla_policy p[UNMAPPED_STAT_A_MAX + 1]{};

	StatPolicy()
	{
		p[UNMAPPED_STAT_A_NAME].type = NLA_NUL_STRING;
		p[UNMAPPED_STAT_A_VALUE].type = NLA_U64;
		p[UNMAPPED_STAT_A_ORDER].type = NLA_U32;
	}
};
StatPolicy stat_policy;

[[noreturn]] void malformed(const std::string &what, const char *why)
{
	throw Error(EPROTO, what, std::string("malformed reply: ") + why);
}

Counters parse_counters(nlmsghdr *nlh, const std::string &what)
{
	nlattr *tb[UNMAPPED_A_MAX + 1];
	if (genlmsg_parse(nlh, 0, tb, UNMAPPED_A_MAX, detail::attr_policy()) < 0)
		malformed(what, "bad attributes");
	if (!tb[UNMAPPED_A_NODE] || !tb[UNMAPPED_A_STATS])
		malformed(what, "no node or no counters");

	Counters c;
	c.node = nla_get_s32(tb[UNMAPPED_A_NODE]);
	if (tb[UNMAPPED_A_NR_NODES])
		c.nr_nodes = nla_get_u32(tb[UNMAPPED_A_NR_NODES]);
	if (tb[UNMAPPED_A_BACKEND])
		c.backend = static_cast<Backend>(nla_get_u32(tb[UNMAPPED_A_BACKEND]));

	nlattr *entry;
	int rem;
	nla_for_each_nested(entry, tb[UNMAPPED_A_STATS], rem) {
		if (nla_type(entry) != UNMAPPED_A_STATS_ENTRY)
			continue;	/* from a newer module */
		nlattr *st[UNMAPPED_STAT_A_MAX + 1];
		if (nla_parse_nested(st, UNMAPPED_STAT_A_MAX, entry, stat_policy.p) < 0)
			malformed(what, "bad counter");
		if (!st[UNMAPPED_STAT_A_NAME] || !st[UNMAPPED_STAT_A_VALUE])
			malformed(what, "counter without name or value");
		Counter counter{
			.name = nla_get_string(st[UNMAPPED_STAT_A_NAME]),
			.value = nla_get_u64(st[UNMAPPED_STAT_A_VALUE]),
		};
		if (st[UNMAPPED_STAT_A_ORDER])
			counter.order = static_cast<int>(nla_get_u32(st[UNMAPPED_STAT_A_ORDER]));
		c.items.push_back(std::move(counter));
	}
	return c;
}

} // namespace

std::string Counter::key() const
{
	return order < 0 ? name : name + "_" + std::to_string(order);
}

std::optional<std::uint64_t> Counters::get(std::string_view name, int order) const noexcept
{
	for (const Counter &c : items)
		if (c.order == order && c.name == name)
			return c.value;
	return std::nullopt;
}

std::vector<std::uint64_t> Counters::per_order(std::string_view name) const
{
	std::vector<std::uint64_t> out;
	for (const Counter &c : items) {
		if (c.order < 0 || c.name != name)
			continue;
		if (static_cast<std::size_t>(c.order) >= out.size())
			out.resize(static_cast<std::size_t>(c.order) + 1);
		out[static_cast<std::size_t>(c.order)] = c.value;
	}
	return out;
}

Stats::Stats() : genl_(std::make_unique<detail::Genl>(connect_what)) {}
Stats::Stats(Stats &&) noexcept = default;
Stats &Stats::operator=(Stats &&) noexcept = default;
Stats::~Stats() = default;

namespace {

std::vector<Counters> get_stats(detail::Genl &genl, int nid, bool dump, const std::string &what)
{
	detail::NlMsg msg = genl.message(UNMAPPED_CMD_GET_STATS, dump ? NLM_F_DUMP : 0);
	if (nid != -1 && nla_put_s32(msg.get(), UNMAPPED_A_NODE, nid) < 0)
		throw Error(ENOMEM, what);
	std::vector<Counters> out;
	genl.request(std::move(msg),
		     [&](nlmsghdr *nlh) { out.push_back(parse_counters(nlh, what)); }, what);
	return out;
}

} // namespace

Counters Stats::totals() const
{
	const std::string what = "read unmapped.ko statistics";
	auto all = get_stats(*genl_, -1, false, what);
	if (all.size() != 1)
		malformed(what, "not one reply");
	return std::move(all.front());
}

unsigned Stats::block_order() const
{
	const std::string what = "read unmapped.ko's block order";
	detail::NlMsg msg = genl_->message(UNMAPPED_CMD_GET_STATS, 0);
	unsigned order = 0;
	genl_->request(std::move(msg),
		       [&](nlmsghdr *nlh) {
			       nlattr *tb[UNMAPPED_A_MAX + 1];
			       if (genlmsg_parse(nlh, 0, tb, UNMAPPED_A_MAX,
						 detail::attr_policy()) < 0)
				       malformed(what, "bad attributes");
			       if (tb[UNMAPPED_A_ORDER])
				       order = nla_get_u32(tb[UNMAPPED_A_ORDER]);
		       },
		       what);
	return order;
}

Counters Stats::node(int nid) const
{
	const std::string what = "read unmapped.ko statistics of node " + std::to_string(nid);
	if (nid < 0)
		throw Error(EINVAL, what, "nodes are 0 and up");
	auto one = get_stats(*genl_, nid, false, what);
	if (one.size() != 1)
		malformed(what, "not one reply");
	return std::move(one.front());
}

std::vector<Counters> Stats::nodes() const
{
	return get_stats(*genl_, -1, true, "read unmapped.ko statistics per node");
}

} // namespace unmapped
