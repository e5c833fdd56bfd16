/* A version 3 driver (from before chip instances), board "abi3": the reference firmware,
 * reporting version 3 and exporting no spikeloop_set_chip_instance. The host must open it as a
 * perfect chip and refuse chip-instance options on it, naming the version. */
#define spikeloop_driver_abi_version spikeloop_ref_v4_abi_version
#define spikeloop_set_chip_instance spikeloop_ref_v4_set_chip_instance
#define spikeloop_open spikeloop_ref_open
#include "spikeloop_ref.c"
#undef spikeloop_driver_abi_version
#undef spikeloop_open

int32_t spikeloop_driver_abi_version(void) { return 3; }

int32_t spikeloop_open(const char *name, spikeloop_board **out) {
  return spikeloop_ref_open(name != NULL && strcmp(name, "abi3") == 0 ? "ref" : name, out);
}
