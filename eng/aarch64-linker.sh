#!/usr/bin/env bash
# The linker for the arm64 Native AOT bundle, built on an x64 machine: Debian's aarch64-linux-gnu-gcc cross compiler.
# ILCompiler passes clang's --target=aarch64-linux-gnu, which gcc does not take (a gcc cross compiler has one target).
args=()
for a in "$@"; do
  case "$a" in --target=*) ;; *) args+=("$a") ;; esac
done
exec aarch64-linux-gnu-gcc "${args[@]}"
