// Solutions as byte strings (solution_bytes.hpp).
#include "nirl/io/solution_bytes.hpp"

#include <cstdint>
#include <cstring>
#include <string>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

class Writer {
 public:
  template <typename T>
  void put(const T& x) {
    const auto* p = reinterpret_cast<const unsigned char*>(&x);
    out.insert(out.end(), p, p + sizeof(T));
  }
  void put(const double* data, std::size_t count) {
    put(std::uint64_t(count));
    if (count == 0) return;  // an empty vector's data() may be null
    const auto* p = reinterpret_cast<const unsigned char*>(data);
    out.insert(out.end(), p, p + count * sizeof(double));
  }
  void put(const std::vector<double>& v) { put(v.data(), v.size()); }
  void put(const std::string& s) {
    put(std::uint64_t(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  std::vector<unsigned char> out;
};

class Reader {
 public:
  Reader(const unsigned char* data, std::size_t size) : data_(data), size_(size) {}
  template <typename T>
  T get() {
    T x;
    std::memcpy(&x, take(sizeof(T)), sizeof(T));
    return x;
  }
  std::size_t count(std::size_t element) {
    const std::uint64_t n = get<std::uint64_t>();
    if (element > 0 && n > (size_ - at_) / element) fail("a solution's bytes are cut short");
    return std::size_t(n);
  }
  void get(double* into, std::size_t n) {
    const unsigned char* from = take(n * sizeof(double));
    if (n > 0) std::memcpy(into, from, n * sizeof(double));  // an empty vector's data() may be null
  }
  std::vector<double> doubles() {
    std::vector<double> v(count(sizeof(double)));
    get(v.data(), v.size());
    return v;
  }
  std::string text() {
    const std::size_t n = count(1);
    const auto* p = take(n);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  bool done() const { return at_ == size_; }

 private:
  const unsigned char* take(std::size_t n) {
    if (n > size_ - at_) fail("a solution's bytes are cut short");
    const unsigned char* p = data_ + at_;
    at_ += n;
    return p;
  }
  const unsigned char* data_;
  std::size_t size_, at_ = 0;
};

}  // namespace

std::vector<unsigned char> solution_bytes(const Solution& sol) {
  Writer w;
  w.put(sol.value.data(), std::size_t(sol.value.size()));
  w.put(sol.stationary.data(), std::size_t(sol.stationary.size()));
  w.put(sol.q.log_on);
  w.put(sol.q.log_off);
  for (const double x : {sol.L, sol.mean_reward, sol.coding_cost, sol.value_span, sol.stationary_change, sol.q_residual})
    w.put(x);
  w.put(std::int64_t(sol.outer_iterations));
  w.put(std::int64_t(sol.bellman_sweeps));
  w.put(std::int64_t(sol.stationary_sweeps));
  w.put(std::uint8_t(sol.converged));
  w.put(std::uint64_t(sol.optima.size()));
  for (const LocalOptimum& o : sol.optima) {
    w.put(o.L);
    w.put(o.q);
    w.put(o.start);
    w.put(std::int64_t(o.hits));
  }
  return std::move(w.out);
}

Solution solution_from_bytes(const unsigned char* bytes, std::size_t size) {
  Reader r(bytes, size);
  Solution sol;
  sol.value.resize(Eigen::Index(r.count(sizeof(double))));
  r.get(sol.value.data(), std::size_t(sol.value.size()));
  sol.stationary.resize(Eigen::Index(r.count(sizeof(double))));
  r.get(sol.stationary.data(), std::size_t(sol.stationary.size()));
  sol.q.log_on = r.doubles();
  sol.q.log_off = r.doubles();
  for (double* x : {&sol.L, &sol.mean_reward, &sol.coding_cost, &sol.value_span, &sol.stationary_change, &sol.q_residual})
    *x = r.get<double>();
  sol.outer_iterations = int(r.get<std::int64_t>());
  sol.bellman_sweeps = long(r.get<std::int64_t>());
  sol.stationary_sweeps = long(r.get<std::int64_t>());
  sol.converged = r.get<std::uint8_t>() != 0;
  const std::size_t optima = r.count(0);
  for (std::size_t k = 0; k < optima; ++k) {
    LocalOptimum o;
    o.L = r.get<double>();
    o.q = r.doubles();
    o.start = r.text();
    o.hits = int(r.get<std::int64_t>());
    sol.optima.push_back(std::move(o));
  }
  if (!r.done()) fail("a solution's bytes run on past its end");
  return sol;
}

}  // namespace nirl
