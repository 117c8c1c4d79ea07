/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * um_genl.h - raw generic netlink for the netlink selftests: build any
 * message, well-formed or not, send it on a NETLINK_GENERIC socket and
 * read what comes back. Test code only: the library uses libnl; these
 * tests need to send what no library would. Header-only, like ksft.h.
 */
#ifndef UNMAPPED_UM_GENL_H
#define UNMAPPED_UM_GENL_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/unmapped.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define UM_GENL_BUF	65536

/* A message under construction. */
struct um_genl_msg {
	union {
		struct nlmsghdr nlh;
		char buf[8192];
	};
	size_t len;
};

/* What came back for one request. */
struct um_genl_reply {
	int error;		/* 0 (ACK or DONE), -errno, or 1: nothing came */
	int messages;		/* data messages before the end */
	int done;		/* ended by NLMSG_DONE (a dump) */
	char extack[256];	/* NLMSGERR_ATTR_MSG, if any */
};

/*
 * A bound NETLINK_GENERIC socket with extended ACKs. Bound, so it has a
 * port id even before it sends: multicasts skip sockets whose port id is
 * the sender's (0).
 */
static inline int um_genl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

static inline void um_genl_start(struct um_genl_msg *m, uint16_t type,
				 uint16_t flags, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = flags;
	m->nlh.nlmsg_seq = 1;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Append an attribute of any type and length (@data may be NULL: zeros). */
static inline struct nlattr *um_genl_put(struct um_genl_msg *m, uint16_t type,
					 const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (m->len + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(m->buf))
		return NULL;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (data)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
	return a;
}

static inline void um_genl_put_u32(struct um_genl_msg *m, uint16_t type, uint32_t v)
{
	um_genl_put(m, type, &v, sizeof(v));
}

/* Send @m, its nlmsg_len set to @len (the real length if 0). */
static inline int um_genl_send(int fd, struct um_genl_msg *m, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	m->nlh.nlmsg_len = len ? len : m->len;
	if (sendto(fd, m->buf, m->len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/* The extended ACK message of an NLMSG_ERROR or NLMSG_DONE, if any. */
static inline void um_genl_extack(const struct nlmsghdr *nlh, char *out, size_t size)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *a;

	out[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_DONE)	/* payload: the errno */
		off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	else if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		a = (const struct nlattr *)((const char *)nlh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			return;
		if (a->nla_type == NLMSGERR_ATTR_MSG) {
			snprintf(out, size, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Read until an ACK, an error or NLMSG_DONE, or @timeout_ms without
 * anything (then error = 1). @on_msg (may be NULL) sees each data message.
 */
static inline struct um_genl_reply
um_genl_recv(int fd, int timeout_ms, void (*on_msg)(const struct nlmsghdr *, void *),
	     void *arg)
{
	static char buf[UM_GENL_BUF];
	struct um_genl_reply r = { .error = 1 };
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (poll(&p, 1, timeout_ms) <= 0)
			return r;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			r.error = -errno;
			return r;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				r.error = e->error;
				um_genl_extack(nlh, r.extack, sizeof(r.extack));
				return r;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				r.error = *(const int *)NLMSG_DATA(nlh);
				r.done = 1;
				um_genl_extack(nlh, r.extack, sizeof(r.extack));
				return r;
			}
			r.messages++;
			if (on_msg)
				on_msg(nlh, arg);
			if (!(nlh->nlmsg_flags & NLM_F_MULTI)) {
				/* A reply to a "do": its ACK follows. */
				continue;
			}
		}
	}
}

/* The attribute @type among the attributes of a genl message, or NULL. */
static inline const struct nlattr *um_genl_attr(const struct nlmsghdr *nlh, int type)
{
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static inline const void *um_genl_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

struct um_genl_ids {
	uint16_t family;
	uint32_t events_group;
};

static void um_genl_ids_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct um_genl_ids *ids = arg;
	const struct nlattr *a = um_genl_attr(nlh, CTRL_ATTR_FAMILY_ID);
	const struct nlattr *grps = um_genl_attr(nlh, CTRL_ATTR_MCAST_GROUPS);
	const char *p, *end;

	if (a)
		ids->family = *(const uint16_t *)um_genl_data(a);
	if (!grps)
		return;
	/* MCAST_GROUPS: nests of (CTRL_ATTR_MCAST_GRP_NAME, _ID). */
	p = (const char *)um_genl_data(grps);
	end = (const char *)grps + grps->nla_len;
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *g = (const struct nlattr *)p;
		const char *q = (const char *)um_genl_data(g), *gend = p + g->nla_len;
		const char *name = NULL;
		uint32_t id = 0;

		if (g->nla_len < NLA_HDRLEN)
			break;
		while (q + NLA_HDRLEN <= gend) {
			const struct nlattr *x = (const struct nlattr *)q;

			if (x->nla_len < NLA_HDRLEN)
				break;
			if (x->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				name = um_genl_data(x);
			else if (x->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = *(const uint32_t *)um_genl_data(x);
			q += NLA_ALIGN(x->nla_len);
		}
		if (name && !strcmp(name, UNMAPPED_GENL_MCGRP_EVENTS))
			ids->events_group = id;
		p += NLA_ALIGN(g->nla_len);
	}
}

/* The family id and events group of "unmapped"; 0 or -errno. */
static inline int um_genl_resolve(int fd, struct um_genl_ids *ids)
{
	struct um_genl_msg m;
	struct um_genl_reply r;

	memset(ids, 0, sizeof(*ids));
	um_genl_start(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	um_genl_put(&m, CTRL_ATTR_FAMILY_NAME, UNMAPPED_GENL_NAME, sizeof(UNMAPPED_GENL_NAME));
	if (um_genl_send(fd, &m, 0) < 0)
		return -errno;
	r = um_genl_recv(fd, 2000, um_genl_ids_cb, ids);
	if (r.error)
		return r.error < 0 ? r.error : -ETIMEDOUT;
	return ids->family && ids->events_group ? 0 : -ENOENT;
}

#endif /* UNMAPPED_UM_GENL_H */
