/** The {@code diff} command on real device pairs: simulator, reference firmware, remote. */
package io.spikeloop.hil.diff;
