/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * main.h - the wiring of unmapped.ko (main.c, params.c): module entry and
 * exit, which set up the platform, create the core, and open the front
 * ends and observability in order; and the module parameters.
 */
#ifndef UNMAPPED_MAIN_H
#define UNMAPPED_MAIN_H

#include "core_api.h"

/* params.c: module parameters */
void um_params_config(struct um_config *cfg);
void um_params_attach(struct um_cache *cache);
void um_params_detach(void);
const char *um_backend_name(enum um_backend backend);

#endif /* UNMAPPED_MAIN_H */
