// SPDX-License-Identifier: GPL-2.0-only
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

/* One number per run, shown in the table (if @header) and the JSON. */
struct Column {
	const char *header;
	const char *key;
	int decimals;
	double (*get)(const RunResult &r);
};

#define COLUMN(header, key, decimals, expr)				\
	{ header, key, decimals,					\
	  [](const RunResult &r) { return double(expr); } }

const Column kColumns[] = {
	COLUMN(nullptr, "allocations", 0, r.allocations),
	COLUMN("pages", "pages", 0, r.pages_handed_out),
	COLUMN("L2 split", "splits_l2", 0, r.splits_l2),
	COLUMN("L3 split", "splits_l3", 0, r.splits_l3),
	COLUMN("flushes", "flushes", 0, r.flushes),
	COLUMN(nullptr, "split_flushes", 0, r.split_flushes),
	COLUMN("dm calls", "dm_calls", 0, r.dm_calls),
	COLUMN("refills", "refills", 0, r.refills),
	COLUMN("releases", "releases", 0, r.releases),
	COLUMN("flush/rf", "max_flushes_per_refill", 0, r.max_flushes_per_refill),
	COLUMN("peak MiB", "peak_unmapped_mib", 1, r.peak_unmapped_pages / 256.0),
	COLUMN(nullptr, "wall_ms", 1, r.wall_ms),
	COLUMN(nullptr, "errors", 0, r.errors.size()),
};

#undef COLUMN

void printTable(const std::vector<RunResult> &runs, uint64_t seed)
{
	std::printf("# seed %llu; memory 4 GiB: first 2 MiB 4K, rest of the "
		    "first GiB 2M, then 1G pages\n", (unsigned long long)seed);
	std::printf("%-12s %-8s", "workload", "strategy");
	for (const Column &c : kColumns)
		if (c.header)
			std::printf(" %9s", c.header);
	std::printf("\n");
	for (const RunResult &r : runs) {
		std::printf("%-12s %-8s", r.workload.c_str(), r.strategy.c_str());
		for (const Column &c : kColumns)
			if (c.header)
				std::printf(" %9.*f", c.decimals, c.get(r));
		std::printf("\n");
	}
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

		std::printf("%s\n  {\"workload\": \"%s\", \"strategy\": \"%s\"",
			    i ? "," : "", r.workload.c_str(), r.strategy.c_str());
		for (const Column &c : kColumns)
			std::printf(", \"%s\": %.*f", c.key, c.decimals, c.get(r));
		std::printf("}");
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
