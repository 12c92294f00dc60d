// The processor's spin-wait hint, for Swift (which has no intrinsic for it).
//
// A busy-wait loop without it keeps the core's issue slots full of loads and branches; on a
// core shared by two hardware threads — which the virtual CPUs of a cloud machine can be —
// that slows the thread doing the real work next to it (measured in docs/benchmarks.md).
// x86's PAUSE (and Arm's YIELD) tell the core the loop is waiting, as OpenMP runtimes,
// MKL and the Linux kernel do in their spin loops.
#ifndef CSPINWAIT_H
#define CSPINWAIT_H

static inline __attribute__((always_inline)) void nbrun_spin_wait_hint(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

#endif
