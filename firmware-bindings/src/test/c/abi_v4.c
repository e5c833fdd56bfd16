/* A version 4 driver (from before the sample store), board "abi4": the reference firmware,
 * reporting version 4, without the sample-store capability and exporting none of its calls. The
 * host must open it, without the SampleStore extension. */
#include "sample_store_hidden.h"
#define spikeloop_driver_abi_version spikeloop_ref_v5_abi_version
#define spikeloop_open spikeloop_ref_open
#include "spikeloop_ref.c"
#undef spikeloop_driver_abi_version
#undef spikeloop_open
#undef spikeloop_device_info_get

int32_t spikeloop_driver_abi_version(void) { return 4; }

int32_t spikeloop_open(const char *name, spikeloop_board **out) {
  return spikeloop_ref_open(name != NULL && strcmp(name, "abi4") == 0 ? "ref" : name, out);
}

int32_t spikeloop_device_info_get(spikeloop_board *board, spikeloop_device_info *out) {
  int32_t rc = spikeloop_ref_v5_device_info_get(board, out);
  if (rc == SPIKELOOP_OK) {
    out->abi_version = 4;
    out->capabilities &= ~SPIKELOOP_CAP_SAMPLE_STORE;
  }
  return rc;
}
