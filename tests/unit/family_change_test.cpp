// Changes of the pairwise family (pairwise/family_change.hpp) and their text form
// (io/perturbation_spec.hpp): the changed family's ties and extra field against the ring
// distances computed here, and every malformed item refused.
#include <gtest/gtest.h>

#include "nirl/core/error.hpp"
#include "nirl/io/perturbation_spec.hpp"

using namespace nirl;

TEST(FamilyChange, TextFormSetsEachChange) {
  const FamilyChange a = parse_family_change("lambda=1.4");
  ASSERT_TRUE(a.lambda.has_value());
  EXPECT_EQ(*a.lambda, 1.4);
  EXPECT_EQ(a.remove_beyond, 0);
  EXPECT_TRUE(a.pinned.empty());
  const FamilyChange b = parse_family_change("remove_beyond=3,pin=0+5,pin_field=2.5");
  EXPECT_FALSE(b.lambda.has_value());
  EXPECT_EQ(b.remove_beyond, 3);
  EXPECT_EQ(b.pinned, (std::vector<int>{0, 5}));
  EXPECT_EQ(b.pin_field, 2.5);
  EXPECT_FALSE(parse_family_change("none").lambda.has_value());
  for (const char* bad : {"", "dead=1", "lambda", "lambda=0", "remove_beyond=0", "pin=", "pin=1+", "pin_field=1",
                          "pin=a"})
    EXPECT_THROW(parse_family_change(bad), Error) << "'" << bad << "'";
}

TEST(FamilyChange, RemovedCouplingsAndPinnedFieldsFollowTheRing) {
  const int n = 12;
  const IsingFamily ring = IsingFamily::ring_tied(n);
  const IsingFamily changed = apply_family_change(ring, parse_family_change("remove_beyond=3,pin=0+1,pin_field=1.5"));
  ASSERT_EQ(changed.parameters(), ring.parameters());
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const int d = std::min(j - i, n - (j - i));
      const int tie = changed.tie()[std::size_t(n + pair_index(i, j, n))];
      EXPECT_EQ(tie, d > 3 ? -1 : d) << "pair " << i << ", " << j;
    }
  for (int i = 0; i < n; ++i) EXPECT_EQ(changed.extra_field()[i], i < 2 ? 1.5 : 0.0) << "neuron " << i;
  EXPECT_THROW(apply_family_change(ring, parse_family_change("pin=12")), Error);
  const IsingFamily same = apply_family_change(ring, parse_family_change("lambda=2"));
  EXPECT_EQ(same.tie(), ring.tie());
}
