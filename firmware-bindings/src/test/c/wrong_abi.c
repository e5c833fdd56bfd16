/* A driver built against another ABI version (here version 1, before the learning engine): the
 * host must refuse it before any other call, naming both versions. */
#include "spikeloop_driver.h"

_Static_assert(SPIKELOOP_DRIVER_ABI_VERSION != 1, "the wrong version must differ from the ABI's");

int32_t spikeloop_driver_abi_version(void) { return 1; }
