// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/events.hpp - what the module does, as it happens: blocks taken
 * from and given back to the page allocator, shrinks, failed allocations.
 *
 *   unmapped::EventWatcher watch;                  // subscribes
 *   for (;;)
 *           for (const unmapped::Event &e : watch.wait(std::chrono::seconds(1)))
 *                   use(e);
 *
 * Events come from the generic netlink group "events" of the family
 * "unmapped". Subscribing needs CAP_SYS_ADMIN (events carry page frame
 * numbers). The module never waits for a watcher: it drops what exceeds its
 * rate limit or queue and says so in Event::lost of the next event; a
 * watcher that reads too slowly loses events in its own socket buffer,
 * counted by overruns(). Allocations and frees themselves are not events
 * (too many); the tracepoints unmapped:alloc and unmapped:free have them.
 *
 * Errors throw unmapped::Error: ENOENT (module not loaded, or too old;
 * from wait(): unloaded since, once the events before that are handed
 * out), EPERM (not allowed to subscribe).
 * Thread safety: one thread at a time per EventWatcher.
 */
#ifndef UNMAPPED_EVENTS_HPP
#define UNMAPPED_EVENTS_HPP

#include <unmapped/version.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <unmapped/error.hpp>
#include <unmapped/types.hpp>

namespace unmapped {

namespace detail {
class Genl;
}

enum class EventType : std::uint32_t {
	refill = 1,	/* a block taken from the page allocator, unmapped */
	release = 2,	/* pages mapped back, returned to the page allocator */
	shrink = 3,	/* one shrink request done (memory pressure) */
	alloc_fail = 4,	/* an allocation failed */
};

/* "refill", "release", "shrink", "alloc_fail"; "unknown" otherwise. */
constexpr std::string_view to_string(EventType t) noexcept
{
	switch (t) {
	case EventType::refill:
		return "refill";
	case EventType::release:
		return "release";
	case EventType::shrink:
		return "shrink";
	case EventType::alloc_fail:
		return "alloc_fail";
	}
	return "unknown";
}

/* One event. Fields an event type does not have stay at their defaults. */
struct Event {
	EventType type{};
	int node = -1;
	std::chrono::nanoseconds time{};	/* CLOCK_MONOTONIC when it happened */
	std::uint64_t lost = 0;			/* dropped by the module just before */

	unsigned order = 0;			/* refill, release, alloc_fail */
	std::uint64_t pfn = 0;			/* refill, release: first page frame */
	std::uint64_t pages = 0;		/* refill, release; shrink: released */
	std::uint64_t requested = 0;		/* shrink: pages asked for */
	std::optional<Backend> backend;		/* refill, release */
	int error = 0;				/* alloc_fail: errno (positive) */

	/* Direct-map work it cost (refill, release, shrink). */
	std::uint64_t dm_calls = 0;		/* change calls */
	std::uint64_t tlb_flushes = 0;		/* all-CPU TLB flushes */
	std::uint64_t splits_l2 = 0;		/* 2M mappings split to 4K */
	std::uint64_t splits_l3 = 0;		/* 1G mappings split to 2M */
	std::chrono::nanoseconds duration{};
};

class UNMAPPED_API EventWatcher {
public:
	/* Subscribe to the events. */
	EventWatcher();
	EventWatcher(EventWatcher &&) noexcept;
	EventWatcher &operator=(EventWatcher &&) noexcept;
	EventWatcher(const EventWatcher &) = delete;
	EventWatcher &operator=(const EventWatcher &) = delete;
	~EventWatcher();

	/* Readable (poll()) when events wait; owned here, non-blocking. */
	int fd() const noexcept;

	/*
	 * The events that have arrived, waiting up to @timeout for the first
	 * (zero: do not wait; negative: no limit). Empty on timeout, or when
	 * a signal interrupted the wait. Throws ENOENT once the module is
	 * unloaded: a watcher never outlives the family it subscribed to (a
	 * module loaded again needs a new EventWatcher).
	 */
	std::vector<Event> wait(std::chrono::milliseconds timeout);

	/* Times the socket buffer overflowed and events were lost here. */
	std::uint64_t overruns() const noexcept;

private:
	std::unique_ptr<detail::Genl> genl_;
	std::uint64_t overruns_ = 0;
	bool gone_ = false;
};

} // namespace unmapped

#endif // UNMAPPED_EVENTS_HPP
