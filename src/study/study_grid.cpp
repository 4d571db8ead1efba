#include "nirl/study/study_grid.hpp"

#include <set>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(trimmed(text.substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

StudyAxis parse_vary(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) fail("study.vary '", text, "': expected KEY: VALUE, VALUE, ...");
  StudyAxis axis;
  axis.name = trimmed(text.substr(0, colon));
  if (axis.name.empty()) fail("study.vary '", text, "': the key is empty");
  const std::string values = text.substr(colon + 1);
  std::set<std::string> seen;
  for (const std::string& v : split(values, values.find(';') != std::string::npos ? ';' : ',')) {
    if (v.empty()) fail("study.vary ", axis.name, ": an empty value in '", trimmed(values), "'");
    if (!seen.insert(v).second) fail("study.vary ", axis.name, ": the value '", v, "' is listed twice");
    axis.labels.push_back(v);
    axis.settings.push_back({{axis.name, v}});
  }
  return axis;
}

StudyAxis parse_points(const std::vector<std::string>& lines) {
  StudyAxis axis;
  axis.name = "point";
  for (const std::string& line : lines) {
    Assignments a;
    std::string label;
    for (const std::string& part : split(line, ';')) {
      const std::size_t eq = part.find('=');
      const std::string key = trimmed(part.substr(0, eq)), value = eq == std::string::npos ? "" : trimmed(part.substr(eq + 1));
      if (eq == std::string::npos || key.empty() || value.empty())
        fail("study.point '", line, "': expected KEY = VALUE; KEY = VALUE ...");
      for (const auto& [k, v] : a)
        if (k == key) fail("study.point '", line, "': ", key, " is set twice");
      a.emplace_back(key, value);
      label += (label.empty() ? "" : "; ") + key + " = " + value;
    }
    axis.labels.push_back(label);
    axis.settings.push_back(std::move(a));
  }
  return axis;
}

StudyGrid::StudyGrid(std::vector<StudyAxis> axes, int trials, int bootstraps, int pieces)
    : axes_(std::move(axes)), trials_(trials), bootstraps_(bootstraps), pieces_(pieces) {
  if (trials_ < 1) fail("study.trials must be >= 1 (got ", trials_, ")");
  if (bootstraps_ < 0) fail("study.bootstraps must be >= 0 (got ", bootstraps_, ")");
  if (pieces_ < 0) fail("study: a negative number of piece tasks (", pieces_, ")");
  std::set<std::string> keys;
  for (const StudyAxis& axis : axes_) {
    if (axis.settings.empty()) fail("study axis ", axis.name, " has no values");
    std::set<std::string> own;
    for (const Assignments& a : axis.settings)
      for (const auto& [key, value] : a) own.insert(key);
    for (const std::string& key : own)
      if (!keys.insert(key).second) fail("study: ", key, " is set by two axes");
    constexpr std::uint64_t kMaxTasks = std::uint64_t(1) << 40;  // task ids share a stream id with a 24-bit purpose
    if (axis.settings.size() > kMaxTasks / points_) fail("study: the grid has more than 2^40 points");
    points_ *= axis.settings.size();
  }
  const unsigned __int128 total =
      (unsigned __int128)points_ * ((unsigned __int128)unsigned(trials_) * unsigned(bootstraps_ + 1) + unsigned(pieces_));
  if (total > ((unsigned __int128)1 << 40))
    fail("study: more than 2^40 tasks (points x (trials x (bootstraps + 1) + pieces))");
}

std::vector<std::size_t> StudyGrid::coordinates(std::size_t point) const {
  std::vector<std::size_t> c(axes_.size());
  for (std::size_t a = axes_.size(); a-- > 0;) {
    c[a] = point % axes_[a].settings.size();
    point /= axes_[a].settings.size();
  }
  return c;
}

Assignments StudyGrid::settings(std::size_t point) const {
  Assignments all;
  const std::vector<std::size_t> c = coordinates(point);
  for (std::size_t a = 0; a < axes_.size(); ++a)
    for (const auto& kv : axes_[a].settings[c[a]]) all.push_back(kv);
  return all;
}

StudyTask StudyGrid::task(std::uint64_t id) const {
  if (id >= tasks()) fail("study: task ", id, " is outside the grid (", tasks(), " tasks)");
  StudyTask t;
  t.id = id;
  t.point = std::size_t(id / tasks_per_point());
  const std::uint64_t k = id % tasks_per_point();
  if (k >= samples_per_point()) {
    t.trial = t.bootstrap = -1;
    t.piece = int(k - samples_per_point());
    return t;
  }
  t.bootstrap = int(k % std::uint64_t(bootstraps_ + 1));
  t.trial = int(k / std::uint64_t(bootstraps_ + 1));
  return t;
}

}  // namespace nirl
