// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * genl.cpp - internal: the generic netlink family "unmapped" over libnl.
 */
#include "genl.hpp"

#include <cerrno>
#include <cstring>
#include <exception>

#include <linux/netlink.h>
#include <linux/unmapped.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <unmapped/error.hpp>

namespace unmapped::detail {

namespace {

struct NlCbDeleter {
	void operator()(nl_cb *cb) const noexcept { nl_cb_put(cb); }
};

std::string family_hint()
{
	return "is unmapped.ko loaded? (modules before the netlink interface "
	       "have only /sys/kernel/debug/unmapped)";
}

/*
 * The extended ACK message after @payload bytes of an NLMSG_ERROR or
 * NLMSG_DONE message, if the kernel sent one.
 */
std::string extack_message(const nlmsghdr *nlh, int payload)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || payload < 0 ||
	    nlmsg_datalen(nlh) < payload)
		return {};
	nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, nlmsg_attrdata(nlh, payload),
		      nlmsg_attrlen(nlh, payload), nullptr) < 0 ||
	    !tb[NLMSGERR_ATTR_MSG])
		return {};
	return std::string(nla_get_string(tb[NLMSGERR_ATTR_MSG]),
			   strnlen(nla_get_string(tb[NLMSGERR_ATTR_MSG]),
				   static_cast<std::size_t>(nla_len(tb[NLMSGERR_ATTR_MSG]))));
}

/* One request in flight: what the callbacks learn. */
struct Request {
	const std::function<void(nlmsghdr *)> *on_reply = nullptr;
	bool done = false;
	int error = 0;
	std::string extack{};
	std::exception_ptr thrown{};
};

int on_valid(nl_msg *msg, void *arg)
{
	auto *r = static_cast<Request *>(arg);
	if (r->thrown)
		return NL_SKIP;	/* drain the rest of the replies */
	try {
		(*r->on_reply)(nlmsg_hdr(msg));
	} catch (...) {
		r->thrown = std::current_exception();
	}
	return NL_OK;
}

int on_done(nl_msg *msg, void *arg)
{
	auto *r = static_cast<Request *>(arg);
	/* A dump that failed says so in NLMSG_DONE; libnl ignores that. */
	const nlmsghdr *nlh = nlmsg_hdr(msg);
	int err = 0;
	if (nlh->nlmsg_type == NLMSG_DONE &&
	    nlmsg_datalen(nlh) >= static_cast<int>(sizeof(err))) {
		std::memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			r->error = -err;
			r->extack = extack_message(nlh, NLMSG_ALIGN(sizeof(err)));
		}
	}
	r->done = true;
	return NL_STOP;
}

int on_error(sockaddr_nl *, nlmsgerr *e, void *arg)
{
	auto *r = static_cast<Request *>(arg);
	/* libnl hands over the payload of the NLMSG_ERROR message. */
	const auto *nlh = reinterpret_cast<const nlmsghdr *>(
		reinterpret_cast<const char *>(e) - NLMSG_HDRLEN);
	int payload = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		payload += static_cast<int>(NLMSG_ALIGN(e->msg.nlmsg_len)) - NLMSG_HDRLEN;
	r->error = e->error < 0 ? -e->error : EPROTO;
	r->extack = extack_message(nlh, payload);
	r->done = true;
	return NL_STOP;
}

struct AttrPolicy {
	nla_policy p[UNMAPPED_A_MAX + 1]{};

	AttrPolicy()
	{
		for (int a : {UNMAPPED_A_NODE, UNMAPPED_A_ERROR})
			p[a].type = NLA_S32;
		for (int a : {UNMAPPED_A_NR_NODES, UNMAPPED_A_BACKEND, UNMAPPED_A_EVENT_TYPE,
			      UNMAPPED_A_ORDER})
			p[a].type = NLA_U32;
		for (int a : {UNMAPPED_A_TIME_NS, UNMAPPED_A_LOST, UNMAPPED_A_PFN, UNMAPPED_A_PAGES,
			      UNMAPPED_A_REQUESTED, UNMAPPED_A_DM_CALLS, UNMAPPED_A_TLB_FLUSHES,
			      UNMAPPED_A_SPLITS_L2, UNMAPPED_A_SPLITS_L3, UNMAPPED_A_DURATION_NS})
			p[a].type = NLA_U64;
		p[UNMAPPED_A_STATS].type = NLA_NESTED;
	}
};
AttrPolicy attr_policy_table;

} // namespace

nla_policy *attr_policy() noexcept
{
	return attr_policy_table.p;
}

int nl_errno(int nle) noexcept
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_INTR:
		return EINTR;
	case NLE_BAD_SOCK:
		return EBADF;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_EXIST:
		return EEXIST;
	case NLE_INVAL:
		return EINVAL;
	case NLE_RANGE:
		return ERANGE;
	case NLE_MSGSIZE:
		return EMSGSIZE;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_NOADDR:
		return EADDRNOTAVAIL;
	case NLE_BUSY:
		return EBUSY;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_PERM:
		return EPERM;
	case NLE_NODEV:
		return ENODEV;
	default:
		return EPROTO;
	}
}

Genl::Genl(const std::string &what) : sock_(nl_socket_alloc())
{
	if (!sock_)
		throw Error(ENOMEM, what);
	if (int err = genl_connect(sock_.get()); err < 0)
		throw Error(nl_errno(err), what, nl_geterror(err));
	/* Errors with a reason: the kernel's extended ACK message. */
	int one = 1;
	int fd = nl_socket_get_fd(sock_.get());
	::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	::setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Replies of any size: libnl peeks at each before reading it. */
	nl_socket_enable_msg_peek(sock_.get());

	family_ = genl_ctrl_resolve(sock_.get(), UNMAPPED_GENL_NAME);
	if (family_ < 0) {
		int err = nl_errno(family_);
		throw Error(err, what, err == ENOENT ? family_hint() : nl_geterror(family_));
	}
}

NlMsg Genl::message(std::uint8_t cmd, int flags) const
{
	NlMsg msg(nlmsg_alloc());
	if (!msg || !genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0,
				 flags, cmd, UNMAPPED_GENL_VERSION))
		throw Error(ENOMEM, "build a netlink request");
	return msg;
}

void Genl::request(NlMsg msg, const std::function<void(nlmsghdr *)> &on_reply,
		   const std::string &what)
{
	std::lock_guard guard(request_lock_);
	if (int err = nl_send_auto(sock_.get(), msg.get()); err < 0)
		throw Error(nl_errno(err), what, nl_geterror(err));

	std::unique_ptr<nl_cb, NlCbDeleter> cb(nl_cb_alloc(NL_CB_DEFAULT));
	if (!cb)
		throw Error(ENOMEM, what);
	Request r{.on_reply = &on_reply};
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_done, &r);
	nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_done, &r);
	nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &r);
	while (!r.done) {
		int err = nl_recvmsgs(sock_.get(), cb.get());
		if (r.error)
			throw Error(r.error, what, r.extack);
		if (err < 0 && err != -NLE_INTR && err != -NLE_AGAIN)
			throw Error(nl_errno(err), what, nl_geterror(err));
	}
	if (r.thrown)
		std::rethrow_exception(r.thrown);
}

void Genl::join(const char *group, const std::string &what)
{
	int id = genl_ctrl_resolve_grp(sock_.get(), UNMAPPED_GENL_NAME, group);
	if (id < 0)
		throw Error(nl_errno(id), what, nl_geterror(id));
	if (int err = nl_socket_add_membership(sock_.get(), id); err < 0) {
		int e = nl_errno(err);
		throw Error(e, what, e == EPERM ? "needs CAP_SYS_ADMIN" : nl_geterror(err));
	}
}

} // namespace unmapped::detail
