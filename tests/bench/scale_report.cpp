// SPDX-License-Identifier: GPL-2.0-only
/*
 * um-bench-scale-report - the CPU-scaling tables and plots.
 *
 *   um-bench-scale-report DIR [--readme FILE]
 *
 * Reads DIR/cpus-N.tap (one VM boot per vCPU count, tools/bench/scale; each
 * um-bench-result line says cpus=, counted in the guest), DIR/cpus-N.host
 * and DIR/meta. Writes DIR/scale.md (per path and vCPU count: flush IPIs
 * and all call IPIs per 1000 pages, cold and warm; warm time per page
 * with its spread; the threads workload at one thread per vCPU; then the
 * targets, PASS or MISS) and DIR/scale.gp, a gnuplot script with the data
 * inline that draws DIR/scale-ipis.svg and DIR/scale-time.svg. With
 * --readme, replaces the text between "<!-- scale:begin -->" and
 * "<!-- scale:end -->" of FILE with scale.md.
 */
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "results.h"

namespace fs = std::filesystem;

namespace {

using bench::cell;
using bench::Data;
using bench::num;
using bench::Record;

/* Rows in this order; the labels tools/bench/scale passes to -l. */
const std::vector<std::pair<std::string, std::string>> kPaths = {
	{"range", "unmapped.ko, range backend, in-kernel API"},
	{"range-user", "unmapped.ko, range backend, ioctl + mmap + touch"},
	{"no-cache", "no cache: a flush per page"},
	{"memfd_secret", "memfd_secret + mmap + touch"},
	{"alloc_pages", "plain alloc_pages / __free_pages"},
};
const std::vector<std::string> kRanges = {"range", "range-user"};

std::vector<std::string> cpu_counts(const Data &d)
{
	std::set<int> n;
	for (const Record &r : d.results)
		if (r.count("cpus"))
			n.insert(std::stoi(r.at("cpus")));
	std::vector<std::string> out;
	for (int c : n)
		out.push_back(std::to_string(c));
	return out;
}

/* One table: a row per path, a column per vCPU count, @fn gives the cell. */
template <typename Fn>
std::string table(const std::vector<std::string> &cpus, const std::string &title, Fn fn)
{
	std::string md = fmt::format("\n**{}**\n\n| path |", title);
	for (const auto &c : cpus)
		md += fmt::format(" {} vCPU{} |", c, c == "1" ? "" : "s");
	md += "\n|---|";
	for (std::size_t i = 0; i < cpus.size(); i++)
		md += "---|";
	md += "\n";
	for (const auto &[label, what] : kPaths) {
		md += fmt::format("| {} |", what);
		for (const auto &c : cpus)
			md += fmt::format(" {} |", fn(label, c));
		md += "\n";
	}
	return md;
}

struct Target {
	std::string what;
	std::string measured;
	bool pass;
};

/*
 * Every target listed whatever the data; missing data is a MISS that says
 * so. The flush-IPI targets need at least 1, 2 and 4 vCPUs measured, and
 * memfd_secret's growth is their positive control: a flush-IPI counter that
 * counts nothing passes "at most 2", and fails that.
 */
std::vector<Target> targets(const Data &d, const std::vector<std::string> &cpus)
{
	std::vector<Target> t;
	auto get = [&](const std::string &l, const std::string &w, const std::string &c, const char *k) {
		return num(d.find(l, w, c), k);
	};
	bool enough = cpus.size() >= 3;
	std::string counts = fmt::format("{}", fmt::join(cpus, ", "));

	/* Each range path and workload at each count: @fn gives the part and the verdict. */
	auto every = [&](auto fn) {
		std::vector<std::string> parts;
		bool ok = enough;
		for (const auto &l : kRanges)
			for (const auto &c : cpus)
				for (const char *w : {"seq", "threads"}) {
					if (std::string(w) == "threads" && c == "1")
						continue;
					auto [part, good] = fn(d.find(l, w, c));
					parts.push_back(fmt::format("{}/{}@{} {}", l, w, c, part));
					ok &= good;
				}
		if (!enough)
			parts.insert(parts.begin(), fmt::format("vCPU counts measured: {} (want at least 3)", counts));
		return std::pair{fmt::format("{}", fmt::join(parts, ", ")), ok};
	};
	{
		auto [measured, ok] = every([](const Record *r) {
			auto v = num(r, "cold_flush_ipis_per_1000_pages");
			return std::pair{v ? cell(v, "{:.2f}") : std::string("no data"), v && *v <= 2};
		});
		t.push_back({"range backend: at most 2 flush IPIs per 1000 pages from a cold cache, at every vCPU count",
			     measured, ok});
	}
	/*
	 * Warm: the cache's own flushes, exactly 0; the flush IPIs beside them
	 * also count the kernel's other kernel-range flushes (vmap purges),
	 * which plain alloc_pages sees as well.
	 */
	{
		auto [measured, ok] = every([](const Record *r) {
			auto f = num(r, "warm_cache_flushes");
			auto v = num(r, "warm_flush_ipis_per_1000_pages");
			return std::pair{f ? fmt::format("{} (flush IPIs {})", cell(f), cell(v, "{:.2f}")) : std::string("no data"),
					 f && *f == 0};
		});
		t.push_back({"range backend: no TLB flush of its own from a warm cache (tlb_flushes; flush IPIs per 1000 pages beside), at every vCPU count",
			     measured, ok});
	}
	{
		std::vector<std::string> parts;
		bool ok = enough;
		std::optional<double> prev;
		for (const auto &c : cpus) {
			auto v = get("memfd_secret", "seq", c, "cold_flush_ipis_per_1000_pages");
			parts.push_back(fmt::format("{}: {}", c, v ? cell(v, "{:.0f}") : "no data"));
			ok &= v && (!prev || *v > *prev);
			prev = v;
		}
		t.push_back({"positive control: memfd_secret's flush IPIs per 1000 pages (seq, cold) grow with the vCPU count",
			     fmt::format("{}", fmt::join(parts, ", ")), ok});
	}
	/*
	 * Per allocation where allocations are pages (the in-kernel path);
	 * the user path's are 1024-page regions, 2 holds each whatever the
	 * design, so its lock traffic is judged per page.
	 */
	for (const auto &[label, key, unit] :
	     {std::tuple{"range", "warm_node_lock_holds_per_1000_allocs", "allocations"},
	      std::tuple{"range-user", "warm_node_lock_holds_per_1000_pages", "pages"}}) {
		std::vector<std::string> parts;
		bool ok = enough;
		for (const auto &c : cpus)
			for (const char *w : {"seq", "threads"}) {
				if (std::string(w) == "threads" && c == "1")
					continue;
				auto v = num(d.find(label, w, c), key);
				parts.push_back(fmt::format("{}/{}@{} {}", label, w, c, v ? cell(v, "{:.0f}") : "no data"));
				ok &= v && *v <= 1000.0 / 32;
			}
		t.push_back({fmt::format("{}: at most 1 node-lock hold per 32 warm {} (31 per 1000, frees included), at every vCPU count",
					 label, unit),
			     fmt::format("{}", fmt::join(parts, ", ")), ok});
	}
	for (const auto &l : kRanges) {
		const Record *r = d.find(l, "threads", "2");
		auto s = num(r, "thread_speedup");
		std::string what = fmt::format("{}: two threads at least 1.9x one thread, at 2 vCPUs", l);
		if (bench::noisy(r))
			t.push_back({what, fmt::format("not judged: ran on a busy host ({})", bench::host_note(r)), false});
		else
			t.push_back({what, s ? fmt::format("{:.2f}x", *s) : "no data", s && *s >= 1.9});
	}
	return t;
}

std::string markdown(const Data &d, const std::vector<std::string> &cpus)
{
	auto meta = [&](const char *k) { return d.meta.count(k) ? d.meta.at(k) : std::string("?"); };
	auto per1000 = [&](const char *key) {
		return [&d, key](const std::string &l, const std::string &c) {
			const Record *r = d.find(l, "seq", c);
			return r ? fmt::format("{} / {}", cell(num(r, fmt::format("cold_{}", key)), "{:.2f}"),
					       cell(num(r, fmt::format("warm_{}", key)), "{:.2f}"))
				 : std::string("-");
		};
	};
	std::string md = fmt::format(
		"Measured {} on kernel {} ({}), `{}`: one VM boot per vCPU count, the paths one after "
		"the other in it (those that split the direct map last). seq: {} pages per iteration, "
		"one cold iteration then warm ones, on one thread; threads: the same pages split "
		"between one thread per vCPU, all held at once before any is freed. Cells: cold / warm. Flush IPIs: IPIs that flushed kernel "
		"TLB entries, counted exactly in the guest kernel; a kernel TLB flush interrupts every "
		"other CPU, so per flush they grow with the vCPU count. Each pass ends before the "
		"purge of the vmap areas it left (the stacks of its exited threads), whose IPIs are "
		"in the .tap files apart (purge_flush_ipis). Times under TCG, with more "
		"vCPUs than the host's cores, measure contention for the host, not the path: judge "
		"them at 1 and 2 vCPUs, and by the counts beyond.\n",
		meta("date"), meta("kernel"), meta("vm"), meta("command"), meta("pages"));
	md += table(cpus, "flush IPIs per 1000 pages, seq (cold / warm)", per1000("flush_ipis_per_1000_pages"));
	md += table(cpus, "all call IPIs per 1000 pages, seq (cold / warm)", per1000("call_ipis_per_1000_pages"));
	md += table(cpus, "warm ns/page, seq: median (min-max)", [&](const std::string &l, const std::string &c) {
		return bench::time_cell(d.find(l, "seq", c), "warm_ns_per_page", true);
	});
	md += table(cpus, "threads, one per vCPU: warm ns/page, median (min-max); speedup over one thread",
		    [&](const std::string &l, const std::string &c) {
			    const Record *r = d.find(l, "threads", c);
			    if (!r)
				    return std::string("-");
			    if (bench::noisy(r))
				    return std::string("noisy");
			    return fmt::format("{}; {}", bench::time_cell(r, "warm_ns_per_page", true),
					       cell(num(r, "thread_speedup"), "{:.2f}x"));
		    });
	md += table(cpus, "flush IPIs per 1000 pages, threads (cold / warm)", [&](const std::string &l, const std::string &c) {
		const Record *r = d.find(l, "threads", c);
		return r ? fmt::format("{} / {}", cell(num(r, "cold_flush_ipis_per_1000_pages"), "{:.2f}"),
				       cell(num(r, "warm_flush_ipis_per_1000_pages"), "{:.2f}"))
			 : std::string("-");
	});
	md += table(cpus, "node-lock holds per 1000 warm allocations, frees included (seq / threads)",
		    [&](const std::string &l, const std::string &c) {
			    auto a = num(d.find(l, "seq", c), "warm_node_lock_holds_per_1000_allocs");
			    auto b = num(d.find(l, "threads", c), "warm_node_lock_holds_per_1000_allocs");
			    return a || b ? fmt::format("{} / {}", cell(a), cell(b)) : std::string("-");
		    });
	md += "\n![flush IPIs per 1000 pages against vCPUs](scale-ipis.svg)\n"
	      "![time per page against vCPUs](scale-time.svg)\n";
	md += "\n**Targets**\n\n| target | measured | |\n|---|---|---|\n";
	for (const Target &t : targets(d, cpus))
		md += fmt::format("| {} | {} | {} |\n", t.what, t.measured, t.pass ? "PASS" : "MISS");
	return md;
}

/*
 * gnuplot script with the data inline: flush IPIs (cold, seq; log scale,
 * so 0 is left out) and warm time per page (seq) against vCPUs, a line per
 * path. Noisy boots are left out of the time plot.
 */
std::string gnuplot(const Data &d, const std::vector<std::string> &cpus, const std::string &title)
{
	std::string gp;
	std::vector<bool> has_ipis, has_time;
	/* $NAME: "cpus value" lines; false if no value at all. */
	auto block = [&](const std::string &name, const std::string &label, auto value) {
		bool any = false;
		gp += fmt::format("${} << EOD\n", name);
		for (const auto &c : cpus) {
			auto v = value(d.find(label, "seq", c));
			if (v) {
				gp += fmt::format("{} {}\n", c, *v);
				any = true;
			}
		}
		gp += "EOD\n";
		return any;
	};
	for (std::size_t i = 0; i < kPaths.size(); i++) {
		const std::string &l = kPaths[i].first;
		has_ipis.push_back(block(fmt::format("ipis{}", i), l, [](const Record *r) -> std::optional<double> {
			auto v = num(r, "cold_flush_ipis_per_1000_pages");
			return v && *v > 0 ? v : std::nullopt;
		}));
		has_time.push_back(block(fmt::format("time{}", i), l, [](const Record *r) -> std::optional<double> {
			return bench::noisy(r) ? std::nullopt : num(r, "warm_ns_per_page");
		}));
	}
	/* gnuplot fails on a plot with no point: say so on the chart instead. */
	auto plot = [&](const char *prefix, const std::vector<bool> &has, const char *none) {
		std::string p;
		for (std::size_t i = 0; i < kPaths.size(); i++)
			if (has[i])
				p += fmt::format("{}${}{} using 1:2 with linespoints title \"{}\"", p.empty() ? "" : ", ",
						 prefix, i, kPaths[i].first);
		if (p.empty())
			return fmt::format("set yrange [1:10]\nset label 1 \"{}\" at graph 0.5, 0.5 center\nplot NaN notitle\nunset label 1\n",
					   none);
		return "plot " + p + "\n";
	};
	/* noenhanced: "memfd_secret" is a name, not a subscript. */
	gp += "set terminal svg size 720,420 dynamic font \"sans,11\" noenhanced\n"
	      "set key outside right\nset grid\nset xlabel \"vCPUs\"\n";
	gp += fmt::format("set xtics ({})\nset xrange [{}:{}]\n", fmt::join(cpus, ", "),
			  std::stoi(cpus.front()) - 0.5, std::stoi(cpus.back()) + 0.5);
	gp += fmt::format("set output \"scale-ipis.svg\"\nset title \"{}: kernel TLB-flush IPIs per 1000 pages, cold, seq\"\n"
			  "set logscale y\nset yrange [0.5:*]\nset ylabel \"flush IPIs / 1000 pages (log)\"\n",
			  title);
	gp += plot("ipis", has_ipis, "no flush IPI counted at any vCPU count");
	gp += fmt::format("set output \"scale-time.svg\"\nset title \"{}: warm time per page, seq (TCG)\"\n"
			  "set yrange [1000:*]\nset ylabel \"ns / page (log)\"\n",
			  title);
	gp += plot("time", has_time, "no time plotted: every boot ran on a busy host (noisy)");
	return gp;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--readme")) {
		std::fprintf(stderr, "usage: um-bench-scale-report DIR [--readme FILE]\n");
		return 2;
	}
	fs::path dir = argv[1];
	Data d = bench::load(dir);
	auto cpus = cpu_counts(d);
	if (cpus.empty()) {
		std::fprintf(stderr, "um-bench-scale-report: no um-bench-result lines with cpus= in %s/*.tap\n",
			     dir.c_str());
		return 1;
	}
	std::string md = markdown(d, cpus);
	std::ofstream(dir / "scale.md") << md;
	std::ofstream(dir / "scale.gp") << gnuplot(d, cpus, d.meta.count("kernel") ? d.meta.at("kernel") : "?");
	std::fputs(md.c_str(), stdout);
	return argc == 4 ? bench::replace_marked(argv[3], "scale", md) : 0;
}
