/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netlink.h - what netlink.c (the family, GET_STATS) and netlink_events.c
 * (the events group) share. The wire format is the UAPI header's.
 */
#ifndef UNMAPPED_SHIM_NETLINK_H
#define UNMAPPED_SHIM_NETLINK_H

#include <net/genetlink.h>

/* Multicast groups, indexes into the family's mcgrps[]. */
enum um_nl_group {
	UM_NL_GRP_EVENTS,
};

extern struct genl_family um_nl_family;

/* netlink_events.c: start once the family is registered, stop before
 * unregistering it (stop waits for sends in flight). [sleeps] */
void um_nl_events_start(void);
void um_nl_events_stop(void);

#endif /* UNMAPPED_SHIM_NETLINK_H */
