// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * events.cpp - unmapped::EventWatcher: the multicast group "events" over
 * libnl.
 */
#include <algorithm>
#include <cerrno>
#include <exception>
#include <limits>

#include <linux/unmapped.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>
#include <poll.h>

#include <unmapped/events.hpp>

#include "genl.hpp"

namespace unmapped {

/* EventType is the wire's enum unmapped_event_type. */
static_assert(static_cast<std::uint32_t>(EventType::refill) == UNMAPPED_EVENT_REFILL);
static_assert(static_cast<std::uint32_t>(EventType::release) == UNMAPPED_EVENT_RELEASE);
static_assert(static_cast<std::uint32_t>(EventType::shrink) == UNMAPPED_EVENT_SHRINK);
static_assert(static_cast<std::uint32_t>(EventType::alloc_fail) == UNMAPPED_EVENT_ALLOC_FAIL);

namespace {

constexpr const char *subscribe_what = "subscribe to unmapped.ko events";
constexpr const char *receive_what = "receive unmapped.ko events";
constexpr const char *unloaded_hint = "unmapped.ko was unloaded";

/* Datagrams read per wait(), so a busy stream cannot keep it forever. */
constexpr int max_reads = 1024;

std::uint64_t u64_or_0(nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

Event parse_event(nlmsghdr *nlh)
{
	nlattr *tb[UNMAPPED_A_MAX + 1];
	if (genlmsg_parse(nlh, 0, tb, UNMAPPED_A_MAX, detail::attr_policy()) < 0)
		throw Error(EPROTO, receive_what, "malformed event: bad attributes");
	if (!tb[UNMAPPED_A_EVENT_TYPE] || !tb[UNMAPPED_A_NODE])
		throw Error(EPROTO, receive_what, "malformed event: no type or node");

	Event e;
	/* A type from a newer module is passed on as is; to_string() says "unknown". */
	e.type = static_cast<EventType>(nla_get_u32(tb[UNMAPPED_A_EVENT_TYPE]));
	e.node = nla_get_s32(tb[UNMAPPED_A_NODE]);
	e.time = std::chrono::nanoseconds(u64_or_0(tb[UNMAPPED_A_TIME_NS]));
	e.lost = u64_or_0(tb[UNMAPPED_A_LOST]);
	if (tb[UNMAPPED_A_ORDER])
		e.order = nla_get_u32(tb[UNMAPPED_A_ORDER]);
	e.pfn = u64_or_0(tb[UNMAPPED_A_PFN]);
	e.pages = u64_or_0(tb[UNMAPPED_A_PAGES]);
	e.requested = u64_or_0(tb[UNMAPPED_A_REQUESTED]);
	if (tb[UNMAPPED_A_BACKEND])
		e.backend = static_cast<Backend>(nla_get_u32(tb[UNMAPPED_A_BACKEND]));
	if (tb[UNMAPPED_A_ERROR])
		e.error = -nla_get_s32(tb[UNMAPPED_A_ERROR]);
	e.dm_calls = u64_or_0(tb[UNMAPPED_A_DM_CALLS]);
	e.tlb_flushes = u64_or_0(tb[UNMAPPED_A_TLB_FLUSHES]);
	e.splits_l2 = u64_or_0(tb[UNMAPPED_A_SPLITS_L2]);
	e.splits_l3 = u64_or_0(tb[UNMAPPED_A_SPLITS_L3]);
	e.duration = std::chrono::nanoseconds(u64_or_0(tb[UNMAPPED_A_DURATION_NS]));
	return e;
}

struct Receive {
	std::vector<Event> *out = nullptr;
	int family = 0;
	bool gone = false;		/* the family was unregistered */
	std::exception_ptr thrown{};
};

/* Is @nlh nlctrl's notification that family @family is gone? */
bool family_deleted(nlmsghdr *nlh, int family)
{
	nlattr *tb[CTRL_ATTR_MAX + 1];
	if (genlmsg_hdr(nlh)->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, nullptr) < 0 || !tb[CTRL_ATTR_FAMILY_ID])
		return false;
	return nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == family;
}

int on_event(nl_msg *msg, void *arg)
{
	auto *r = static_cast<Receive *>(arg);
	nlmsghdr *nlh = nlmsg_hdr(msg);
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		r->gone |= family_deleted(nlh, r->family);
		return NL_SKIP;
	}
	if (nlh->nlmsg_type != r->family || genlmsg_hdr(nlh)->cmd != UNMAPPED_CMD_EVENT)
		return NL_SKIP;
	try {
		r->out->push_back(parse_event(nlh));
	} catch (...) {
		if (!r->thrown)
			r->thrown = std::current_exception();
	}
	return NL_OK;
}

} // namespace

EventWatcher::EventWatcher() : genl_(std::make_unique<detail::Genl>(subscribe_what))
{
	genl_->join(UNMAPPED_GENL_MCGRP_EVENTS, subscribe_what);
	nl_sock *sk = genl_->sock();
	/* nlctrl says when the family goes away (rmmod): nothing else would. */
	int notify = genl_ctrl_resolve_grp(sk, "nlctrl", "notify");
	if (notify < 0)
		throw Error(detail::nl_errno(notify), subscribe_what, nl_geterror(notify));
	if (int err = nl_socket_add_membership(sk, notify); err < 0)
		throw Error(detail::nl_errno(err), subscribe_what, nl_geterror(err));
	/* Notifications carry no sequence number of ours. */
	nl_socket_disable_seq_check(sk);
	if (int err = nl_socket_set_nonblocking(sk); err < 0)
		throw Error(detail::nl_errno(err), subscribe_what, nl_geterror(err));
}

EventWatcher::EventWatcher(EventWatcher &&) noexcept = default;
EventWatcher &EventWatcher::operator=(EventWatcher &&) noexcept = default;
EventWatcher::~EventWatcher() = default;

int EventWatcher::fd() const noexcept
{
	return genl_ ? nl_socket_get_fd(genl_->sock()) : -1;
}

std::uint64_t EventWatcher::overruns() const noexcept
{
	return overruns_;
}

std::vector<Event> EventWatcher::wait(std::chrono::milliseconds timeout)
{
	std::vector<Event> out;
	if (!genl_)
		throw Error(EBADF, receive_what, "moved-from EventWatcher");
	if (gone_)
		throw Error(ENOENT, receive_what, unloaded_hint);

	pollfd p{.fd = fd(), .events = POLLIN, .revents = 0};
	int ms = timeout.count() < 0 ? -1
				     : static_cast<int>(std::min<std::chrono::milliseconds::rep>(
					       timeout.count(), std::numeric_limits<int>::max()));
	int n = ::poll(&p, 1, ms);
	if (n < 0 && errno == EINTR)
		return out;
	if (n < 0)
		throw Error(errno, receive_what);
	if (n == 0)
		return out;

	nl_sock *sk = genl_->sock();
	Receive r{.out = &out, .family = genl_->family()};
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &r);
	/* @r lives only here: never leave the socket pointing at it. */
	struct Unhook {
		nl_sock *sk;
		~Unhook() { nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_DEFAULT, nullptr, nullptr); }
	} unhook{sk};
	for (int i = 0; i < max_reads; i++) {
		int err = nl_recvmsgs_default(sk);
		if (err == -NLE_AGAIN)
			break;
		/* ENOBUFS: the socket buffer overflowed; reading goes on. */
		if (err == -NLE_NOMEM) {
			overruns_++;
			continue;
		}
		if (err < 0 && err != -NLE_INTR)
			throw Error(detail::nl_errno(err), receive_what, nl_geterror(err));
	}
	if (r.thrown)
		std::rethrow_exception(r.thrown);
	/* Events that came before the end are handed out first. */
	gone_ = r.gone;
	if (gone_ && out.empty())
		throw Error(ENOENT, receive_what, unloaded_hint);
	return out;
}

} // namespace unmapped
