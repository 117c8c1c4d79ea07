/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * obs.h - observability (module/obs): where core events go, the published
 * counters, the netlink family and debugfs, each set up by main.c.
 */
#ifndef UNMAPPED_OBS_H
#define UNMAPPED_OBS_H

#include <linux/types.h>

#include "core_api.h"
#include "obs_stats.h"

/* consumers of core events, called by plat/linux/events.c, each [atomic] */
void um_trace_event(const struct um_event *ev);
void um_nl_event(const struct um_event *ev);
/* would the consumer take an event of @type now? [atomic] */
bool um_trace_wanted(enum um_event_type type);
bool um_nl_event_wanted(enum um_event_type type);

/* stats.c: per-order arrays and the shim's counters (obs_stats.h) */
const char *um_order_stat_name(unsigned int item);
const u64 *um_order_stat(const struct um_stats *st, unsigned int item);
const char *um_shim_stat_name(unsigned int item);
void um_shim_stats(u64 *v);
void um_nl_events_stats(u64 *v);

/* netlink.c: the generic netlink family "unmapped" */
int um_nl_init(struct um_cache *cache);
void um_nl_exit(void);

/* debugfs.c */
void um_debugfs_init(struct um_cache *cache);
void um_debugfs_exit(void);

#endif /* UNMAPPED_OBS_H */
