#!/usr/bin/env bash
# Builds board:reckon from the ReckOn RTL beside the project (never copied in):
#   build.sh UPSTREAM_DIR WORK_DIR LIB_OUT
# 1. verilates upstream/src/{reckon,srnn,spi_slave,lfsr/*}.v into WORK_DIR/verilated (the flags of
#    ../shared/boards/reckon/README.md, plus -fPIC for a shared library): ~1 min on 2 cores;
# 2. compiles spikeloop_reckon.cpp against it into LIB_OUT (libspikeloop_reckon.so) and the
#    cue-accumulation port into WORK_DIR/reckon_cue_accumulation, the benchmark into
#    WORK_DIR/reckon_bench.
# Each stage is skipped when a checksum of its inputs (sources, flags, verilator version) matches
# the one recorded by its last build. Without verilator or the RTL it builds nothing, says why,
# and exits 0: the tests that need the board then skip, naming the package.
set -euo pipefail

upstream=$1
work=$2
lib_out=$3
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v verilator >/dev/null 2>&1; then
  echo "board:reckon: SKIPPED, verilator is not installed (Debian package: verilator)"
  exit 0
fi
if [[ ! -f "$upstream/src/reckon.v" ]]; then
  echo "board:reckon: SKIPPED, no ReckOn RTL at $upstream (expected ../shared/boards/reckon/upstream)"
  exit 0
fi

rtl=("$upstream/src/reckon.v" "$upstream/src/srnn.v" "$upstream/src/spi_slave.v" "$upstream"/src/lfsr/*.v)
verilator_flags=(--cc --build -j 2 -Wno-fatal -O3 --x-assign fast --x-initial fast --noassert
  --top-module reckon -CFLAGS -fPIC
  -MAKEFLAGS "OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1")
mkdir -p "$work" "$(dirname "$lib_out")"

stamp() { # checksum of the given files' contents plus the extra words
  { cat "$@"; } | sha256sum | cut -d' ' -f1
}

verilated=$work/verilated
rtl_key=$( (stamp "${rtl[@]}"; echo "${verilator_flags[*]}"; verilator --version) | sha256sum | cut -d' ' -f1)
if [[ -f "$verilated/Vreckon__ALL.a" && "$(cat "$verilated/.key" 2>/dev/null)" == "$rtl_key" ]]; then
  echo "board:reckon: verilated RTL up to date"
else
  echo "board:reckon: verilating the ReckOn RTL (about a minute)..."
  rm -rf "$verilated"
  verilator "${verilator_flags[@]}" --Mdir "$verilated" "${rtl[@]}" > "$work/verilator.log" 2>&1 \
    || { tail -30 "$work/verilator.log"; exit 1; }
  # --build makes the model's archive only: the runtime library comes from verilator's sources
  vl_include=$(verilator --getenv VERILATOR_ROOT)/include
  for runtime in verilated verilated_threads; do
    g++ -O2 -fPIC -std=c++17 -DVM_COVERAGE=0 -DVM_SC=0 -DVM_TRACE=0 -DVM_TRACE_FST=0 -DVM_TRACE_VCD=0 \
      -isystem "$verilated" -isystem "$vl_include" -isystem "$vl_include/vltstd" \
      -c -o "$verilated/$runtime.o" "$vl_include/$runtime.cpp"
  done
  echo "$rtl_key" > "$verilated/.key"
fi

vl_include=$(verilator --getenv VERILATOR_ROOT)/include
cxx_flags=(-O2 -std=c++17 -fPIC -Wall -Wextra -Werror -I"$here" -isystem "$verilated" -isystem "$vl_include" -isystem "$vl_include/vltstd")
driver_key=$( (stamp "$here/spikeloop_reckon.cpp" "$here/spikeloop_reckon.h" "$here/reckon_cue_accumulation.cpp" "$here/reckon_bench.cpp" "$0"; echo "$rtl_key ${cxx_flags[*]}") | sha256sum | cut -d' ' -f1)
tool=$work/reckon_cue_accumulation
if [[ -f "$lib_out" && -f "$tool" && "$(cat "$work/.driver-key" 2>/dev/null)" == "$driver_key" ]]; then
  echo "board:reckon: libspikeloop_reckon.so up to date"
else
  # the verilated code is not ours: its warnings are not errors here
  g++ "${cxx_flags[@]}" -shared -o "$lib_out" "$here/spikeloop_reckon.cpp" \
    "$verilated/Vreckon__ALL.a" \
    "$verilated/verilated.o" "$verilated/verilated_threads.o" -Wl,--exclude-libs,ALL -lpthread
  g++ "${cxx_flags[@]}" -o "$tool" "$here/reckon_cue_accumulation.cpp" -L"$(dirname "$lib_out")" \
    -lspikeloop_reckon -Wl,-rpath,"$(dirname "$lib_out")"
  g++ "${cxx_flags[@]}" -o "$work/reckon_bench" "$here/reckon_bench.cpp" -L"$(dirname "$lib_out")" \
    -lspikeloop_reckon -Wl,-rpath,"$(dirname "$lib_out")"
  echo "$driver_key" > "$work/.driver-key"
  echo "board:reckon: built $lib_out"
fi
# the library is object form of the RTL: its licence travels with it
install -m 644 "$upstream/LICENSE" "$(dirname "$lib_out")/RECKON-LICENSE.txt"
