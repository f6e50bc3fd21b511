#include "core/allocator.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
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

// The process's resident memory (/proc/self/statm).
size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

TEST(AllocatorTest, AFrameSizedBufferComesFromTheHeap) {
  const size_t before = mallinfo2().hblks;
  ASSERT_TRUE(KeepImageBuffersInHeap());
  // A 4K BGR frame (25 MB), which glibc's defaults map on its own.
  EXPECT_EQ(MappedBlocksWhileHolding(3840 * 2160 * 3), before);
}

// What the heap keeps free for the next frames goes back to the kernel when
// asked: a `serve` process's arenas do not stay at their largest count's size.
TEST(AllocatorTest, FreedFramesGoBackToTheKernelWhenAsked) {
  ASSERT_TRUE(KeepImageBuffersInHeap());
  constexpr size_t kFrame = 3840 * 2160 * 3;
  std::vector<void*> frames;
  for (int i = 0; i < 4; ++i) {
    frames.push_back(std::malloc(kFrame));
    ASSERT_NE(frames.back(), nullptr);
    std::memset(frames.back(), 1, kFrame);
  }
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) std::free(*it);
  const size_t kept = ResidentBytes();  // the freed frames are under kHeapFreeTopBytes: kept
  EXPECT_TRUE(ReturnFreeHeap());
  const size_t after = ResidentBytes();
  ASSERT_LT(after, kept);  // unsigned: the difference below must not wrap
  EXPECT_GE(kept - after, 3 * kFrame);
}
#endif

}  // namespace
}  // namespace sturgeon
