#include "core/allocator.h"

#include <cstdlib>  // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sturgeon {

bool KeepImageBuffersInHeap() {
#if defined(__GLIBC__)
  // Both or neither: either setting alone turns off glibc's own threshold
  // adjustment, and the other's default then maps (or trims) every large
  // block, which made counting 1.5-2.6x slower.
  const bool threshold = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHeapBlockLimitBytes)) == 1;
  const bool trim = threshold && mallopt(M_TRIM_THRESHOLD, static_cast<int>(kHeapFreeTopBytes)) == 1;
  return threshold && trim;
#else
  return false;
#endif
}

bool ReturnFreeHeap() {
#if defined(__GLIBC__)
  return malloc_trim(0) == 1;
#else
  return false;
#endif
}

}  // namespace sturgeon
