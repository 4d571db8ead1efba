// Checkpoints of an experiment: every finished task is appended to a per-process
// journal file in the checkpoint folder and flushed to disk (fdatasync) before the next
// task starts, so a run killed by SIGTERM or SIGKILL loses only the tasks in progress.
// Records carry a length and a checksum; a torn last record is ignored on reading.
// The folder also holds config.ini, the resolved configuration of the run that made
// it: a resume with a different configuration is refused.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nirl {

// Creates the folder (its parent must exist: hdf5_io.hpp's folder rule) and its
// config.ini, or checks that an existing one matches. Locks the folder for this process
// until remove_checkpoint or the end of the process: a folder locked by another running
// process is refused at once. `shared`: the lock of one part of a job array, which other
// parts may hold at the same time (a whole run's lock excludes every other).
void open_checkpoint(const std::string& dir, const std::string& config_text, bool shared = false);

// Visits every valid task record in the folder, one at a time (journals in name order,
// records in the order written; a task may appear more than once).
void for_each_checkpoint_record(const std::string& dir,
                                const std::function<void(std::uint64_t, const std::vector<double>&)>& visit);

// Removes the folder after the final result is in place, and releases its lock.
void remove_checkpoint(const std::string& dir);

class TaskJournal {
 public:
  // A new journal file of this process (name from rank and pid) in dir.
  TaskJournal(const std::string& dir, int rank);
  ~TaskJournal();
  TaskJournal(const TaskJournal&) = delete;
  TaskJournal& operator=(const TaskJournal&) = delete;
  // Appends one record and waits until it is on disk.
  void append(std::uint64_t task, const std::vector<double>& payload);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace nirl
