/* Included by the test drivers of versions before 5 (abi_v3.c, abi_v4.c) around the reference
 * firmware: renames its sample-store calls (ABI version 6) so the library does not export them,
 * and renames spikeloop_device_info_get so that the driver can report its own version. */
#define spikeloop_device_info_get spikeloop_ref_v5_device_info_get
#define spikeloop_sample_store_get spikeloop_ref_v5_sample_store_get
#define spikeloop_put_sample spikeloop_ref_v5_put_sample
#define spikeloop_remove_sample spikeloop_ref_v5_remove_sample
#define spikeloop_clear_samples spikeloop_ref_v5_clear_samples
#define spikeloop_list_samples spikeloop_ref_v5_list_samples
#define spikeloop_replay_sample spikeloop_ref_v5_replay_sample
