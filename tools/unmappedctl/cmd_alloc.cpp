// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * cmd_alloc.cpp - "unmappedctl alloc": allocate through libunmapped, prove
 * the memory is usable, show where it came from, hold it, give it back.
 */
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <unmapped/device.hpp>

#include "cli.hpp"
#include "commands.hpp"

namespace unmappedctl {

namespace {

constexpr std::string_view help =
	R"(Usage: unmappedctl alloc (--size SIZE | --order N) [--node N] [--this-node]
                         [--fill BYTE] [--hold SECONDS]

Allocate memory that is absent from the kernel's direct map, map it, check
that it arrived zeroed, fill it with BYTE and read it back, print where it
came from (node, blocks, largest order, page frames), optionally hold it,
then give it back.

Options:
  -s, --size SIZE     bytes, a multiple of the page size: 4096, 0x1000,
                      64M, 2G (K, M, G, T are powers of 1024)
  -o, --order N       one physically contiguous block of 2^N pages instead
  -n, --node N        NUMA node to take it from (default: this CPU's)
      --this-node     fail rather than fall back to another node
  -f, --fill BYTE     the pattern to write, 0..255 or 0x00..0xff
                      (default 0xa5)
      --hold SECONDS  keep the memory that long before giving it back;
                      SIGINT, SIGTERM or SIGHUP end the wait early
  -h, --help          this text

The page frames are shown only with CAP_SYS_ADMIN, as in /proc/PID/pagemap.

With the global -j/--json, stdout gets one JSON object instead, as soon as
the memory is checked (before --hold): "id", "length", "node", "nr_blocks",
"max_block_order", "min_pfn" and "end_pfn" (0 without CAP_SYS_ADMIN),
"address", "pid", "fill". A failed check is an error on stderr (status 1).
)";

constexpr std::uint8_t default_fill = 0xa5;

/*
 * Offset of the first byte of @bytes that is not @want, or npos. Compares
 * page-sized chunks with memcmp() (vectorised in libc; a byte loop takes
 * seconds per 64 MiB under emulation) and looks closer only on a mismatch.
 */
std::size_t first_mismatch(std::span<const std::byte> bytes, std::uint8_t want)
{
	static constexpr std::size_t chunk = 4096;
	std::array<std::byte, chunk> pattern;
	pattern.fill(std::byte{want});
	for (std::size_t off = 0; off < bytes.size(); off += chunk) {
		std::size_t n = std::min(chunk, bytes.size() - off);
		if (std::memcmp(bytes.data() + off, pattern.data(), n) == 0)
			continue;
		auto sub = bytes.subspan(off, n);
		auto it = std::ranges::find_if(sub, [want](std::byte b) { return b != std::byte{want}; });
		return off + static_cast<std::size_t>(it - sub.begin());
	}
	return std::string_view::npos;
}

void expect_all(const unmapped::Region &r, std::uint8_t want, std::string_view when)
{
	std::size_t at = first_mismatch(r.bytes(), want);
	if (at != std::string_view::npos)
		throw CheckFailed(fmt::format(
			"region {}: {}: byte at offset {:#x} is {:#04x}, expected {:#04x}",
			r.id(), when, at, std::to_integer<unsigned>(r.bytes()[at]), want));
}

/* Wait @seconds or until SIGINT/SIGTERM/SIGHUP; returns the signal or 0. */
int hold(std::uint64_t seconds)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, nullptr);

	using clock = std::chrono::steady_clock;
	auto end = clock::now() + std::chrono::seconds(seconds);
	for (;;) {
		auto left = end - clock::now();
		if (left <= clock::duration::zero())
			return 0;
		auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
		timespec ts{.tv_sec = static_cast<time_t>(ns / 1000000000),
			    .tv_nsec = static_cast<long>(ns % 1000000000)};
		int sig = sigtimedwait(&set, nullptr, &ts);
		if (sig > 0)
			return sig;
		if (errno != EINTR && errno != EAGAIN)
			throw unmapped::Error(errno, "wait for a signal");
	}
}

} // namespace

int cmd_alloc(Context &ctx, std::span<const std::string_view> args)
{
	AllocArgs a = parse_alloc_args(args);
	if (a.help) {
		fmt::print(ctx.out, "{}", help);
		return exit_ok;
	}
	unmapped::Device dev(ctx.device);
	const std::uint64_t page_size = dev.info().page_size;
	unmapped::AllocOptions opts{.node = a.node, .this_node = a.this_node};
	unmapped::Region r = a.size ? dev.allocate(*a.size, opts)
				    : dev.allocate_block(*a.order, opts);
	unmapped::RegionInfo ri = r.info();

	const std::uint64_t pages = ri.length / page_size;
	if (!ctx.json) {
		fmt::print(ctx.out, "region {}: {} on node {}, {} block{}, largest order {} ({})\n",
			   ri.id, format_bytes(ri.length), ri.node, ri.nr_blocks,
			   ri.nr_blocks == 1 ? "" : "s", ri.max_block_order,
			   format_bytes(page_size << ri.max_block_order));
		if (ri.end_pfn)
			fmt::print(ctx.out, "page frames {:#x}-{:#x} ({})\n", ri.min_pfn,
				   ri.end_pfn - 1,
				   ri.end_pfn - ri.min_pfn == pages ? "one contiguous range"
								    : "spread over a wider range");
		else
			fmt::print(ctx.out, "page frames not shown (needs CAP_SYS_ADMIN)\n");
		fmt::print(ctx.out, "mapped at {} in process {}\n", fmt::ptr(r.data()), ::getpid());
	}

	std::uint8_t fill = a.fill.value_or(default_fill);
	expect_all(r, 0, "not zeroed on arrival");
	std::memset(r.data(), fill, r.size());
	expect_all(r, fill, "read back wrong");
	if (ctx.json)
		fmt::print(ctx.out,
			   "{{\"id\": {}, \"length\": {}, \"node\": {}, \"nr_blocks\": {}, "
			   "\"max_block_order\": {}, \"min_pfn\": {}, \"end_pfn\": {}, "
			   "\"address\": {}, \"pid\": {}, \"fill\": {}}}\n",
			   ri.id, ri.length, ri.node, ri.nr_blocks, ri.max_block_order, ri.min_pfn,
			   ri.end_pfn, json_string(fmt::format("{}", fmt::ptr(r.data()))),
			   ::getpid(), fill);
	else
		fmt::print(ctx.out, "arrived zeroed; filled with {:#04x} and read back: ok\n", fill);

	if (a.hold_seconds) {
		if (!ctx.json)
			fmt::print(ctx.out, "holding for {} s\n", a.hold_seconds);
		std::fflush(ctx.out);
		int sig = hold(a.hold_seconds);
		if (sig && !ctx.json)
			fmt::print(ctx.out, "woken by {}\n", ::sigabbrev_np(sig));
		expect_all(r, fill, "changed while held");
	}
	r.release();
	if (!ctx.json)
		fmt::print(ctx.out, "released\n");
	return exit_ok;
}

} // namespace unmappedctl
