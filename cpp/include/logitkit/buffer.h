// A growable array over malloc that never throws: every operation that may allocate reports
// failure as `false`, so the sampler can turn it into Code::kOutOfMemory. T must be trivially
// copyable (token ids, floats, small PODs). Capacity only grows, so scratch reaches the largest
// size needed once and is then reused without allocation.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace logitkit {

template <typename T>
class Buffer {
 public:
  Buffer() = default;
  ~Buffer() { std::free(data_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }

  bool reserve(size_t need) {
    if (need <= capacity_) return true;
    const size_t grown = need < 2 * capacity_ ? 2 * capacity_ : need;
    void* p = std::realloc(data_, grown * sizeof(T));
    if (p == nullptr) return false;
    data_ = static_cast<T*>(p);
    capacity_ = grown;
    return true;
  }
  bool resize(size_t n) {
    if (!reserve(n)) return false;
    size_ = n;
    return true;
  }
  bool push_back(const T& value) {
    if (size_ == capacity_ && !reserve(size_ < 16 ? 16 : size_ + 1)) return false;
    data_[size_++] = value;
    return true;
  }
  bool assign(const T* src, size_t n) {
    if (!reserve(n)) return false;
    if (n > 0) std::memcpy(data_, src, n * sizeof(T));
    size_ = n;
    return true;
  }
  bool assign(const Buffer& other) { return assign(other.data_, other.size_); }
  void clear() { size_ = 0; }
  void truncate(size_t n) {
    if (n < size_) size_ = n;
  }

 private:
  T* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace logitkit
