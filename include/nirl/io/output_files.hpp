// Where outputs go and how they are cleaned up.
//
// The folder rule, for every output (result files and checkpoint folders): nirl never
// creates the folder an output goes into; it must exist.
//
// Temporary files: a result is written under
// "<path>.tmp.<host>.<pid>" and renamed into place (hdf5_io.hpp), so a reader never sees
// a partial file. What removes the temporary file when the process does not finish:
//  - an error: the owner's destructor;
//  - SIGTERM, SIGINT, SIGHUP: the handler installed by install_interrupt_handlers removes
//    every registered file, prints one line (saying whether a result was already written)
//    and ends the process with status 128 + signal;
//  - SIGKILL (nothing can run): the next process writing the same path removes the files
//    of processes on this host that no longer exist (remove_stale_temp_files).
#pragma once
#include <signal.h>

#include <string>

namespace nirl {

// Refuses an empty path, a path that is a folder, and a missing or non-folder parent.
void check_output_path(const std::string& path);
// The same rule for an output folder (a checkpoint): it may exist, its parent must.
void check_output_folder(const std::string& path);

// `command` names the line printed on an interrupt ("nirl <command>: error: ...");
// `report` = false keeps the handler silent (MPI ranks other than rank 0).
void install_interrupt_handlers(const std::string& command, bool report);

// The temporary name of `path` for this process.
std::string temp_path_for(const std::string& path);

// Registers a temporary file for removal on an interrupt (at most 32 at a time), and forgets it.
void register_temp_file(const std::string& path);
void forget_temp_file(const std::string& path);

// Removes "<path>.tmp.<host>.<pid>" files of this host whose process has ended.
void remove_stale_temp_files(const std::string& path);

// Records that a result is in place: an interrupt after it says so instead of "no result
// written".
void note_result_written();

// Blocks the interrupt signals for its lifetime (a rename and its record happen together).
class InterruptsHeld {
 public:
  InterruptsHeld();
  ~InterruptsHeld();
  InterruptsHeld(const InterruptsHeld&) = delete;
  InterruptsHeld& operator=(const InterruptsHeld&) = delete;

 private:
  sigset_t previous_;
};

// Flushes the folder entry of a renamed file to disk (best effort).
void sync_folder_of(const std::string& path);

}  // namespace nirl
