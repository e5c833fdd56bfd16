/* A shared library that is not a spikeloop driver (it lacks spikeloop_driver_abi_version). */
int not_a_driver(void);

int not_a_driver(void) { return 42; }
