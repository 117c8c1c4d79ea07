// SPDX-License-Identifier: GPL-2.0-only
/*
 * results.h - the benchmark's VM logs as records, for the reports.
 *
 * A record is one "um-bench-result key=value ..." line of a DIR/NAME.tap
 * file (one file per VM boot); DIR/meta holds key=value lines about the run,
 * and DIR/NAME.host what else the host ran during that boot
 * (tools/bench/hostload.sh), attached to each of its records as host_*.
 */
#ifndef UM_BENCH_RESULTS_H
#define UM_BENCH_RESULTS_H

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bench {

using Record = std::map<std::string, std::string>;

struct Data {
	std::map<std::string, std::string> meta;
	std::vector<Record> results;

	/* The first record with these fields (key "cpus" too if @cpus). */
	const Record *find(const std::string &label, const std::string &workload,
			   const std::string &cpus = "") const;
};

/* Every .tap file of DIR in name order, DIR/meta and the DIR/NAME.host files. */
Data load(const std::filesystem::path &dir);

/* @key of @r as a number; nullopt if @r is null or has no such key. */
std::optional<double> num(const Record *r, const std::string &key);

/* The value formatted with @fmtspec, or "-". */
std::string cell(std::optional<double> v, const char *fmtspec = "{:.0f}");

/* Whether the boot of @r ran on a host busy with other work. */
bool noisy(const Record *r);

/* "other load 0.85 cores, steal 0.0%" for a noisy boot's cells. */
std::string host_note(const Record *r);

/*
 * A time figure of @r: "-" without data, "noisy" when its boot shared the
 * host with other work; with @spread, warm figures (the median of the warm
 * iterations) carry their min-max beside them.
 */
std::string time_cell(const Record *r, const std::string &key, bool spread = false);

/*
 * Replace the text between "<!-- NAME:begin -->" and "<!-- NAME:end -->"
 * of @file with @md. Return: 0, or 1 (said on stderr) without the markers.
 */
int replace_marked(const std::filesystem::path &file, const std::string &name, const std::string &md);

std::string json_str(const std::string &s);

} // namespace bench

#endif
