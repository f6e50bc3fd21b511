// The process's memory allocator, set for video work.
//
// glibc's malloc serves a block of 128 KiB or more by mapping fresh pages
// from the kernel (raising that threshold as such blocks are freed, but
// returning the heap's free top to the kernel once it passes twice the
// threshold). Counting fish from video allocates and frees buffers of
// 1-25 MB every frame (decoded frames, working images, OpenCV's
// temporaries); with the defaults, each returned buffer is faulted back in
// page by page on its next use: about 1000 page faults a 1080p frame,
// about a tenth of the counting time (docs/benchmarks.md, round 30).
#pragma once

namespace sturgeon {

// Blocks up to `kHeapBlockLimitBytes` come from the heap, and the heap
// keeps up to `kHeapFreeTopBytes` of free memory for the next frames
// instead of giving it back. Process-wide: call once at start-up, before
// any thread allocates. Returns false where the allocator is not glibc's
// or refused a setting (nothing is then changed for that setting). Every
// subcommand runs with it, `serve` too (its stocktake jobs count video):
// each of glibc's arenas may then hold up to kHeapFreeTopBytes free, so a
// long-running process gives it back with ReturnFreeHeap after each count.
bool KeepImageBuffersInHeap();

// Gives the free memory every arena holds back to the kernel (glibc's
// malloc_trim). For a long-running process between pieces of video work
// (`serve`'s stocktake worker after each job); takes each arena's lock in
// turn, so other threads' allocations wait briefly. Returns whether any
// memory was given back; false where the allocator is not glibc's.
bool ReturnFreeHeap();

inline constexpr long kHeapBlockLimitBytes = 32L << 20;  // glibc's largest mmap threshold on 64-bit
inline constexpr long kHeapFreeTopBytes = 256L << 20;

}  // namespace sturgeon
