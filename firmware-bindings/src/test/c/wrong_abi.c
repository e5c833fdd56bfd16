/* A driver built against a different ABI version: the host must refuse it before any other
 * call, naming both versions. */
#include "spikeloop_driver.h"

int32_t spikeloop_driver_abi_version(void) { return SPIKELOOP_DRIVER_ABI_VERSION + 98; }
