// SPDX-License-Identifier: GPL-2.0-only
#include "probes.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bench {

namespace {

constexpr const char *kCounters = "/sys/kernel/debug/unmapped_bench/counters";
constexpr const char *kCacheStats = "/sys/kernel/debug/unmapped/stats";

std::uint64_t to_u64(const std::string &s)
{
	return std::stoull(s, nullptr, 0);
}

std::uint64_t meminfo_kb(const std::string &field)
{
	std::ifstream in("/proc/meminfo");
	std::string key, unit;
	std::uint64_t value;

	while (in >> key >> value) {
		std::getline(in, unit);
		if (key == field + ":")
			return value;
	}
	throw std::runtime_error("/proc/meminfo has no " + field);
}

} // namespace

std::uint64_t Snapshot::stat(const std::string &name) const
{
	auto it = cache.find(name);
	return it == cache.end() ? 0 : it->second;
}

std::map<std::string, std::string> read_keyvals(const std::string &path)
{
	std::ifstream in(path);
	std::map<std::string, std::string> kv;
	std::string line;

	if (!in)
		throw std::runtime_error("cannot read " + path);
	while (std::getline(in, line)) {
		std::istringstream words(line);
		std::string key, value;

		if (words >> key >> value)
			kv[key] = value;
	}
	return kv;
}

Snapshot snapshot()
{
	Snapshot s;
	auto counters = read_keyvals(kCounters);

	s.call_ipis = to_u64(counters.at("call_ipis"));
	s.tlb_ipis = to_u64(counters.at("tlb_ipis"));
	s.flush_ipis = to_u64(counters.at("kernel_flush_ipis"));
	s.purge_call_ipis = to_u64(counters.at("purge_call_ipis"));
	s.purge_flush_ipis = to_u64(counters.at("purge_flush_ipis"));
	s.splits_l2 = to_u64(counters.at("splits_l2"));
	s.splits_l3 = to_u64(counters.at("splits_l3"));
	s.directmap4k_kb = meminfo_kb("DirectMap4k");
	s.memfree_kb = meminfo_kb("MemFree");
	if (std::ifstream(kCacheStats)) {
		for (const auto &[key, value] : read_keyvals(kCacheStats)) {
			if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos)
				s.cache[key] = to_u64(value);
		}
	}
	return s;
}

void drop_caches()
{
	std::ofstream out("/proc/sys/vm/drop_caches");

	out << "2\n";
	out.flush();
	if (!out)
		throw std::runtime_error("cannot write /proc/sys/vm/drop_caches");
}

} // namespace bench
