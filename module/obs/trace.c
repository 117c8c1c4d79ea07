// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace.c - instantiates the tracepoints of trace.h and maps core events
 * onto them.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"

#include "obs.h"

/** um_trace_wanted() - is the tracepoint of @type enabled? [atomic] */
bool um_trace_wanted(enum um_event_type type)
{
	switch (type) {
	case UM_EV_ALLOC:
		return trace_alloc_enabled();
	case UM_EV_FREE:
		return trace_free_enabled();
	default:
		return true;	/* rare: not worth a case each */
	}
}

/** um_trace_event() - emit the tracepoint of @ev, if enabled. [atomic] */
void um_trace_event(const struct um_event *ev)
{
	switch (ev->type) {
	case UM_EV_ALLOC:
		trace_alloc(ev);
		break;
	case UM_EV_FREE:
		trace_free(ev);
		break;
	case UM_EV_ALLOC_FAIL:
		trace_alloc_fail(ev);
		break;
	case UM_EV_REFILL:
		trace_refill(ev);
		break;
	case UM_EV_RELEASE:
		trace_release(ev);
		break;
	case UM_EV_SHRINK:
		trace_shrink(ev);
		break;
	case UM_EV_NR:
		break;
	}
}
