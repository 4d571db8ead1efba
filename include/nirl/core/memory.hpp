// Up-front memory estimates, so a network too large for the machine is refused
// before anything is allocated (rather than dying halfway through a solve).
#pragma once
#include <Eigen/Core>
#include <cstddef>
#include <string>

#include "nirl/core/state_space.hpp"

namespace nirl {

// Bytes the forward solver needs: its O(S) double arrays (reward, v, scratch, p, and
// w and p_new when nx > 1), two more for the solutions the optimum search keeps, and the
// nx x nx input matrix. Measured peak of an optimise at n = 20 (nx = 1): 5.8 arrays of S.
std::size_t solver_bytes(const StateSpace& space);

// Bytes the inverse of docs/model.md section 3 needs over S = 2^n nx states. Closed form: the
// histogram, visits, reward, value and temporaries (6 arrays of S). Maximum likelihood: the
// flip counts and their gradient (n x S each) plus about 30 arrays of S (counts, v, w,
// gradients, reward, value, L-BFGS's 6 correction pairs and line-search copies). Measured
// peaks: closed form at n = 22, 4 arrays; maximum likelihood from n = 12 to 16, 39 per S.
std::size_t inference_bytes(const StateSpace& space, bool max_likelihood);

// Memory the system reports as available (MemAvailable), or 0 when unknown.
std::size_t available_bytes();

// Throws nirl::Error with the estimate when `bytes` exceed what is available.
void check_memory(std::size_t bytes, const std::string& what);

// Asks the kernel to back the 2 MiB-aligned part of [data, data + bytes) with
// transparent huge pages (advice only). For large arrays read or written at random, or
// written once from fresh memory: one page fault per 2 MiB instead of per 4 KiB, and TLB
// entries that cover the whole array.
void advise_huge_pages(void* data, std::size_t bytes);

// v.resize(size) when the size changes (a new, untouched array), with huge pages advised
// for it before anything touches it. The solvers' O(S) arrays are allocated this way: besides the TLB, on
// virtual machines that shadow the page tables a 4 KiB-paged array can cost a hypervisor
// fault per page on its first pass after the process unmaps memory elsewhere (measured:
// a first pass over a 32 MiB array takes 14 ms right after the sampler frees a raster,
// against 1.5 ms otherwise).
void resize_on_huge_pages(Eigen::VectorXd& v, Eigen::Index size);

// Keeps freed heap memory in the process instead of returning it to the kernel (glibc
// mallopt: every block comes from the heap, never from its own mmap, and the heap is
// trimmed only above 256 MiB free). A block freed and allocated again then reuses pages
// already faulted in, where glibc's default hands blocks above its mmap threshold back
// and takes fresh, kernel-zeroed pages for the next one: the block passes of the pairwise
// family allocate ~100 KiB temporaries per block of states (a Fig 5 solve on 2 threads:
// 15 s with this setting, 41 s with glibc's default), and every in-memory simulate call
// allocates its raster (n = 22, 2^22 steps, a 92 MB raster: 2.75 times the Philox loop
// with it, 3.47 without). Called once at the start of
// nirl and of the benchmarks.
void retain_freed_memory();

// Human-readable size ("1.5 GiB").
std::string format_bytes(double bytes);

}  // namespace nirl
