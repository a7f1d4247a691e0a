# Sourced by scripts/fuzz.sh: the sanitizer options of the test trees
# (see tests/check/meson.build and docs/hardening.md): suppressions of
# GLib's by-design leaks and GStreamer's deliberate unaligned reads, full
# leak stacks, and any UBSan report is fatal.
sup=$(pwd)/tests/check
export ASAN_OPTIONS=${ASAN_OPTIONS:-fast_unwind_on_malloc=0:intercept_tls_get_addr=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$sup/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-suppressions=$sup/ubsan.supp:halt_on_error=1:print_stacktrace=1}
