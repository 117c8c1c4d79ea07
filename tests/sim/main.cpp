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
#include "hold_1g.h"
#include "refill_1g.h"
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

/*
 * keep_1g off, with candidates only (as before its directed walk) and on,
 * holding 0.5 to 3 GiB on two 8 GiB layouts.
 * Return: runs with platform errors.
 */
int printHold1g()
{
	static const unsigned kMiB[] = { 512, 1024, 2048, 3072 };
	static const struct {
		const char *name;
		sim::SimConfig (*layout)();
	} kLayouts[] = {
		{ "GiB 1 and 3-7 1G-mapped (the 6.12 VM)", sim::vmLike8G },
		{ "GiB 1, 3, 4 and 7 1G-mapped", sim::vmLike8GSpread },
	};
	static const struct {
		const char *name;
		bool keep, directed;
	} kModes[] = {
		{ "off", false, false },
		{ "cand", true, false },
		{ "on", true, true },
	};
	int broken = 0;

	for (const auto &l : kLayouts) {
		std::printf("\n# keep_1g: hold N MiB in 2M blocks, 8 GiB, %s, "
			    "ZONE_DMA32 = GiB 0-2\n", l.name);
		std::printf("%-8s %-7s %8s %8s %9s %9s %9s %8s %8s %8s %8s %8s "
			    "%8s %8s %8s\n",
			    "held MiB", "keep_1g", "L3 split", "L2 split",
			    "1G before", "1G held", "1G after", "refills",
			    "searches", "tried", "returned", "max/rf",
			    "directed", "missed", "max look");
		for (unsigned mib : kMiB) {
			for (const auto &m : kModes) {
				sim::Hold1gResult r;

				sim::hold1g(l.layout(), m.keep, uint64_t(mib) << 8,
					    &r, m.directed);
				broken += !r.errors.empty();
				std::printf("%-8llu %-7s %8llu %8llu %8lluG %8lluG "
					    "%8lluG %8llu %8llu %8llu %8llu %8llu "
					    "%8llu %8llu %8llu\n",
					    (unsigned long long)(r.held_pages >> 8),
					    m.name,
					    (unsigned long long)r.splits_l3,
					    (unsigned long long)r.splits_l2,
					    (unsigned long long)(r.dm1g_before >> 18),
					    (unsigned long long)(r.dm1g_held >> 18),
					    (unsigned long long)(r.dm1g_after >> 18),
					    (unsigned long long)r.refills,
					    (unsigned long long)r.searches,
					    (unsigned long long)r.tried,
					    (unsigned long long)r.returned,
					    (unsigned long long)r.max_tried_per_refill,
					    (unsigned long long)r.directed,
					    (unsigned long long)r.directed_missed,
					    (unsigned long long)r.max_looked_per_refill);
			}
		}
	}
	std::printf("# 1G before/held/after: DirectMap1G. keep_1g cand: "
		    "candidates only, no directed walk. tried/returned: extra "
		    "candidate blocks (refill_1g_*); max/rf: most one refill "
		    "tried (bound %d); directed/missed: walks that took a block "
		    "by address / found none; max look: most blocks and 1G "
		    "entries one walk looked at (bound %u).\n",
		    UM_REFILL_1G_CANDIDATES, unsigned(um::kDirectedLookMax));
	return broken;
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
	if (opt.json) {
		printJson(runs, opt.seed);
	} else {
		printTable(runs, opt.seed);
		broken += printHold1g();
	}
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
