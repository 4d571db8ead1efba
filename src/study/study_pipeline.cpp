#include "nirl/study/study_pipeline.hpp"

#include "nirl/core/error.hpp"

namespace nirl {

const MeasureInfo& find_measure(const StudyPipeline& pipeline, const std::string& name) {
  std::string names;
  for (const MeasureInfo& m : pipeline.measures()) {
    if (name == m.name) return m;
    names += (names.empty() ? "" : ", ") + m.name;
  }
  fail("study.measures: unknown measure '", name, "' (expected some of: ", names, ")");
}

void StudyPipeline::run_piece(const PipelinePoint&, const PipelineTruth&, const StudyTask&,
                              const std::vector<const MeasureInfo*>&, std::vector<double>&) const {
  fail("this pipeline has no piece measures");
}

void StudyPipeline::summarise(const PipelinePoint&, const StudyGrid&, const StoredPoint&,
                              const std::vector<const MeasureInfo*>&, std::vector<double>&) const {
  fail("this pipeline has no summary measures");
}

void StudyPipeline::store_truth(const PipelineTruth&, hid_t) const { fail("this pipeline does not store its truths"); }

std::shared_ptr<const PipelineTruth> StudyPipeline::load_truth(const PipelinePoint&, const h5::InputFile&) const {
  fail("this pipeline does not store its truths");
}

std::size_t measure_size(const MeasureInfo& measure, const std::vector<ValueAxis>& axes) {
  std::size_t size = 1;
  for (const std::string& name : measure.axes) {
    bool found = false;
    for (const ValueAxis& axis : axes)
      if (axis.name == name) {
        size *= axis.size;
        found = true;
      }
    if (!found) fail("measure ", measure.name, ": the pipeline has no value axis '", name, "'");
  }
  return size;
}

}  // namespace nirl
