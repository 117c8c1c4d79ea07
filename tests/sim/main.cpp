// SPDX-License-Identifier: GPL-2.0
/*
 * unmapped-sim - replay allocation workloads against three ways of handing
 * out pages removed from the direct map, over the simulated x86 direct map,
 * and compare what each costs the direct map and the TLBs.
 *
 * Usage: unmapped-sim [--seed N] [--workload NAME]... [--json] [--check]
 *   --check  exit 1 unless, on every workload, the range cache made no
 *            2M split and at most one flush per refill, while the
 *            no-cache strategy split 2M pages and flushed once per page.
 */
#include "strategy.h"
#include "workload.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using sim::RunResult;

namespace {

struct Options {
	uint64_t seed = 1;
	std::vector<std::string> workloads;
	bool json = false;
	bool check = false;
};

void usage(FILE *out)
{
	std::fprintf(out,
		"usage: unmapped-sim [--seed N] [--workload NAME]... [--json] [--check]\n"
		"workloads:");
	for (const std::string &name : sim::workloadNames())
		std::fprintf(out, " %s", name.c_str());
	std::fprintf(out, "\n");
}

bool parse(int argc, char **argv, Options *opt)
{
	for (int i = 1; i < argc; i++) {
		std::string arg = argv[i];

		if (arg == "--seed" && i + 1 < argc) {
			opt->seed = std::strtoull(argv[++i], nullptr, 0);
		} else if (arg == "--workload" && i + 1 < argc) {
			opt->workloads.push_back(argv[++i]);
		} else if (arg == "--json") {
			opt->json = true;
		} else if (arg == "--check") {
			opt->check = true;
		} else if (arg == "--help" || arg == "-h") {
			usage(stdout);
			std::exit(0);
		} else {
			return false;
		}
	}
	if (opt->workloads.empty())
		opt->workloads = sim::workloadNames();
	return true;
}

double mib(uint64_t pages)
{
	return double(pages) / 256.0;
}

void printTable(const std::vector<RunResult> &runs, uint64_t seed)
{
	std::printf("# seed %llu; memory 4 GiB: first 2 MiB 4K, rest of the "
		    "first GiB 2M, then 1G pages\n", (unsigned long long)seed);
	std::printf("%-12s %-8s %9s %9s %9s %8s %10s %8s %8s %8s %9s\n",
		    "workload", "strategy", "pages", "L2 split", "L3 split",
		    "flushes", "dm calls", "refills", "releases", "flush/rf",
		    "peak MiB");
	for (const RunResult &r : runs)
		std::printf("%-12s %-8s %9llu %9llu %9llu %8llu %10llu %8llu "
			    "%8llu %8llu %9.1f\n",
			    r.workload.c_str(), r.strategy.c_str(),
			    (unsigned long long)r.pages_handed_out,
			    (unsigned long long)r.splits_l2,
			    (unsigned long long)r.splits_l3,
			    (unsigned long long)r.flushes,
			    (unsigned long long)r.dm_calls,
			    (unsigned long long)r.refills,
			    (unsigned long long)r.releases,
			    (unsigned long long)r.max_flushes_per_refill,
			    mib(r.peak_unmapped_pages));
	std::printf("# flushes: asked for by direct-map calls; each split also "
		    "does one flush_tlb_all() inside CPA.\n"
		    "# flush/rf: most flushes one refill needed. peak MiB: "
		    "most memory out of the direct map at once.\n");
}

void printJson(const std::vector<RunResult> &runs, uint64_t seed)
{
	std::printf("{\"seed\": %llu, \"runs\": [", (unsigned long long)seed);
	for (size_t i = 0; i < runs.size(); i++) {
		const RunResult &r = runs[i];

		std::printf("%s\n  {\"workload\": \"%s\", \"strategy\": \"%s\", "
			    "\"allocations\": %llu, \"pages\": %llu, "
			    "\"splits_l2\": %llu, \"splits_l3\": %llu, "
			    "\"flushes\": %llu, \"split_flushes\": %llu, "
			    "\"dm_calls\": %llu, \"refills\": %llu, "
			    "\"releases\": %llu, \"max_flushes_per_refill\": %llu, "
			    "\"peak_unmapped_mib\": %.1f, \"wall_ms\": %.1f, "
			    "\"errors\": %zu}",
			    i ? "," : "", r.workload.c_str(), r.strategy.c_str(),
			    (unsigned long long)r.allocations,
			    (unsigned long long)r.pages_handed_out,
			    (unsigned long long)r.splits_l2,
			    (unsigned long long)r.splits_l3,
			    (unsigned long long)r.flushes,
			    (unsigned long long)r.split_flushes,
			    (unsigned long long)r.dm_calls,
			    (unsigned long long)r.refills,
			    (unsigned long long)r.releases,
			    (unsigned long long)r.max_flushes_per_refill,
			    mib(r.peak_unmapped_pages), r.wall_ms,
			    r.errors.size());
	}
	std::printf("\n]}\n");
}

/* The claims the design rests on; one line per violation. */
int check(const std::vector<RunResult> &runs)
{
	int failures = 0;
	auto fail = [&](const RunResult &r, const char *what) {
		std::fprintf(stderr, "check failed: %s/%s: %s\n",
			     r.workload.c_str(), r.strategy.c_str(), what);
		failures++;
	};

	for (const RunResult &r : runs) {
		if (r.strategy == "range") {
			if (r.splits_l2)
				fail(r, "range made a 2M split");
			if (r.max_flushes_per_refill > 1)
				fail(r, "a refill needed more than one flush");
			if (!r.refills)
				fail(r, "no refill at all");
		} else if (r.strategy == "nocache") {
			if (r.flushes < r.pages_handed_out)
				fail(r, "fewer flushes than pages");
			if (!r.splits_l2)
				fail(r, "no 2M split without a cache");
		}
	}
	return failures;
}

} /* namespace */

int main(int argc, char **argv)
{
	Options opt;
	std::vector<RunResult> runs;
	int broken = 0;

	if (!parse(argc, argv, &opt)) {
		usage(stderr);
		return 2;
	}
	for (const std::string &name : opt.workloads) {
		sim::Workload w;

		if (!sim::makeWorkload(name, opt.seed, &w)) {
			std::fprintf(stderr, "unknown workload %s\n", name.c_str());
			usage(stderr);
			return 2;
		}
		for (const std::string &strategy : sim::strategyNames()) {
			RunResult r;

			sim::replay(w, strategy, &r);
			for (const std::string &e : r.errors) {
				std::fprintf(stderr, "%s/%s: %s\n", name.c_str(),
					     strategy.c_str(), e.c_str());
				broken++;
			}
			runs.push_back(r);
		}
	}
	if (opt.json)
		printJson(runs, opt.seed);
	else
		printTable(runs, opt.seed);
	if (broken)
		return 1;
	if (opt.check) {
		int failures = check(runs);

		std::printf("# check: %d violation(s) in %zu runs\n", failures,
			    runs.size());
		return failures ? 1 : 0;
	}
	return 0;
}
