/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * obs_stats.h - the statistics the module publishes next to the core's
 * counters (UM_STAT_ITEMS, core_api.h): the core's per-order arrays under
 * their published names, and the shim's own counters.
 *
 * One list for every consumer, as UM_STAT_ITEMS is: debugfs "stats", the
 * netlink GET_STATS reply and doc/observing.md's table of counters (generated
 * by tools/counter-docs). The order here is the order they are shown in,
 * after the core's counters: per-order arrays, then the shim's counters.
 * Plain C, no includes: host tools expand it too.
 */
#ifndef UNMAPPED_SHIM_STATS_H
#define UNMAPPED_SHIM_STATS_H

/*
 * X(name, field, description): per-order arrays; @field is the array in
 * struct um_stats. Published as name_ORDER ("allocs_order_3").
 */
#define UM_ORDER_STAT_ITEMS(X)						\
	X(allocs_order,		allocs_by_order,			\
	  "blocks handed out, by order")				\
	X(frees_order,		frees_by_order,				\
	  "blocks given back, by order")				\
	X(refills_order,	refills_by_order,			\
	  "blocks taken from the page allocator, by order")		\
	X(free_blocks_order,	nr_free,				\
	  "free blocks in the cache now, by order")

/*
 * X(name, description): the shim's own counters, over the whole module
 * (only in the totals, not per node). Monotonic unless the description
 * says "now".
 */
#define UM_SHIM_STAT_ITEMS(X)						\
	X(refused_free_pages,						\
	  "pages the cache freed while still unmapped: kept out of the page allocator") \
	X(api_refused,							\
	  "in-kernel API calls refused before reaching the cache")	\
	X(dm_level_drops,						\
	  "2M chunks a range change covered whole and left split (never expected)") \
	X(shrink_empty,							\
	  "shrinker calls that released nothing although count reported pages") \
	X(oom_calls,							\
	  "OOM-killer notifications: each gave back every free page, min_cached_mb aside") \
	X(oom_pages,							\
	  "pages those notifications gave back (the kernel retried instead of killing)") \
	X(memcg_refused,						\
	  "__GFP_ACCOUNT allocations over the caller's memory cgroup limit") \
	X(memcg_charged_chunks,						\
	  "chunks the in-kernel API handed out with a memory cgroup charge, now") \
	X(alias_kept_pages,						\
	  "pages the kernel image's high mapping also maps: held until unload, never cached") \
	X(file_owners,							\
	  "(open file, process) pairs with regions now: the process's exit frees them") \
	X(owner_mms,							\
	  "processes whose exit is watched now (one mmu notifier each, for all files)") \
	X(owner_registrations,						\
	  "mmu notifiers registered (mm_take_all_locks() each): one per process at most") \
	X(secret_files,							\
	  "secret files (UNMAPPED_IOC_SECRET) open now: hibernation is refused meanwhile") \
	X(secret_files_created,						\
	  "secret files created")					\
	X(secret_pages,							\
	  "pages secret files hold now (taken on first touch)")		\
	X(events_queued,						\
	  "netlink events queued for the events group")		\
	X(events_sent,							\
	  "netlink events delivered to at least one listener")		\
	X(events_unsent,						\
	  "queued netlink events no listener took (gone, or receive buffer full)") \
	X(events_dropped_rate,						\
	  "netlink events dropped over the rate limit (parameter event_rate)") \
	X(events_dropped_full,						\
	  "netlink events dropped because the send queue was full")

enum um_order_stat_item {
#define UM_ORDER_STAT_ENUM(name, field, desc) UM_ORDER_STAT_##name,
	UM_ORDER_STAT_ITEMS(UM_ORDER_STAT_ENUM)
#undef UM_ORDER_STAT_ENUM
	UM_ORDER_STAT_NR
};

enum um_shim_stat_item {
#define UM_SHIM_STAT_ENUM(name, desc) UM_SHIM_STAT_##name,
	UM_SHIM_STAT_ITEMS(UM_SHIM_STAT_ENUM)
#undef UM_SHIM_STAT_ENUM
	UM_SHIM_STAT_NR
};

#endif /* UNMAPPED_SHIM_STATS_H */
