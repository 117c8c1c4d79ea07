// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel_path.cpp - run a workload inside unmapped_bench.ko through its
 * debugfs command file and read the per-iteration results back.
 */
#include "kernel_path.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "probes.h"

namespace bench {

namespace {
constexpr const char *kRun = "/sys/kernel/debug/unmapped_bench/run";
}

std::vector<Sample> run_kernel(const char *kpath, Workload w, const Params &p,
			       unsigned first, unsigned count, unsigned threads,
			       bool release)
{
	const char *wl = w == Workload::Mixed ? "mixed" : w == Workload::Churn ? "churn" : "seq";
	std::string cmd = fmt::format("path={} workload={} pages={} iters={} threads={} "
				      "steps={} seed={} release={}\n",
				      kpath, wl, p.pages, count, threads, p.steps,
				      p.seed + first, release ? 1 : 0);
	{
		std::ofstream out(kRun);

		out << cmd;
		out.flush();
		if (!out)
			throw std::runtime_error(fmt::format("{}: command failed: {}", kRun, cmd));
	}
	auto kv = read_keyvals(kRun);
	std::uint64_t pages = std::stoull(kv.at("pages_per_iter"));
	std::vector<Sample> samples;

	for (unsigned i = 0; i < count; i++) {
		std::uint64_t per_page = std::stoull(kv.at(fmt::format("ns_per_page_{}", i)));

		samples.push_back({per_page * pages, pages});
	}
	return samples;
}

} // namespace bench
