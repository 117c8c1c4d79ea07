#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fuzz - the /dev/unmapped fuzzer (tests/fuzz/unmapped_fuzz.c): UM_FUZZ_PROCS
# (4) processes at a time doing random valid and invalid things to the
# device for UM_FUZZ_DURATION (40) seconds, while a chaos process rewrites
# the module parameters, drops caches and (unless UM_FUZZ_FAULTS=0) arms
# the fault-injection knobs at random. Then every page must be back. The
# seeds are printed; `unmapped_fuzz -R SEED` replays one worker, and
# UM_FUZZ_SEED fixes the base seed of a whole run.
fuzz=$(dirname "$0")/../unmapped_fuzz
[ -x "$fuzz" ] || { echo "Bail out! unmapped_fuzz is not installed"; exit 1; }
set -- -d "${UM_FUZZ_DURATION:-40}" -p "${UM_FUZZ_PROCS:-4}"
[ "${UM_FUZZ_FAULTS:-1}" = 0 ] || set -- "$@" -f
[ -n "${UM_FUZZ_SEED:-}" ] && set -- "$@" -s "$UM_FUZZ_SEED"
exec "$fuzz" "$@"
