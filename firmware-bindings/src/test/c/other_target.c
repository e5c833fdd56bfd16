/* A board library of a target this build has no binding for: the host must refuse it naming the
 * target, before calling anything of the SL-1 ABI. */
const char *spikeloop_target(void);

const char *spikeloop_target(void) { return "nosuch-target"; }
