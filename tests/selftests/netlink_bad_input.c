// SPDX-License-Identifier: GPL-2.0-only
/*
 * netlink_bad_input - the generic netlink family "unmapped" against wrong
 * and hostile requests, sent raw on NETLINK_GENERIC sockets:
 *
 *   - malformed requests each get their netlink error (missing, oversized,
 *     wrongly typed or unknown attributes, unknown commands, the event
 *     command sent as a request, bad header fields and flags, truncated
 *     messages), with an extended ACK message where it helps;
 *   - dumps interrupted mid-way (closed unread, read with a tiny buffer, a
 *     second dump while one is running) leave the family working;
 *   - an unprivileged process may read statistics but not join "events";
 *   - a bounded random fuzz (UM_FUZZ_ROUNDS requests, default 3000, seed
 *     UM_SEED) of commands, flags, versions, attribute types, lengths,
 *     nesting and message lengths: afterwards the family still answers
 *     correctly (the runner fails the test on any oops or WARN).
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "lib/ksft.h"
#include "lib/um_genl.h"

static struct um_genl_ids ids;

/* One request of the family: cmd, flags, then attributes by the caller. */
static void start(struct um_genl_msg *m, uint8_t cmd, uint16_t flags)
{
	um_genl_start(m, ids.family, NLM_F_REQUEST | NLM_F_ACK | flags, cmd,
		      UNMAPPED_GENL_VERSION);
}

static struct um_genl_reply ask(int fd, struct um_genl_msg *m, size_t len)
{
	struct um_genl_reply r = { .error = 1 };

	if (um_genl_send(fd, m, len) < 0) {
		r.error = -errno;
		return r;
	}
	return um_genl_recv(fd, 3000, NULL, NULL);
}

/* expect DESC: the request in @m gets -@err (0: success) and, if @msg, an
 * extended ACK containing it. */
static void expect(int fd, struct um_genl_msg *m, int err, const char *msg,
		   const char *desc)
{
	struct um_genl_reply r = ask(fd, m, 0);
	bool ok = r.error == -err && (!msg || strstr(r.extack, msg));

	ksft_test(ok, "%s: %s%s%s%s", desc, err ? strerrorname_np(err) : "ok",
		  msg ? " \"" : "", msg ? msg : "", msg ? "\"" : "");
	if (!ok)
		ksft_diag("got error %d (%s), extack \"%s\"", r.error,
			  r.error <= 0 ? strerrorname_np(-r.error) : "no reply", r.extack);
}

static void malformed(int fd)
{
	struct um_genl_msg m;
	int32_t node;
	uint8_t u8 = 0;
	uint64_t u64 = 0;

	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	expect(fd, &m, 0, NULL, "GET_STATS without attributes");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	node = 0;
	um_genl_put(&m, UNMAPPED_A_NODE, &node, sizeof(node));
	expect(fd, &m, 0, NULL, "GET_STATS of node 0");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	node = 4000;
	um_genl_put(&m, UNMAPPED_A_NODE, &node, sizeof(node));
	expect(fd, &m, ENODEV, "no such NUMA node", "GET_STATS of node 4000");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	node = -2;
	um_genl_put(&m, UNMAPPED_A_NODE, &node, sizeof(node));
	expect(fd, &m, ERANGE, "out of range", "GET_STATS of node -2");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	um_genl_put(&m, UNMAPPED_A_NODE, &u8, sizeof(u8));
	expect(fd, &m, EINVAL, NULL, "NODE of 1 byte (too short)");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	um_genl_put(&m, UNMAPPED_A_NODE, &u64, sizeof(u64));
	expect(fd, &m, EINVAL, NULL, "NODE of 8 bytes (oversized)");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	um_genl_put(&m, UNMAPPED_A_STATS, NULL, 0);
	expect(fd, &m, EINVAL, NULL, "a reply attribute in a request (STATS)");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	um_genl_put(&m, UNMAPPED_A_PAD, NULL, 0);
	expect(fd, &m, EINVAL, NULL, "the PAD attribute");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	um_genl_put_u32(&m, 200, 1);
	expect(fd, &m, EINVAL, NULL, "an unknown attribute type (200)");
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	um_genl_put(&m, UNMAPPED_A_NODE | NLA_F_NESTED, &node, sizeof(node));
	expect(fd, &m, EINVAL, NULL, "NODE flagged as nested");

	start(&m, UNMAPPED_CMD_EVENT, 0);
	expect(fd, &m, EOPNOTSUPP, NULL, "the EVENT command as a request");
	start(&m, UNMAPPED_CMD_UNSPEC, 0);
	expect(fd, &m, EOPNOTSUPP, NULL, "command 0");
	start(&m, 77, 0);
	expect(fd, &m, EOPNOTSUPP, NULL, "an unknown command (77)");

	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->reserved = 1;
	expect(fd, &m, EINVAL, "reserved", "genlmsghdr.reserved not 0");
	start(&m, UNMAPPED_CMD_GET_STATS, NLM_F_ROOT);
	expect(fd, &m, EINVAL, "reserved bits", "NLM_F_ROOT without NLM_F_MATCH");
	start(&m, UNMAPPED_CMD_GET_STATS, NLM_F_DUMP);
	node = 4000;
	um_genl_put(&m, UNMAPPED_A_NODE, &node, sizeof(node));
	expect(fd, &m, ENODEV, "no such NUMA node", "dump of node 4000");
	start(&m, UNMAPPED_CMD_GET_STATS, NLM_F_DUMP);
	um_genl_put_u32(&m, UNMAPPED_A_BACKEND, 0);
	expect(fd, &m, EINVAL, NULL, "dump with a reply attribute (BACKEND)");

	/* An attribute claiming more bytes than the message has. */
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	um_genl_put(&m, UNMAPPED_A_NODE, &node, sizeof(node))->nla_len = 64;
	expect(fd, &m, EINVAL, NULL, "an attribute longer than the message");
	/* A message too short for its genetlink header. */
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	m.len = NLMSG_HDRLEN + 2;
	expect(fd, &m, EINVAL, NULL, "a message without a whole genetlink header");
}

static void count_nodes(const struct nlmsghdr *nlh, void *arg)
{
	if (nlh->nlmsg_type == ids.family && um_genl_attr(nlh, UNMAPPED_A_NODE))
		(*(int *)arg)++;
}

static void interrupted_dumps(void)
{
	struct um_genl_msg m;
	struct um_genl_reply r, r2;
	char tiny[64];
	int fd, nodes = 0, i;

	/* Started, never read, closed: 20 times. */
	for (i = 0; i < 20; i++) {
		fd = um_genl_socket();
		start(&m, UNMAPPED_CMD_GET_STATS, NLM_F_DUMP);
		um_genl_send(fd, &m, 0);
		close(fd);
	}
	/* Read with a buffer too small for one message (MSG_TRUNC), closed. */
	fd = um_genl_socket();
	start(&m, UNMAPPED_CMD_GET_STATS, NLM_F_DUMP);
	um_genl_send(fd, &m, 0);
	ksft_test(recv(fd, tiny, sizeof(tiny), MSG_TRUNC) > (ssize_t)sizeof(tiny),
		  "a dump read with a 64-byte buffer is truncated, not stuck");
	close(fd);
	/* A second dump while the first is not finished: EBUSY, then both end. */
	fd = um_genl_socket();
	start(&m, UNMAPPED_CMD_GET_STATS, NLM_F_DUMP);
	um_genl_send(fd, &m, 0);
	usleep(100000);
	start(&m, UNMAPPED_CMD_GET_STATS, NLM_F_DUMP);
	m.nlh.nlmsg_seq = 2;
	um_genl_send(fd, &m, 0);
	/* Its error and the first dump's end come in either order. */
	r = um_genl_recv(fd, 3000, count_nodes, &nodes);
	r2 = um_genl_recv(fd, 3000, count_nodes, &nodes);
	if (!r.done) {
		struct um_genl_reply t = r;

		r = r2;
		r2 = t;
	}
	ksft_test(r.done && r.error == 0 && nodes >= 1,
		  "the first dump completes (%d node messages)", nodes);
	ksft_test(r2.error == -EBUSY,
		  "a second dump on the same socket meanwhile: EBUSY (got %d)", r2.error);
	close(fd);

	fd = um_genl_socket();
	nodes = 0;
	start(&m, UNMAPPED_CMD_GET_STATS, NLM_F_DUMP);
	um_genl_send(fd, &m, 0);
	r = um_genl_recv(fd, 3000, count_nodes, &nodes);
	ksft_test(r.done && !r.error && nodes >= 1,
		  "after interrupted dumps a new dump works (%d nodes)", nodes);
	close(fd);
}

/* In a child that dropped root: stats yes, events no. */
static void unprivileged(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct um_genl_msg m;
		struct um_genl_reply r;
		int fd, err, grp = (int)ids.events_group;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(10);
		fd = um_genl_socket();
		start(&m, UNMAPPED_CMD_GET_STATS, 0);
		r = ask(fd, &m, 0);
		if (r.error)
			_exit(11);
		err = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp));
		_exit(err < 0 && errno == EPERM ? 0 : 12);
	}
	waitpid(pid, &status, 0);
	/* Only a test not run as root has no root to drop. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 10 && geteuid() != 0) {
		ksft_skip("not root: cannot become nobody", "unprivileged access");
		return;
	}
	ksft_test(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "as nobody: GET_STATS works, joining \"events\" is EPERM (child status %d)",
		  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)random() % n : 0;
}

/*
 * What one fuzz request got: its error (0: ACK/DONE 0), 1 if nothing came
 * for it (the kernel drops messages without NLM_F_REQUEST or with a bad
 * length silently), 2 if the kernel did not finish answering. A NOOP
 * request with an ACK follows it: once that is acked and no dump of the
 * fuzz request is open, nothing more will come, so no timeouts are needed.
 */
static int fuzz_exchange(int fd, struct um_genl_msg *m, size_t len, uint32_t seq)
{
	static char buf[UM_GENL_BUF];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	bool acked = false, open_dump = false;
	struct um_genl_msg noop;
	int result = 1;

	m->nlh.nlmsg_seq = seq;
	if (um_genl_send(fd, m, len) < 0)
		return 1;
	um_genl_start(&noop, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 0, 0);
	noop.nlh.nlmsg_seq = seq + 1;
	if (um_genl_send(fd, &noop, 0) < 0)
		return 2;
	while (!acked || open_dump) {
		struct nlmsghdr *nlh;
		ssize_t n;
		int left;

		if (poll(&p, 1, 5000) <= 0)
			return 2;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		left = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_seq == seq + 1 && nlh->nlmsg_type == NLMSG_ERROR) {
				acked = true;
			} else if (nlh->nlmsg_seq != seq) {
				continue;	/* left over from a garbled message */
			} else if (nlh->nlmsg_type == NLMSG_ERROR) {
				result = ((const struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				result = *(const int *)NLMSG_DATA(nlh);
				open_dump = false;
			} else if (nlh->nlmsg_flags & NLM_F_MULTI) {
				open_dump = true;
			}
		}
	}
	return result;
}

static void fuzz(int fd, unsigned int rounds)
{
	static const uint16_t flag_bits[] = {
		NLM_F_ACK, NLM_F_DUMP, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ECHO,
		NLM_F_ATOMIC, NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE,
	};
	unsigned int i, replies = 0, silent = 0, stuck = 0, histogram[140] = { 0 };
	struct um_genl_msg m;
	char payload[512];

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (char)random();
	for (i = 0; i < rounds; i++) {
		uint16_t flags = rnd(8) ? NLM_F_REQUEST : 0;
		uint8_t cmd = rnd(4) ? (uint8_t)rnd(4) : (uint8_t)rnd(256);
		unsigned int j, nattrs = rnd(6);
		size_t len = 0;
		int result;

		for (j = 0; j < 3; j++)
			if (!rnd(3))
				flags |= flag_bits[rnd(sizeof(flag_bits) / sizeof(flag_bits[0]))];
		um_genl_start(&m, ids.family, flags, cmd,
			      rnd(8) ? UNMAPPED_GENL_VERSION : (uint8_t)rnd(256));
		if (!rnd(16))
			((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->reserved = (uint16_t)random();
		for (j = 0; j < nattrs; j++) {
			uint16_t type = rnd(3) ? (uint16_t)rnd(UNMAPPED_A_MAX + 2) : (uint16_t)random();
			size_t alen = rnd(3) ? rnd(9) : rnd(sizeof(payload));
			struct nlattr *a;

			if (rnd(2) && alen >= 4) {
				int32_t v = rnd(2) ? (int32_t)rnd(4) - 1 : (int32_t)random();

				memcpy(payload, &v, sizeof(v));
			}
			a = um_genl_put(&m, type, payload, alen);
			/* Sometimes a nest with junk inside, or a lying length. */
			if (a && !rnd(6)) {
				a->nla_type |= NLA_F_NESTED;
				if (alen >= NLA_HDRLEN)
					((struct nlattr *)((char *)a + NLA_HDRLEN))->nla_len =
						(uint16_t)rnd(64);
			}
			if (a && !rnd(12))
				a->nla_len = (uint16_t)rnd(80);
		}
		if (!rnd(10))
			len = rnd((unsigned int)m.len + 16);	/* nlmsg_len lies */
		result = fuzz_exchange(fd, &m, len, 2 * i + 10);
		if (result == 1) {
			silent++;
		} else if (result == 2) {
			stuck++;
		} else {
			replies++;
			if (result <= 0 && -result < 140)
				histogram[-result]++;
		}
	}
	ksft_diag("fuzz: %u requests, %u answered, %u unanswered (no NLM_F_REQUEST or bad length)",
		  rounds, replies, silent);
	for (i = 0; i < 140; i++)
		if (histogram[i])
			ksft_diag("fuzz:   %-12s %u", i ? strerrorname_np((int)i) : "ok", histogram[i]);
	ksft_test(replies > rounds / 2 && !stuck,
		  "fuzz: %u random requests, %u answered, %u left unfinished", rounds, replies, stuck);
}

int main(void)
{
	const char *s = getenv("UM_FUZZ_ROUNDS"), *seed_s = getenv("UM_SEED");
	unsigned int rounds = s ? (unsigned int)atoi(s) : 3000;
	unsigned int seed = seed_s ? (unsigned int)atoi(seed_s) : (unsigned int)time(NULL);
	struct um_genl_msg m;
	int fd, err;

	fd = um_genl_socket();
	if (fd < 0)
		ksft_exit_fail("no NETLINK_GENERIC socket: %s", strerror(-fd));
	err = um_genl_resolve(fd, &ids);
	if (err)
		ksft_exit_fail("generic netlink family %s not found (%s): is unmapped.ko loaded?",
			       UNMAPPED_GENL_NAME, strerror(-err));
	ksft_plan(0);
	ksft_diag("family %u, events group %u, seed %u", ids.family, ids.events_group, seed);
	srandom(seed);

	malformed(fd);
	interrupted_dumps();
	unprivileged();
	fuzz(fd, rounds);
	close(fd);

	fd = um_genl_socket();
	start(&m, UNMAPPED_CMD_GET_STATS, 0);
	expect(fd, &m, 0, NULL, "after all that, GET_STATS still works");
	close(fd);
	ksft_exit();
}
