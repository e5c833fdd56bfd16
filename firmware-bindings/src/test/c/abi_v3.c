/* A version 3 driver (from before chip instances), board "abi3": the reference firmware,
 * reporting version 3 and exporting no spikeloop_set_chip_instance (nor the sample store of
 * version 5). The host must open it as a perfect chip and refuse chip-instance options on it,
 * naming the version. */
#include "sample_store_hidden.h"
#define spikeloop_driver_abi_version spikeloop_ref_v4_abi_version
#define spikeloop_set_chip_instance spikeloop_ref_v4_set_chip_instance
#define spikeloop_open spikeloop_ref_open
#include "spikeloop_ref.c"
#undef spikeloop_driver_abi_version
#undef spikeloop_open
#undef spikeloop_device_info_get

int32_t spikeloop_driver_abi_version(void) { return 3; }

int32_t spikeloop_open(const char *name, spikeloop_board **out) {
  return spikeloop_ref_open(name != NULL && strcmp(name, "abi3") == 0 ? "ref" : name, out);
}

int32_t spikeloop_device_info_get(spikeloop_board *board, spikeloop_device_info *out) {
  int32_t rc = spikeloop_ref_v5_device_info_get(board, out);
  if (rc == SPIKELOOP_OK) {
    out->abi_version = 3;
    out->capabilities &= ~SPIKELOOP_CAP_SAMPLE_STORE;
  }
  return rc;
}
