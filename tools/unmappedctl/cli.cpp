// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * cli.cpp - unmappedctl's command-line parsing.
 */
#include "cli.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace unmappedctl {

namespace {

/* Leading unsigned number (decimal or 0x-hex); @rest gets what follows. */
std::optional<std::uint64_t> leading_uint(std::string_view text,
					  std::string_view &rest)
{
	int base = 10;
	if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		text.remove_prefix(2);
	}
	std::uint64_t v = 0;
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
	if (ec != std::errc() || end == text.data())
		return std::nullopt;
	rest = text.substr(static_cast<std::size_t>(end - text.data()));
	return v;
}

std::string quoted(std::string_view s)
{
	return "'" + std::string(s) + "'";
}

} // namespace

std::uint64_t parse_size(std::string_view text)
{
	std::string_view rest;
	auto v = leading_uint(text, rest);
	if (!v)
		throw UsageError("invalid size " + quoted(text) +
				 " (examples: 4096, 0x1000, 64M, 2G)");

	unsigned shift = 0;
	if (!rest.empty()) {
		static constexpr std::string_view units = "KMGTP";
		auto u = units.find(static_cast<char>(std::toupper(static_cast<unsigned char>(rest[0]))));
		if (u == std::string_view::npos)
			throw UsageError("invalid size " + quoted(text) +
					 ": unknown unit (K, M, G, T, P)");
		shift = 10 * static_cast<unsigned>(u + 1);
		rest.remove_prefix(1);
		if (rest == "iB" || rest == "B")
			rest = {};
		if (!rest.empty())
			throw UsageError("invalid size " + quoted(text) +
					 ": unexpected text after the unit");
	}
	if (*v > (std::numeric_limits<std::uint64_t>::max() >> shift))
		throw UsageError("size " + quoted(text) + " is too large");
	if (*v == 0)
		throw UsageError("size must not be zero");
	return *v << shift;
}

std::uint64_t parse_uint(std::string_view text, std::uint64_t min,
			 std::uint64_t max, std::string_view what)
{
	std::string_view rest;
	auto v = leading_uint(text, rest);
	if (!v || !rest.empty())
		throw UsageError("invalid " + std::string(what) + " " + quoted(text));
	if (*v < min || *v > max)
		throw UsageError(std::string(what) + " " + quoted(text) + " out of range " +
				 std::to_string(min) + ".." + std::to_string(max));
	return *v;
}

std::int64_t parse_int(std::string_view text, std::int64_t min, std::int64_t max,
		       std::string_view what)
{
	std::int64_t v = 0;
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
	if (ec == std::errc::result_out_of_range)
		throw UsageError(std::string(what) + " " + quoted(text) + " out of range " +
				 std::to_string(min) + ".." + std::to_string(max));
	if (ec != std::errc() || end != text.data() + text.size() || text.empty())
		throw UsageError("invalid " + std::string(what) + " " + quoted(text));
	if (v < min || v > max)
		throw UsageError(std::string(what) + " " + quoted(text) + " out of range " +
				 std::to_string(min) + ".." + std::to_string(max));
	return v;
}

std::optional<std::string> ParsedArgs::get(std::string_view name) const
{
	auto it = options.find(name);
	if (it == options.end())
		return std::nullopt;
	return it->second;
}

ParsedArgs parse_args(std::span<const std::string_view> args,
		      std::span<const OptionSpec> specs)
{
	ParsedArgs out;
	auto add = [&](const OptionSpec &spec, std::optional<std::string_view> value,
		       std::string_view shown) {
		if (out.options.contains(spec.name))
			throw UsageError("option " + std::string(shown) + " given twice");
		out.options.emplace(std::string(spec.name), std::string(value.value_or("")));
	};

	for (std::size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		if (a == "--") {
			for (i++; i < args.size(); i++)
				out.operands.emplace_back(args[i]);
			break;
		}
		if (a.size() < 2 || a[0] != '-') {
			out.operands.emplace_back(a);
			continue;
		}

		const OptionSpec *spec = nullptr;
		std::optional<std::string_view> value;
		std::string_view shown = a;
		if (a.starts_with("--")) {
			std::string_view name = a.substr(2);
			if (auto eq = name.find('='); eq != std::string_view::npos) {
				value = name.substr(eq + 1);
				name = name.substr(0, eq);
				shown = a.substr(0, eq + 2);
			}
			auto it = std::ranges::find(specs, name, &OptionSpec::name);
			if (it != specs.end())
				spec = &*it;
		} else {
			auto it = std::ranges::find(specs, a[1], &OptionSpec::short_name);
			if (it != specs.end())
				spec = &*it;
			shown = a.substr(0, 2);
			if (a.size() > 2)
				value = a.substr(2);
		}
		if (!spec)
			throw UsageError("unknown option " + quoted(shown));

		if (spec->has_value) {
			if (!value) {
				if (i + 1 == args.size())
					throw UsageError("option " + quoted(shown) + " needs a value");
				value = args[++i];
			}
		} else if (value) {
			throw UsageError("option " + quoted(shown) + " takes no value");
		}
		add(*spec, value, shown);
	}
	return out;
}

namespace {

void no_operands(const ParsedArgs &p)
{
	if (!p.operands.empty())
		throw UsageError("unexpected argument " + quoted(p.operands.front()));
}

} // namespace

AllocArgs parse_alloc_args(std::span<const std::string_view> args)
{
	static constexpr OptionSpec specs[] = {
		{"help", 'h', false}, {"size", 's', true},  {"order", 'o', true},
		{"node", 'n', true},  {"this-node", 0, false}, {"hold", 0, true},
		{"fill", 'f', true},
	};
	ParsedArgs p = parse_args(args, specs);
	AllocArgs a;
	if ((a.help = p.has("help")))
		return a;
	no_operands(p);

	if (auto v = p.get("size"))
		a.size = parse_size(*v);
	if (auto v = p.get("order"))
		a.order = static_cast<unsigned>(parse_uint(*v, 0, 63, "order"));
	if (a.size.has_value() == a.order.has_value())
		throw UsageError("give exactly one of --size and --order");
	if (auto v = p.get("node"))
		a.node = static_cast<int>(parse_int(*v, -1, std::numeric_limits<int>::max(), "node"));
	a.this_node = p.has("this-node");
	if (auto v = p.get("hold"))
		a.hold_seconds = parse_uint(*v, 0, 365ULL * 24 * 3600, "hold time (seconds)");
	if (auto v = p.get("fill"))
		a.fill = static_cast<std::uint8_t>(parse_uint(*v, 0, 255, "fill byte"));
	return a;
}

SourceKind parse_source(std::string_view text)
{
	if (text == "auto")
		return SourceKind::automatic;
	if (text == "netlink")
		return SourceKind::netlink;
	if (text == "debugfs")
		return SourceKind::debugfs;
	throw UsageError("invalid source " + quoted(text) + " (auto, netlink, debugfs)");
}

namespace {

/* "stats" and "pagetypeinfo": --help, --source, and --json if in @specs. */
StatsArgs parse_source_args(std::span<const std::string_view> args,
			    std::span<const OptionSpec> specs)
{
	ParsedArgs p = parse_args(args, specs);
	StatsArgs s;
	if ((s.help = p.has("help")))
		return s;
	no_operands(p);
	s.json = p.has("json");
	if (auto v = p.get("source"))
		s.source = parse_source(*v);
	return s;
}

} // namespace

StatsArgs parse_stats_args(std::span<const std::string_view> args)
{
	static constexpr OptionSpec specs[] = {
		{"help", 'h', false}, {"json", 'j', false}, {"source", 0, true}};
	return parse_source_args(args, specs);
}

StatsArgs parse_pagetypeinfo_args(std::span<const std::string_view> args)
{
	static constexpr OptionSpec specs[] = {
		{"help", 'h', false}, {"json", 'j', false}, {"source", 0, true}};
	return parse_source_args(args, specs);
}

WatchArgs parse_watch_args(std::span<const std::string_view> args)
{
	static constexpr OptionSpec specs[] = {
		{"help", 'h', false}, {"count", 'c', true}, {"timeout", 't', true}};
	ParsedArgs p = parse_args(args, specs);
	WatchArgs w;
	if ((w.help = p.has("help")))
		return w;
	no_operands(p);
	if (auto v = p.get("count"))
		w.count = parse_uint(*v, 1, std::numeric_limits<std::uint64_t>::max(), "count");
	if (auto v = p.get("timeout"))
		w.timeout_ms = parse_uint(*v, 1, 365ULL * 24 * 3600, "timeout (seconds)") * 1000;
	return w;
}

InfoArgs parse_info_args(std::span<const std::string_view> args)
{
	static constexpr OptionSpec specs[] = {{"help", 'h', false}, {"json", 'j', false}};
	ParsedArgs p = parse_args(args, specs);
	InfoArgs i;
	if ((i.help = p.has("help")))
		return i;
	no_operands(p);
	i.json = p.has("json");
	return i;
}

} // namespace unmappedctl
