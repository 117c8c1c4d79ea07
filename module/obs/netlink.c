// SPDX-License-Identifier: GPL-2.0-only
/*
 * netlink.c - the generic netlink family "unmapped": UNMAPPED_CMD_GET_STATS
 * (do: the totals or one node; dump: one message per node) and the
 * "events" multicast group that netlink_events.c feeds.
 *
 * The wire format and its rules are in include/uapi/linux/unmapped.h.
 * Requests are validated strictly by the genetlink core against a per
 * command policy; the handlers only read counters (um_cache_stats() is
 * [atomic] and takes each node's lock briefly), so they run in parallel
 * and never wait for the allocator.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <uapi/linux/unmapped.h>

#include "compat.h"
#include "netlink.h"
#include "obs.h"

/* Payload of a GET_STATS reply, computed once at init (names never change). */
static size_t um_nl_stats_size __ro_after_init;
static struct um_cache *um_nl_cache __ro_after_init;	/* from um_nl_init() */

static size_t um_nl_stat_size(const char *name, bool per_order)
{
	return nla_total_size(0) +			/* UNMAPPED_A_STATS_ENTRY */
	       nla_total_size(strlen(name) + 1) +	/* _NAME */
	       nla_total_size_64bit(sizeof(u64)) +	/* _VALUE */
	       (per_order ? nla_total_size(sizeof(u32)) : 0);
}

static size_t um_nl_compute_stats_size(void)
{
	size_t size = nla_total_size(sizeof(s32)) +	/* UNMAPPED_A_NODE */
		      nla_total_size(sizeof(u32)) +	/* _NR_NODES */
		      nla_total_size(sizeof(u32)) +	/* _BACKEND */
		      nla_total_size(0);		/* _STATS */
	unsigned int i;

	for (i = 0; i < UM_STAT_NR; i++)
		size += um_nl_stat_size(um_stat_name(i), false);
	for (i = 0; i < UM_ORDER_STAT_NR; i++)
		size += UM_MAX_ORDER * um_nl_stat_size(um_order_stat_name(i), true);
	for (i = 0; i < UM_SHIM_STAT_NR; i++)
		size += um_nl_stat_size(um_shim_stat_name(i), false);
	return size;
}

static int um_nl_put_stat(struct sk_buff *skb, const char *name, u64 value,
			  int order)
{
	struct nlattr *entry = nla_nest_start(skb, UNMAPPED_A_STATS_ENTRY);

	if (!entry)
		return -EMSGSIZE;
	if (nla_put_string(skb, UNMAPPED_STAT_A_NAME, name) ||
	    nla_put_u64_64bit(skb, UNMAPPED_STAT_A_VALUE, value,
			      UNMAPPED_STAT_A_PAD) ||
	    (order >= 0 && nla_put_u32(skb, UNMAPPED_STAT_A_ORDER, order))) {
		nla_nest_cancel(skb, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, entry);
	return 0;
}

/* The counters of @st in debugfs order; with @shim, the shim's own too. */
static int um_nl_put_stats(struct sk_buff *skb, const struct um_stats *st,
			   bool shim)
{
	struct nlattr *nest = nla_nest_start(skb, UNMAPPED_A_STATS);
	u64 sv[UM_SHIM_STAT_NR];
	unsigned int i, order;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < UM_STAT_NR; i++)
		if (um_nl_put_stat(skb, um_stat_name(i), st->v[i], -1))
			goto cancel;
	for (i = 0; i < UM_ORDER_STAT_NR; i++)
		for (order = 0; order < UM_MAX_ORDER; order++)
			if (um_nl_put_stat(skb, um_order_stat_name(i),
					   um_order_stat(st, i)[order], order))
				goto cancel;
	if (shim) {
		um_shim_stats(sv);
		for (i = 0; i < UM_SHIM_STAT_NR; i++)
			if (um_nl_put_stat(skb, um_shim_stat_name(i), sv[i], -1))
				goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* One GET_STATS message: node @nid (UM_NUMA_NO_NODE: the totals). */
static int um_nl_fill_stats(struct sk_buff *skb, u32 portid, u32 seq,
			    int flags, int nid, const struct um_stats *st)
{
	bool totals = nid == UM_NUMA_NO_NODE;
	struct um_config cfg;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &um_nl_family, flags,
			  UNMAPPED_CMD_GET_STATS);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_s32(skb, UNMAPPED_A_NODE, nid))
		goto cancel;
	if (totals) {
		um_cache_get_config(um_nl_cache, &cfg);
		if (nla_put_u32(skb, UNMAPPED_A_NR_NODES,
				um_cache_nodes(um_nl_cache)) ||
		    nla_put_u32(skb, UNMAPPED_A_BACKEND, cfg.backend) ||
		    nla_put_u32(skb, UNMAPPED_A_ORDER, UM_PMD_ORDER))
			goto cancel;
	}
	if (um_nl_put_stats(skb, st, totals))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int um_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *node = info->attrs[UNMAPPED_A_NODE];
	int nid = node ? nla_get_s32(node) : UM_NUMA_NO_NODE;
	struct um_stats *st;
	struct sk_buff *msg;
	int err;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	err = um_cache_stats(um_nl_cache, nid, st);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, node, "no such NUMA node");
		goto free_stats;
	}
	err = -ENOMEM;
	msg = genlmsg_new(um_nl_stats_size, GFP_KERNEL);
	if (!msg)
		goto free_stats;
	err = um_nl_fill_stats(msg, info->snd_portid, info->snd_seq, 0, nid, st);
	if (WARN_ON_ONCE(err)) {	/* um_nl_stats_size is wrong */
		nlmsg_free(msg);
		goto free_stats;
	}
	err = genlmsg_reply(msg, info);

free_stats:
	kfree(st);
	return err;
}

/*
 * The dump's messages are big (every counter with its name): make the
 * netlink core allocate room for at least one, whatever the reader's buffer.
 */
static int um_nl_get_stats_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = genlmsg_total_size(um_nl_stats_size);
	return 0;
}

/*
 * cb->args[0]: the next node to send; cb->args[1]: one past the last node
 * (0 until the first call has read the request).
 */
static int um_nl_get_stats_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct nlattr *node = um_compat_genl_dump_attrs(cb)[UNMAPPED_A_NODE];
	struct um_cache *cache = um_nl_cache;
	struct um_stats *st;
	int nid, err = 0;

	if (!cb->args[1]) {
		cb->args[0] = 0;
		cb->args[1] = um_cache_nodes(cache);
		if (node && nla_get_s32(node) != UM_NUMA_NO_NODE) {
			nid = nla_get_s32(node);
			if (nid >= um_cache_nodes(cache)) {
				NL_SET_ERR_MSG_ATTR(cb->extack, node,
						    "no such NUMA node");
				return -ENODEV;
			}
			cb->args[0] = nid;
			cb->args[1] = nid + 1;
		}
	}

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	for (nid = cb->args[0]; nid < cb->args[1]; nid++) {
		err = um_cache_stats(cache, nid, st);
		if (err)
			break;
		err = um_nl_fill_stats(skb, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, nid, st);
		if (err)
			break;	/* the next call continues with @nid */
	}
	kfree(st);
	cb->args[0] = nid;
	/* Nothing fits even in an empty skb: cannot happen (min_dump_alloc). */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static const struct nla_policy um_nl_get_stats_policy[UNMAPPED_A_NODE + 1] = {
	[UNMAPPED_A_NODE] = NLA_POLICY_MIN(NLA_S32, UM_NUMA_NO_NODE),
};

static const struct genl_ops um_nl_ops[] = {
	{
		.cmd = UNMAPPED_CMD_GET_STATS,
		.doit = um_nl_get_stats_doit,
		.start = um_nl_get_stats_start,
		.dumpit = um_nl_get_stats_dumpit,
		.policy = um_nl_get_stats_policy,
		.maxattr = ARRAY_SIZE(um_nl_get_stats_policy) - 1,
	},
};

static const struct genl_multicast_group um_nl_mcgrps[] = {
	[UM_NL_GRP_EVENTS] = {
		.name = UNMAPPED_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_SYS_ADMIN,	/* events carry pfns */
	},
};

struct genl_family um_nl_family __ro_after_init = {
	.name = UNMAPPED_GENL_NAME,
	.version = UNMAPPED_GENL_VERSION,
	.netnsok = false,	/* one cache per machine: the initial netns */
	.parallel_ops = true,	/* handlers only read counters */
	.module = THIS_MODULE,
	.ops = um_nl_ops,
	.n_ops = ARRAY_SIZE(um_nl_ops),
	.mcgrps = um_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(um_nl_mcgrps),
	/* resv_start_op 0: every command is validated strictly. */
};

/**
 * um_nl_init() - register the family and start sending events. [sleeps]
 * @cache: the cache, until um_nl_exit().
 *
 * Return: 0 or the genetlink error.
 */
int um_nl_init(struct um_cache *cache)
{
	int err;

	um_nl_cache = cache;
	um_nl_stats_size = um_nl_compute_stats_size();
	err = genl_register_family(&um_nl_family);
	if (err) {
		pr_err("cannot register generic netlink family %s (%d)\n",
		       UNMAPPED_GENL_NAME, err);
		return err;
	}
	um_nl_events_start();
	return 0;
}

/**
 * um_nl_exit() - stop events and unregister the family; requests in
 * progress finish first, and an unfinished dump holds a module reference,
 * so none runs after this. [sleeps]
 */
void um_nl_exit(void)
{
	um_nl_events_stop();
	genl_unregister_family(&um_nl_family);
}
