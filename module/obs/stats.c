// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats.c - the lists of obs_stats.h as data, for every place that
 * publishes statistics (debugfs, netlink): the names of the per-order
 * arrays and where they are in struct um_stats, and the values of the
 * shim's own counters.
 */
#include <linux/kernel.h>
#include <linux/stddef.h>

#include "front.h"
#include "obs.h"
#include "platform.h"
#include "secretfile.h"

static const struct {
	const char *name;
	size_t offset;
} um_order_stats[] = {
#define UM_ORDER_STAT_ENTRY(_name, _field, _desc)			\
	[UM_ORDER_STAT_##_name] = {					\
		.name = #_name,						\
		.offset = offsetof(struct um_stats, _field),		\
	},
	UM_ORDER_STAT_ITEMS(UM_ORDER_STAT_ENTRY)
#undef UM_ORDER_STAT_ENTRY
};

static const char *const um_shim_stat_names[] = {
#define UM_SHIM_STAT_NAME(_name, _desc) [UM_SHIM_STAT_##_name] = #_name,
	UM_SHIM_STAT_ITEMS(UM_SHIM_STAT_NAME)
#undef UM_SHIM_STAT_NAME
};

/** um_order_stat_name() - name of UM_ORDER_STAT_*; NULL if out of range. */
const char *um_order_stat_name(unsigned int item)
{
	return item < ARRAY_SIZE(um_order_stats) ? um_order_stats[item].name : NULL;
}

/**
 * um_order_stat() - one per-order array of a node's or the total counters.
 * @st: the counters.
 * @item: UM_ORDER_STAT_*.
 *
 * Return: UM_MAX_ORDER values, indexed by order.
 */
const u64 *um_order_stat(const struct um_stats *st, unsigned int item)
{
	return (const u64 *)((const char *)st + um_order_stats[item].offset);
}

/** um_shim_stat_name() - name of UM_SHIM_STAT_*; NULL if out of range. */
const char *um_shim_stat_name(unsigned int item)
{
	return item < ARRAY_SIZE(um_shim_stat_names) ? um_shim_stat_names[item] : NULL;
}

/**
 * um_shim_stats() - read every shim counter. [atomic]
 * @v: UM_SHIM_STAT_NR values, indexed by UM_SHIM_STAT_*.
 */
void um_shim_stats(u64 *v)
{
	v[UM_SHIM_STAT_refused_free_pages] =
		atomic64_read(&um_platform.refused_free_pages);
	v[UM_SHIM_STAT_dm_level_drops] =
		atomic64_read(&um_platform.dm_level_drops);
	v[UM_SHIM_STAT_alias_kept_pages] =
		atomic64_read(&um_platform.alias_kept_pages);
	um_front_stats(v);
	um_secret_stats(v);
	um_nl_events_stats(v);
}
