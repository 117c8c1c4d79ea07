// SPDX-License-Identifier: GPL-2.0-only
/*
 * paths.cpp - the path registry and the userspace workloads.
 *
 * Workloads (the in-kernel versions in unmapped_bench.ko do the same):
 *   seq     kernel: `pages` order-0 allocations, then all freed;
 *           userspace: one mapping of `pages` pages touched page by page
 *           (for memfd_secret and anon that is `pages` order-0 faults;
 *           for libunmapped one ALLOC), then freed
 *   mixed   allocations of 2^k pages, k uniform in 0..9, until `pages`
 *           pages are live; all touched, all freed
 *   churn   a live set of `pages` pages in allocations of 2^0..2^3 pages;
 *           each iteration replaces `steps` random ones with new ones of
 *           the same size (the caller drops caches between iterations)
 *   threads seq on several threads at once, `pages` split between them,
 *           every share held before any is freed
 */
#include "paths.h"

#include <sched.h>
#include <time.h>

#include <latch>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include "kernel_path.h"
#include "user_paths.h"

namespace bench {

namespace {

const std::vector<PathDesc> kPaths = {
	{"kernel-unmapped", "unmapped", "unmapped.ko in-kernel API (unmapped_pages_alloc)"},
	{"user-unmapped", nullptr, "/dev/unmapped via libunmapped: ioctl + mmap + touch"},
	{"kernel-percpu", "percpu",
	 "no cache: alloc_pages + set_direct_map_invalid_noflush per page + flush (memfd_secret's fault path)"},
	{"memfd-secret", nullptr, "memfd_secret + mmap + touch"},
	{"kernel-alloc", "alloc", "plain alloc_pages / __free_pages (lower bound)"},
	{"anon", nullptr, "plain anonymous mmap + touch (lower bound)"},
};

std::uint64_t now_ns()
{
	timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

/* Live allocations of `pages` pages in 2^0..2^max_order page pieces. */
std::uint64_t fill(Source &src, std::mt19937_64 &rng, std::uint64_t pages,
		   unsigned max_order, std::vector<Mapping> &live)
{
	std::uint64_t have = 0;

	while (have < pages) {
		unsigned order = static_cast<unsigned>(rng() % (max_order + 1));

		while (have + (1ull << order) > pages)
			order--;
		live.push_back(src.get(std::size_t{1} << order));
		touch(live.back());
		have += 1ull << order;
	}
	return have;
}

Sample one_mapping(const std::string &path, std::uint64_t pages)
{
	auto src = make_source(path);
	std::uint64_t t0 = now_ns();
	Mapping m = src->get(pages);

	touch(m);
	src->put(m);
	return {now_ns() - t0, pages};
}

Sample mixed(const std::string &path, std::uint64_t pages, std::uint64_t seed)
{
	auto src = make_source(path);
	std::mt19937_64 rng(seed);
	std::vector<Mapping> live;
	std::uint64_t t0 = now_ns();
	std::uint64_t have = fill(*src, rng, pages, 9, live);

	for (const Mapping &m : live)
		src->put(m);
	return {now_ns() - t0, have};
}

/* The churn live set survives between iterations (caches drop in between). */
struct ChurnState {
	std::string path;
	std::unique_ptr<Source> src;
	std::vector<Mapping> live;
};
std::optional<ChurnState> churn;

Sample churn_iteration(const std::string &path, const Params &p, std::uint64_t seed,
		       bool release)
{
	std::mt19937_64 rng(seed);
	std::uint64_t t0 = now_ns(), handed = 0;

	if (churn && churn->path != path)
		throw std::logic_error("churn live set belongs to " + churn->path);
	if (!churn) {
		churn.emplace(ChurnState{path, make_source(path), {}});
		handed = fill(*churn->src, rng, p.pages, 3, churn->live);
	}
	for (std::uint64_t i = 0; i < p.steps; i++) {
		Mapping &m = churn->live[rng() % churn->live.size()];
		std::size_t pages = m.len / 4096;

		churn->src->put(m);
		m = churn->src->get(pages);
		touch(m);
		handed += pages;
	}
	std::uint64_t ns = now_ns() - t0;
	if (release) {
		for (const Mapping &m : churn->live)
			churn->src->put(m);
		churn.reset();
	}
	return {ns, handed};
}

Sample threaded_seq(const std::string &path, std::uint64_t pages, unsigned threads)
{
	std::latch ready(threads + 1), go(1), held(threads);
	std::vector<std::thread> workers;
	std::vector<std::exception_ptr> errors(threads);
	std::uint64_t share = pages / threads;

	for (unsigned t = 0; t < threads; t++) {
		workers.emplace_back([&, t] {
			bool was_ready = false, was_held = false;

			try {
				pin_to_cpu(t % std::thread::hardware_concurrency());
				auto src = make_source(path);
				ready.count_down();
				was_ready = true;
				go.wait();
				Mapping m = src->get(share);
				touch(m);
				/*
				 * Every share held at once before any goes back:
				 * each pass, cold or warm, peaks at all the pages,
				 * however the threads happen to overlap, so a warm
				 * pass never needs more than the cold one took.
				 */
				held.arrive_and_wait();
				was_held = true;
				src->put(m);
			} catch (...) {
				errors[t] = std::current_exception();
				if (!was_ready)
					ready.count_down();
				if (!was_held)
					held.count_down();
			}
		});
	}
	ready.arrive_and_wait();
	std::uint64_t t0 = now_ns();
	go.count_down();
	for (auto &w : workers)
		w.join();
	std::uint64_t ns = now_ns() - t0;
	for (auto &e : errors)
		if (e)
			std::rethrow_exception(e);
	return {ns, share * threads};
}

} // namespace

bool pin_to_cpu(unsigned cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

const std::vector<PathDesc> &all_paths()
{
	return kPaths;
}

const PathDesc *find_path(const std::string &name)
{
	for (const PathDesc &p : kPaths)
		if (name == p.name)
			return &p;
	return nullptr;
}

const char *workload_name(Workload w)
{
	switch (w) {
	case Workload::Seq: return "seq";
	case Workload::Mixed: return "mixed";
	case Workload::Churn: return "churn";
	case Workload::Threads: return "threads";
	}
	return "?";
}

std::vector<Sample> run_iterations(const PathDesc &path, Workload w, const Params &p,
				   unsigned first, unsigned count, unsigned threads,
				   bool release)
{
	Workload base = w == Workload::Threads ? Workload::Seq : w;

	if (path.kernel)
		return run_kernel(path.kernel, base, p, first, count, threads, release);

	std::vector<Sample> samples;
	for (unsigned i = 0; i < count; i++) {
		std::uint64_t seed = p.seed + first + i;

		if (threads > 1)
			samples.push_back(threaded_seq(path.name, p.pages, threads));
		else if (base == Workload::Churn)
			samples.push_back(churn_iteration(path.name, p, seed, release && i + 1 == count));
		else if (base == Workload::Mixed)
			samples.push_back(mixed(path.name, p.pages, seed));
		else
			samples.push_back(one_mapping(path.name, p.pages));
	}
	return samples;
}

} // namespace bench
