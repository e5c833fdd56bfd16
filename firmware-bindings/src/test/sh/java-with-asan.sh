#!/bin/sh
# Surefire's JVM under -Psanitize: a JVM that loads an ASan-instrumented library needs the ASan
# runtime loaded first (LD_PRELOAD), must keep its own SIGSEGV handling (handle_segv=0,
# allow_user_segv_handler=1) and leaks by design (detect_leaks=0). See docs/driver-abi.md.
ASAN_LIB="$(${CC:-gcc} -print-file-name=libasan.so)"
if [ ! -e "$ASAN_LIB" ]; then
  echo "java-with-asan.sh: libasan not found (gcc -print-file-name=libasan.so gave '$ASAN_LIB')" >&2
  exit 1
fi
export LD_PRELOAD="$ASAN_LIB${LD_PRELOAD:+:$LD_PRELOAD}"
export ASAN_OPTIONS="detect_leaks=0:handle_segv=0:allow_user_segv_handler=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
exec "${SPIKELOOP_REAL_JAVA:?set by the sanitize profile}" "$@"
