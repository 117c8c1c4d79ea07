// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * genl.hpp - internal: the module's generic netlink family through
 * libnl-genl-3. One socket per object (RAII), requests with their replies,
 * kernel errors with their extended ACK message, multicast membership.
 * Nothing here encodes or decodes netlink by hand: libnl does.
 */
#ifndef UNMAPPED_SRC_GENL_HPP
#define UNMAPPED_SRC_GENL_HPP

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

namespace unmapped::detail {

struct NlSockDeleter {
	void operator()(nl_sock *s) const noexcept { nl_socket_free(s); }
};
struct NlMsgDeleter {
	void operator()(nl_msg *m) const noexcept { nlmsg_free(m); }
};
using NlMsg = std::unique_ptr<nl_msg, NlMsgDeleter>;

/* The errno closest to a libnl error code (NLE_*, either sign). */
int nl_errno(int nle) noexcept;

/*
 * libnl's policy for the family's top-level attributes (UNMAPPED_A_*, one
 * space for replies and events): their types, so libnl checks lengths.
 */
nla_policy *attr_policy() noexcept;

class Genl {
public:
	/*
	 * Connect a generic netlink socket and look the family up. Throws
	 * Error: ENOENT when the family is absent (module not loaded, or a
	 * module without it), with @what as the operation.
	 */
	explicit Genl(const std::string &what);
	Genl(const Genl &) = delete;
	Genl &operator=(const Genl &) = delete;

	nl_sock *sock() const noexcept { return sock_.get(); }
	/* The family's id: the nlmsg_type of its messages. */
	int family() const noexcept { return family_; }

	/* A request @cmd to the family; @flags e.g. NLM_F_DUMP. */
	NlMsg message(std::uint8_t cmd, int flags) const;

	/*
	 * Send @msg and give every reply to @on_reply until the kernel says
	 * it is done (ACK, or the end of a dump). Throws Error: the kernel's
	 * errno with its extended ACK message as the hint, or what
	 * @on_reply threw (after the rest of the replies are read).
	 * Thread-safe: requests on one socket take turns.
	 */
	void request(NlMsg msg, const std::function<void(nlmsghdr *)> &on_reply,
		     const std::string &what);

	/* Join the family's multicast group @group (EPERM: not allowed). */
	void join(const char *group, const std::string &what);

private:
	std::unique_ptr<nl_sock, NlSockDeleter> sock_;
	int family_ = 0;
	std::mutex request_lock_;
};

} // namespace unmapped::detail

#endif // UNMAPPED_SRC_GENL_HPP
