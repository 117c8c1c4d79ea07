// SPDX-License-Identifier: GPL-2.0-only
#include "results.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace bench {

const Record *Data::find(const std::string &label, const std::string &workload,
			 const std::string &cpus) const
{
	for (const Record &r : results)
		if (r.at("label") == label && r.at("workload") == workload &&
		    (cpus.empty() || (r.count("cpus") && r.at("cpus") == cpus)))
			return &r;
	return nullptr;
}

namespace {

std::map<std::string, std::string> key_values(const fs::path &file)
{
	std::map<std::string, std::string> kv;
	std::ifstream in(file);
	std::string line;

	while (std::getline(in, line)) {
		auto eq = line.find('=');
		if (eq != std::string::npos)
			kv[line.substr(0, eq)] = line.substr(eq + 1);
	}
	return kv;
}

} // namespace

Data load(const fs::path &dir)
{
	Data d;
	std::vector<fs::path> taps;

	for (const auto &e : fs::directory_iterator(dir))
		if (e.path().extension() == ".tap")
			taps.push_back(e.path());
	std::sort(taps.begin(), taps.end());
	for (const auto &t : taps) {
		std::ifstream in(t);
		std::string line;
		fs::path host = t;
		auto hostkv = key_values(host.replace_extension(".host"));

		while (std::getline(in, line)) {
			line.erase(std::remove(line.begin(), line.end(), '\r'), line.end());
			auto at = line.find("um-bench-result ");
			if (at == std::string::npos)
				continue;
			std::istringstream words(line.substr(at + 16));
			Record r;
			std::string kv;
			while (words >> kv) {
				auto eq = kv.find('=');
				if (eq != std::string::npos)
					r[kv.substr(0, eq)] = kv.substr(eq + 1);
			}
			if (!r.count("label") || !r.count("workload"))
				continue;
			for (const auto &[k, v] : hostkv)
				r["host_" + k] = v;
			d.results.push_back(r);
		}
	}
	d.meta = key_values(dir / "meta");
	/*
	 * Under qemu -icount the guest's clock counts its own instructions:
	 * what else the host ran cannot move those times, so no boot is noisy.
	 */
	if (d.meta.count("mode") && d.meta.at("mode") == "icount")
		for (Record &r : d.results)
			r.erase("host_noisy");
	return d;
}

std::optional<double> num(const Record *r, const std::string &key)
{
	if (!r || !r->count(key))
		return std::nullopt;
	return std::stod(r->at(key));
}

std::string cell(std::optional<double> v, const char *fmtspec)
{
	return v ? fmt::format(fmt::runtime(fmtspec), *v) : "-";
}

bool noisy(const Record *r)
{
	return r && r->count("host_noisy") && r->at("host_noisy") != "0";
}

std::string host_note(const Record *r)
{
	auto other = num(r, "host_other_cores"), steal = num(r, "host_steal");
	return fmt::format("other load {} cores, steal {}%", cell(other, "{:.2f}"),
			   steal ? fmt::format("{:.1f}", *steal * 100) : "-");
}

std::string time_cell(const Record *r, const std::string &key, bool spread)
{
	auto v = num(r, key);
	if (!v)
		return "-";
	if (noisy(r))
		return "noisy";
	auto lo = num(r, key + "_min"), hi = num(r, key + "_max");
	if (spread && lo && hi)
		return fmt::format("{:.0f} ({:.0f}-{:.0f})", *v, *lo, *hi);
	return fmt::format("{:.0f}", *v);
}

int replace_marked(const fs::path &file, const std::string &name, const std::string &md)
{
	std::ifstream in(file);
	std::stringstream buf;
	buf << in.rdbuf();
	std::string text = buf.str();
	const std::string begin = "<!-- " + name + ":begin -->", end = "<!-- " + name + ":end -->";
	auto b = text.find(begin), e = text.find(end);

	if (b == std::string::npos || e == std::string::npos || e < b) {
		std::fprintf(stderr, "%s has no %s markers\n", file.c_str(), begin.c_str());
		return 1;
	}
	text = text.substr(0, b + begin.size()) + "\n" + md + text.substr(e);
	std::ofstream(file) << text;
	return 0;
}

std::string json_str(const std::string &s)
{
	std::string out = "\"";
	for (char c : s) {
		if (c == '"' || c == '\\')
			out += '\\';
		out += c;
	}
	return out + "\"";
}

} // namespace bench
