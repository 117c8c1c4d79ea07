// SPDX-License-Identifier: GPL-2.0-only
/*
 * events.c - um_plat_event(): hands each core event to every consumer.
 *
 * A consumer is one function taking the event; it runs in the core's
 * context, which may be atomic (a free from an interrupt), so it must not
 * sleep. A new consumer is one more entry in um_event_consumers[].
 */
#include <linux/kernel.h>

#include "obs.h"
#include "platform.h"

typedef void (*um_event_consumer_t)(const struct um_event *ev);

static const um_event_consumer_t um_event_consumers[] = {
	um_trace_event,
	um_nl_event,	/* netlink_events.c: the "events" multicast group */
};

bool um_plat_event_wanted(struct um_platform *p, enum um_event_type type)
{
	return um_trace_wanted(type) || um_nl_event_wanted(type);
}

void um_plat_event(struct um_platform *p, const struct um_event *ev)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(um_event_consumers); i++)
		um_event_consumers[i](ev);
}
