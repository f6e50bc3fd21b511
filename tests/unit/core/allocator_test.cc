#include "core/allocator.h"

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sturgeon {
namespace {

#if defined(__GLIBC__)
// Blocks the allocator holds as their own mappings while `bytes` are allocated.
// The block is kept in a volatile pointer, so the compiler cannot drop the
// allocation.
void* volatile held_block = nullptr;

size_t MappedBlocksWhileHolding(size_t bytes) {
  held_block = std::malloc(bytes);
  std::memset(held_block, 1, bytes);
  const size_t mapped = mallinfo2().hblks;
  std::free(held_block);
  held_block = nullptr;
  return mapped;
}

TEST(AllocatorTest, AFrameSizedBufferComesFromTheHeap) {
  const size_t before = mallinfo2().hblks;
  ASSERT_TRUE(KeepImageBuffersInHeap());
  // A 4K BGR frame (25 MB), which glibc's defaults map on its own.
  EXPECT_EQ(MappedBlocksWhileHolding(3840 * 2160 * 3), before);
}
#endif

}  // namespace
}  // namespace sturgeon
