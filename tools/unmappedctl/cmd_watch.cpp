// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * cmd_watch.cpp - "unmappedctl watch": the module's events, one line each,
 * until interrupted.
 */
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <unmapped/events.hpp>

#include "cli.hpp"
#include "commands.hpp"

namespace unmappedctl {

namespace {

constexpr std::string_view help =
	R"(Usage: unmappedctl [--json] watch [--count N] [--timeout SECONDS]

Print the module's events as they happen, one line each, until SIGINT
(Ctrl-C) or SIGTERM (exit status 0):

  [  812.407051] refill node=0 order=9 pages=512 pfn=0x102800 backend=range dm_calls=1 flushes=1 splits_l2=0 splits_l3=0 duration_ns=181230
  [  815.120101] release node=0 order=9 pages=512 pfn=0x102800 backend=range dm_calls=1 flushes=1 splits_l2=0 splits_l3=0 duration_ns=88010
  [  815.120977] shrink node=0 requested=128 released=512 dm_calls=1 flushes=1 splits_l2=0 splits_l3=0 duration_ns=90211
  [  816.000450] alloc_fail node=0 order=10 error=ENOMEM

The time is CLOCK_MONOTONIC in seconds (as in dmesg). refill: a block
taken from the page allocator and removed from the direct map; release:
pages mapped back and returned; shrink: one request of the memory
shrinker (drop_caches, reclaim); alloc_fail: an allocation failed. The
cost fields are direct-map change calls, all-CPU TLB flushes, 2M->4K and
1G->2M splits of the direct map, and the wall time. "lost=N" at the end
says the module dropped N events just before this one (over its rate
limit, module parameter event_rate, or its queue); a line on stderr says
when events were lost because this program read too slowly. When
unmapped.ko is unloaded, watch says so and exits with status 1.

With the global -j/--json, each event is one JSON object on its own line
(JSON Lines) with the same fields: "time_ns", "type", "node", then those
of its type ("flushes" is "tlb_flushes"; "error" is the errno's name).

Options:
  -c, --count N          exit after N events
  -t, --timeout SECONDS  exit after SECONDS; with --count, status 1 if
                         fewer than N events came
  -h, --help             this text

Needs CAP_SYS_ADMIN (events carry page frame numbers).
)";

std::string errno_name(int err)
{
	const char *name = ::strerrorname_np(err);
	return name ? name : std::to_string(err);
}

/* SIGINT and SIGTERM as a descriptor, blocked while it lives. */
class SignalFd {
public:
	SignalFd()
	{
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		pthread_sigmask(SIG_BLOCK, &set, &old_);
		fd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
		if (fd_ < 0) {
			int err = errno;
			pthread_sigmask(SIG_SETMASK, &old_, nullptr);
			throw unmapped::Error(err, "watch for SIGINT and SIGTERM");
		}
	}
	SignalFd(const SignalFd &) = delete;
	SignalFd &operator=(const SignalFd &) = delete;
	~SignalFd()
	{
		::close(fd_);
		pthread_sigmask(SIG_SETMASK, &old_, nullptr);
	}
	int fd() const noexcept { return fd_; }

	/*
	 * Take the pending signal, so that unblocking them at the end does
	 * not deliver it (and kill us) after all. True if there was one.
	 */
	bool take() const noexcept
	{
		signalfd_siginfo si;
		return ::read(fd_, &si, sizeof(si)) == sizeof(si);
	}

private:
	int fd_ = -1;
	sigset_t old_;
};

} // namespace

std::string format_event(const unmapped::Event &e)
{
	auto ns = e.time.count();
	std::string line = fmt::format("[{:>5}.{:06}] {} node={}", ns / 1000000000,
				       (ns % 1000000000) / 1000, unmapped::to_string(e.type),
				       e.node);
	auto cost = [&] {
		return fmt::format(" dm_calls={} flushes={} splits_l2={} splits_l3={} duration_ns={}",
				   e.dm_calls, e.tlb_flushes, e.splits_l2, e.splits_l3,
				   e.duration.count());
	};
	switch (e.type) {
	case unmapped::EventType::refill:
	case unmapped::EventType::release:
		line += fmt::format(" order={} pages={} pfn={:#x} backend={}", e.order, e.pages,
				    e.pfn,
				    e.backend ? unmapped::to_string(*e.backend) : "unknown");
		line += cost();
		break;
	case unmapped::EventType::shrink:
		line += fmt::format(" requested={} released={}", e.requested, e.pages);
		line += cost();
		break;
	case unmapped::EventType::alloc_fail:
		line += fmt::format(" order={} error={}", e.order, errno_name(e.error));
		break;
	}
	if (e.lost)
		line += fmt::format(" lost={}", e.lost);
	return line;
}

std::string format_event_json(const unmapped::Event &e)
{
	std::string obj = fmt::format("{{\"time_ns\": {}, \"type\": {}, \"node\": {}",
				      e.time.count(), json_string(unmapped::to_string(e.type)),
				      e.node);
	auto cost = [&] {
		return fmt::format(", \"dm_calls\": {}, \"tlb_flushes\": {}, \"splits_l2\": {}, "
				   "\"splits_l3\": {}, \"duration_ns\": {}",
				   e.dm_calls, e.tlb_flushes, e.splits_l2, e.splits_l3,
				   e.duration.count());
	};
	switch (e.type) {
	case unmapped::EventType::refill:
	case unmapped::EventType::release:
		obj += fmt::format(", \"order\": {}, \"pages\": {}, \"pfn\": {}, \"backend\": {}",
				   e.order, e.pages, e.pfn,
				   json_string(e.backend ? unmapped::to_string(*e.backend)
							 : "unknown"));
		obj += cost();
		break;
	case unmapped::EventType::shrink:
		obj += fmt::format(", \"requested\": {}, \"released\": {}", e.requested, e.pages);
		obj += cost();
		break;
	case unmapped::EventType::alloc_fail:
		obj += fmt::format(", \"order\": {}, \"error\": {}", e.order,
				   json_string(errno_name(e.error)));
		break;
	}
	obj += fmt::format(", \"lost\": {}}}", e.lost);
	return obj;
}

int cmd_watch(Context &ctx, std::span<const std::string_view> args)
{
	WatchArgs a = parse_watch_args(args);
	if (a.help) {
		fmt::print(ctx.out, "{}", help);
		return exit_ok;
	}
	unmapped::EventWatcher watcher;
	SignalFd signals;
	fmt::print(ctx.err, "watching unmapped.ko events; SIGINT or SIGTERM stops\n");
	std::fflush(ctx.err);

	using clock = std::chrono::steady_clock;
	const auto end = clock::now() + std::chrono::milliseconds(a.timeout_ms.value_or(0));
	std::uint64_t seen = 0, overruns = 0;
	for (;;) {
		int wait_ms = -1;
		if (a.timeout_ms) {
			auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
				end - clock::now());
			if (left.count() <= 0)
				break;
			wait_ms = static_cast<int>(left.count()) + 1;
		}
		pollfd fds[] = {{.fd = watcher.fd(), .events = POLLIN, .revents = 0},
				{.fd = signals.fd(), .events = POLLIN, .revents = 0}};
		int n = ::poll(fds, 2, wait_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw unmapped::Error(errno, "wait for unmapped.ko events");
		if (fds[1].revents && signals.take())
			return exit_ok;
		if (!fds[0].revents)
			continue;
		for (const unmapped::Event &e : watcher.wait(std::chrono::milliseconds(0))) {
			fmt::print(ctx.out, "{}\n", ctx.json ? format_event_json(e) : format_event(e));
			if (a.count && ++seen == *a.count) {
				std::fflush(ctx.out);
				return exit_ok;
			}
		}
		std::fflush(ctx.out);
		if (watcher.overruns() != overruns) {
			overruns = watcher.overruns();
			fmt::print(ctx.err, "unmappedctl: watch: events lost: this program read too slowly\n");
		}
	}
	if (a.count) {
		fmt::print(ctx.err, "unmappedctl: watch: timed out after {} s with {} of {} events\n",
			   *a.timeout_ms / 1000, seen, *a.count);
		return exit_runtime;
	}
	return exit_ok;
}

} // namespace unmappedctl
