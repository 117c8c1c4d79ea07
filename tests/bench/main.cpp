// SPDX-License-Identifier: GPL-2.0-only
/*
 * um-bench - the benchmark inside the test VM (kselftest style).
 *
 *   um-bench -p PATH [-w seq,mixed,churn,threads|all] [-n PAGES] [-i ITERS]
 *            [-t THREADS] [--steps N] [-s SEED] [-l LABEL] [--max-l2-splits N]
 *
 * For each workload: drop caches (so the unmapped cache starts cold), run
 * one cold iteration and ITERS-1 warm ones (churn: drop caches between
 * iterations, as periodic shrinks), then drop caches again and see what
 * came back. Prints TAP with the figures as "# " lines, and one line per
 * workload for tools/bench/report:
 *   um-bench-result label=L path=P workload=W key=value ...
 * Needs unmapped_bench.ko (exact IPI and split counters; the kernel paths)
 * and, for the unmapped paths, unmapped.ko. Userspace workloads run pinned
 * to CPU 0 (threads: one CPU each), so that a process's own munmap does not
 * shoot down TLBs on a CPU it merely ran on before; the user-mm shootdowns
 * that remain are reported apart (user_tlb_ipis) from the call IPIs.
 */
#include <getopt.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "paths.h"
#include "probes.h"

namespace {

using bench::Sample;
using bench::Workload;

struct Options {
	const bench::PathDesc *path = nullptr;
	std::string label;
	std::vector<Workload> workloads;
	bench::Params params;
	long max_l2_splits = -1;
};

[[noreturn]] void usage(int status)
{
	std::fputs("usage: um-bench -p PATH [-w seq,mixed,churn,threads|all] [-n PAGES] [-i ITERS]\n"
		   "                [-t THREADS] [--steps N] [-s SEED] [-l LABEL] [--max-l2-splits N]\n"
		   "paths:\n", status ? stderr : stdout);
	for (const auto &p : bench::all_paths())
		std::fprintf(status ? stderr : stdout, "  %-16s %s\n", p.name, p.what);
	std::exit(status);
}

std::vector<Workload> parse_workloads(const std::string &list)
{
	std::vector<Workload> out;
	std::stringstream in(list);
	std::string w;

	while (std::getline(in, w, ',')) {
		if (w == "all")
			out.insert(out.end(), {Workload::Seq, Workload::Mixed,
					       Workload::Churn, Workload::Threads});
		else if (w == "seq")
			out.push_back(Workload::Seq);
		else if (w == "mixed")
			out.push_back(Workload::Mixed);
		else if (w == "churn")
			out.push_back(Workload::Churn);
		else if (w == "threads")
			out.push_back(Workload::Threads);
		else
			usage(2);
	}
	return out;
}

Options parse(int argc, char **argv)
{
	static const option longopts[] = {
		{"path", required_argument, nullptr, 'p'},
		{"workload", required_argument, nullptr, 'w'},
		{"pages", required_argument, nullptr, 'n'},
		{"iters", required_argument, nullptr, 'i'},
		{"threads", required_argument, nullptr, 't'},
		{"steps", required_argument, nullptr, 'S'},
		{"seed", required_argument, nullptr, 's'},
		{"label", required_argument, nullptr, 'l'},
		{"max-l2-splits", required_argument, nullptr, 'M'},
		{"help", no_argument, nullptr, 'h'},
		{},
	};
	Options o;
	int c;

	o.workloads = parse_workloads("all");
	while ((c = getopt_long(argc, argv, "p:w:n:i:t:s:l:h", longopts, nullptr)) != -1) {
		switch (c) {
		case 'p':
			o.path = bench::find_path(optarg);
			if (!o.path)
				usage(2);
			break;
		case 'w': o.workloads = parse_workloads(optarg); break;
		case 'n': o.params.pages = std::strtoull(optarg, nullptr, 0); break;
		case 'i': o.params.iters = static_cast<unsigned>(std::strtoul(optarg, nullptr, 0)); break;
		case 't': o.params.threads = static_cast<unsigned>(std::strtoul(optarg, nullptr, 0)); break;
		case 'S': o.params.steps = std::strtoull(optarg, nullptr, 0); break;
		case 's': o.params.seed = std::strtoull(optarg, nullptr, 0); break;
		case 'l': o.label = optarg; break;
		case 'M': o.max_l2_splits = std::strtol(optarg, nullptr, 0); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (!o.path || optind != argc || o.params.pages < 1 || o.params.iters < 2 ||
	    o.params.threads < 1)
		usage(2);
	if (o.label.empty())
		o.label = o.path->name;
	return o;
}

std::uint64_t median(std::vector<std::uint64_t> v)
{
	std::sort(v.begin(), v.end());
	return v.empty() ? 0 : v[v.size() / 2];
}

struct Figures {
	std::vector<std::pair<std::string, std::string>> kv;

	template <typename T>
	void add(const std::string &key, T value) { kv.emplace_back(key, fmt::format("{}", value)); }
};

/* One workload: cold, warm, shrink; returns the figures to print. */
Figures measure(const Options &o, Workload w)
{
	const bench::Params &p = o.params;
	const bool churn = w == Workload::Churn;
	const unsigned threads = w == Workload::Threads ? p.threads : 1;
	Figures f;

	/* Counted here, in the guest: what the IPI figures scale with. */
	f.add("cpus", sysconf(_SC_NPROCESSORS_ONLN));
	bench::drop_caches();
	bench::Snapshot s0 = bench::snapshot();
	std::vector<Sample> cold = bench::run_iterations(*o.path, w, p, 0, 1, threads, false);
	bench::Snapshot s1 = bench::snapshot();
	std::vector<Sample> warm;
	for (unsigned i = 1; i < p.iters; i++) {
		if (churn)
			bench::drop_caches();
		bool last = i + 1 == p.iters;
		auto s = bench::run_iterations(*o.path, w, p, i, churn ? 1 : p.iters - 1,
					       threads, churn && last);
		warm.insert(warm.end(), s.begin(), s.end());
		if (!churn)
			break;
	}
	bench::Snapshot s2 = bench::snapshot();

	std::vector<std::uint64_t> warm_ns;
	std::uint64_t warm_pages = 0;
	for (const Sample &s : warm) {
		warm_ns.push_back(s.ns_per_page());
		warm_pages += s.pages;
	}
	f.add("pages_per_iter", cold[0].pages);
	f.add("cold_ns_per_page", cold[0].ns_per_page());
	f.add("warm_ns_per_page", median(warm_ns));
	f.add("warm_ns_per_page_min", *std::min_element(warm_ns.begin(), warm_ns.end()));
	f.add("warm_ns_per_page_max", *std::max_element(warm_ns.begin(), warm_ns.end()));
	auto per_1000 = [](std::uint64_t n, std::uint64_t pages) {
		return fmt::format("{:.2f}", 1000.0 * n / std::max<std::uint64_t>(pages, 1));
	};
	f.add("cold_call_ipis", s1.call_ipis_since(s0));
	f.add("warm_call_ipis", s2.call_ipis_since(s1));
	f.add("user_tlb_ipis", s2.tlb_ipis - s0.tlb_ipis);
	f.add("cold_flush_ipis", s1.flush_ipis_since(s0));
	f.add("warm_flush_ipis", s2.flush_ipis_since(s1));
	/* What the windows left to purge: exited threads' stacks, mostly. */
	f.add("cold_purge_flush_ipis", s1.purge_flush_ipis);
	f.add("warm_purge_flush_ipis", s2.purge_flush_ipis);
	f.add("cold_call_ipis_per_1000_pages", per_1000(s1.call_ipis_since(s0), cold[0].pages));
	f.add("warm_call_ipis_per_1000_pages", per_1000(s2.call_ipis_since(s1), warm_pages));
	f.add("cold_flush_ipis_per_1000_pages", per_1000(s1.flush_ipis_since(s0), cold[0].pages));
	f.add("warm_flush_ipis_per_1000_pages", per_1000(s2.flush_ipis_since(s1), warm_pages));

	if (w == Workload::Threads) {
		/* The same work on one thread, for the scaling ratio. */
		auto one = bench::run_iterations(*o.path, w, p, 100, p.iters - 1, 1, false);
		std::vector<std::uint64_t> one_ns;
		for (const Sample &s : one)
			one_ns.push_back(s.ns_per_page());
		f.add("one_thread_ns_per_page", median(one_ns));
		f.add("threads", threads);
		f.add("thread_speedup", fmt::format("{:.2f}", double(median(one_ns)) / std::max<std::uint64_t>(median(warm_ns), 1)));
	}

	bench::drop_caches();
	bench::Snapshot s3 = bench::snapshot();
	f.add("splits_l2", s3.splits_l2 - s0.splits_l2);
	f.add("splits_l3", s3.splits_l3 - s0.splits_l3);
	f.add("directmap4k_growth_kb", static_cast<std::int64_t>(s3.directmap4k_kb - s0.directmap4k_kb));
	if (!s0.cache.empty()) {
		f.add("dm_calls", s3.stat("dm_calls") - s0.stat("dm_calls"));
		f.add("tlb_flushes", s3.stat("tlb_flushes") - s0.stat("tlb_flushes"));
		f.add("refills", s3.stat("refills") - s0.stat("refills"));
		f.add("peak_cached_kb", s3.stat("peak_cached") * 4);
		f.add("cached_before_shrink_kb", s2.stat("pages_cached") * 4);
		f.add("returned_by_shrink_kb",
		      (s2.stat("pages_cached") - s3.stat("pages_cached")) * 4);
		/*
		 * The cache's own TLB flushes per phase: the flush IPIs above
		 * also count the kernel's other kernel-range flushes (vmap
		 * purges and the like), which plain alloc_pages sees too.
		 */
		f.add("cold_cache_flushes", s1.stat("tlb_flushes") - s0.stat("tlb_flushes"));
		f.add("warm_cache_flushes", s2.stat("tlb_flushes") - s1.stat("tlb_flushes"));
		/*
		 * Node-lock holds per 1000 allocations in the warm phase, their
		 * frees included (reading the counters takes none): what a
		 * per-CPU fast path has to bring down to at most 1 per 32.
		 */
		std::uint64_t allocs = s2.stat("allocs") - s1.stat("allocs");
		std::uint64_t pages = s2.stat("alloc_pages") - s1.stat("alloc_pages");
		if (s2.cache.count("node_lock_holds") && allocs) {
			std::uint64_t holds = s2.stat("node_lock_holds") - s1.stat("node_lock_holds");

			f.add("warm_allocs", allocs);
			f.add("warm_node_lock_holds_per_1000_allocs", per_1000(holds, allocs));
			/* The user path allocates 1024-page regions: per page too. */
			f.add("warm_node_lock_holds_per_1000_pages", per_1000(holds, pages));
		}
	}
	return f;
}

} // namespace

int main(int argc, char **argv)
{
	Options o = parse(argc, argv);
	int failed = 0, n = 0;

	if (!bench::pin_to_cpu(0))
		std::printf("# cannot pin to CPU 0: %s\n", std::strerror(errno));

	std::printf("TAP version 13\n1..%zu\n", o.workloads.size());
	std::printf("# %s: %s; pages %llu, iterations %u\n", o.label.c_str(), o.path->what,
		    static_cast<unsigned long long>(o.params.pages), o.params.iters);
	for (Workload w : o.workloads) {
		const char *wname = bench::workload_name(w);
		std::string name = fmt::format("{}/{}", o.label, wname);

		n++;
		try {
			Figures f = measure(o, w);
			std::string line = fmt::format("um-bench-result label={} path={} workload={}",
						       o.label, o.path->name, wname);
			long l2 = 0;

			for (const auto &[k, v] : f.kv) {
				std::printf("# %-28s %s\n", k.c_str(), v.c_str());
				line += fmt::format(" {}={}", k, v);
				if (k == "splits_l2")
					l2 = std::stol(v);
			}
			std::printf("%s\n", line.c_str());
			if (o.max_l2_splits >= 0 && l2 > o.max_l2_splits) {
				std::printf("not ok %d %s # %ld level-2 splits, at most %ld allowed\n",
					    n, name.c_str(), l2, o.max_l2_splits);
				failed++;
			} else {
				std::printf("ok %d %s\n", n, name.c_str());
			}
		} catch (const std::exception &e) {
			std::printf("# %s\nnot ok %d %s\n", e.what(), n, name.c_str());
			failed++;
		}
		std::fflush(stdout);
	}
	return failed ? 1 : 0;
}
