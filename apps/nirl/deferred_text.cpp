#include "deferred_text.hpp"

#include <cstdarg>

namespace nirl::cli {

void DeferredText::add(const char* format, ...) {
  va_list args, copy;
  va_start(args, format);
  va_copy(copy, args);
  const int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (length > 0) {
    std::string piece(std::size_t(length) + 1, '\0');
    std::vsnprintf(piece.data(), piece.size(), format, args);
    piece.pop_back();
    text_ += piece;
  }
  va_end(args);
}

void DeferredText::print(std::FILE* stream) const { std::fputs(text_.c_str(), stream); }

}  // namespace nirl::cli
