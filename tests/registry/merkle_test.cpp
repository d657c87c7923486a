// RFC 9162 hashing and proofs against the RFC 6962 reference vectors and a tree computed
// straight from the RFC's definitions; every proof is also seen to be rejected once broken.
#include "agritrace/registry/merkle.h"

#include <bit>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agritrace/registry/encoding.h"

namespace agritrace::merkle {
namespace {

std::string H(std::string_view hex) { return HexDecode(hex).value(); }

std::vector<std::string> HexAll(const std::vector<std::string>& hashes) {
  std::vector<std::string> out;
  for (const auto& h : hashes) out.push_back(HexEncode(h));
  return out;
}

// The RFC 6962 §2.1 test leaves (certificate-transparency and transparency-dev/merkle).
std::vector<std::string> ReferenceLeaves() {
  std::vector<std::string> out;
  for (const char* hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                          "606162636465666768696a6b6c6d6e6f"})
    out.push_back(H(hex));
  return out;
}

// MTH(D[0:n]) for n = 0..8 over ReferenceLeaves().
const char* const kReferenceRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

// RFC 9162 §2.1.1 MTH, §2.1.3.1 PATH and §2.1.4.1 PROOF written from the definitions over the
// leaf data, with no stored nodes: the reference the node-source algorithms must agree with.
uint64_t K(uint64_t n) { return std::bit_floor(n - 1); }

std::string NaiveRoot(const std::vector<std::string>& d, uint64_t begin, uint64_t end) {
  if (end == begin) return Sha256("");
  if (end - begin == 1) return LeafHash(d[begin]);
  const uint64_t k = K(end - begin);
  return NodeHash(NaiveRoot(d, begin, begin + k), NaiveRoot(d, begin + k, end));
}

std::vector<std::string> NaivePath(const std::vector<std::string>& d, uint64_t m, uint64_t begin,
                                   uint64_t end) {
  if (end - begin == 1) return {};
  const uint64_t k = K(end - begin);
  std::vector<std::string> p;
  if (m < begin + k) {
    p = NaivePath(d, m, begin, begin + k);
    p.push_back(NaiveRoot(d, begin + k, end));
  } else {
    p = NaivePath(d, m, begin + k, end);
    p.push_back(NaiveRoot(d, begin, begin + k));
  }
  return p;
}

std::vector<std::string> NaiveSubproof(const std::vector<std::string>& d, uint64_t m,
                                       uint64_t begin, uint64_t end, bool b) {
  if (m == end) return b ? std::vector<std::string>{} : std::vector{NaiveRoot(d, begin, end)};
  const uint64_t k = K(end - begin);
  std::vector<std::string> p;
  if (m <= begin + k) {
    p = NaiveSubproof(d, m, begin, begin + k, b);
    p.push_back(NaiveRoot(d, begin + k, end));
  } else {
    p = NaiveSubproof(d, m, begin + k, end, false);
    p.push_back(NaiveRoot(d, begin, begin + k));
  }
  return p;
}

// Distinct leaves of varied lengths.
std::vector<std::string> Leaves(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back("{\"kind\":\"test\",\"seq\":" + std::to_string(i) + "}" +
                  std::string(i % 7, 'x'));
  return out;
}

MemoryNodeSource Build(const std::vector<std::string>& leaves) {
  MemoryNodeSource tree;
  for (const auto& leaf : leaves) tree.Append(leaf);
  return tree;
}

// Counts reads, to hold the algorithms to O(log n).
class CountingSource : public NodeSource {
 public:
  explicit CountingSource(NodeSource& inner) : inner_(inner) {}
  std::string Node(int level, uint64_t idx) override {
    ++reads;
    return inner_.Node(level, idx);
  }
  int reads = 0;

 private:
  NodeSource& inner_;
};

std::vector<std::string> With(std::vector<std::string> v, size_t at, std::string extra) {
  v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), std::move(extra));
  return v;
}

const std::string kSomeHash = Sha256("not a node");

// Broken variants of a good inclusion proof (after transparency-dev/merkle's
// corruptInclusionProof); every one must be rejected.
struct InclusionProbe {
  uint64_t index, size;
  std::string leaf, root;
  std::vector<std::string> proof;
  std::string what;
};

std::vector<InclusionProbe> BrokenInclusion(uint64_t index, uint64_t size, const std::string& leaf,
                                            const std::string& root,
                                            const std::vector<std::string>& proof) {
  std::vector<InclusionProbe> out = {
      {index - 1, size, leaf, root, proof, "index - 1"},
      {index + 1, size, leaf, root, proof, "index + 1"},
      {index ^ 2, size, leaf, root, proof, "index ^ 2"},
      {index, size * 2, leaf, root, proof, "size * 2"},
      {index, size / 2, leaf, root, proof, "size / 2"},
      {index, size, LeafHash("wrong leaf"), root, proof, "wrong leaf"},
      {index, size, leaf, EmptyRoot(), proof, "empty root"},
      {index, size, leaf, kSomeHash, proof, "other root"},
      {index, size, leaf, root, With(proof, proof.size(), kSomeHash), "padded with a hash"},
      {index, size, leaf, root, With(proof, proof.size(), root), "padded with the root"},
      {index, size, leaf, root, With(proof, proof.size(), ""), "padded with garbage"},
      {index, size, leaf, root, With(proof, 0, root), "root prepended"},
      {index, size, leaf, root, With(proof, 0, leaf), "leaf prepended"},
  };
  for (size_t i = 0; i < proof.size(); ++i) {
    for (int bit : {0, 3, 255}) {
      auto flipped = proof;
      flipped[i][bit / 8] = static_cast<char>(flipped[i][bit / 8] ^ (1 << (bit % 8)));
      out.push_back({index, size, leaf, root, flipped,
                     "bit " + std::to_string(bit) + " of hash " + std::to_string(i) + " flipped"});
    }
  }
  if (!proof.empty()) {
    out.push_back({index, size, leaf, root, {proof.begin(), proof.end() - 1}, "truncated"});
    out.push_back({index, size, leaf, root, {proof.begin() + 1, proof.end()}, "first removed"});
  }
  if (proof.size() > 1)
    out.push_back({index, size, leaf, root, With(proof, 1, kSomeHash), "inserted"});
  return out;
}

struct ConsistencyProbe {
  uint64_t from, to;
  std::string from_root, to_root;
  std::vector<std::string> proof;
  std::string what;
};

std::vector<ConsistencyProbe> BrokenConsistency(uint64_t m, uint64_t n, const std::string& r1,
                                                const std::string& r2,
                                                const std::vector<std::string>& proof) {
  std::vector<ConsistencyProbe> out = {
      {m - 1, n, r1, r2, proof, "from - 1"},
      {m + 1, n, r1, r2, proof, "from + 1"},
      {m ^ 2, n, r1, r2, proof, "from ^ 2"},
      {m, n * 2, r1, r2, proof, "to * 2"},
      {m, n / 2, r1, r2, proof, "to / 2"},
      {m, n, r2, r1, proof, "roots swapped"},
      {m, n, EmptyRoot(), r2, proof, "wrong first root"},
      {m, n, r1, EmptyRoot(), proof, "wrong second root"},
      {m, n, r1, r2, {}, "empty proof"},
      {m, n, r1, r2, With(proof, proof.size(), kSomeHash), "padded with a hash"},
      {m, n, r1, r2, With(proof, proof.size(), r1), "padded with the first root"},
      {m, n, r1, r2, With(proof, proof.size(), r2), "padded with the second root"},
      {m, n, r1, r2, With(proof, proof.size(), ""), "padded with garbage"},
      {m, n, r1, r2, With(proof, 0, r1), "first root prepended"},
      {m, n, r1, r2, With(proof, 0, r2), "second root prepended"},
      {m, n, r1, r2, With(proof, 0, proof[0]), "first hash repeated"},
  };
  for (size_t i = 0; i < proof.size(); ++i) {
    for (int bit : {0, 3, 255}) {
      auto flipped = proof;
      flipped[i][bit / 8] = static_cast<char>(flipped[i][bit / 8] ^ (1 << (bit % 8)));
      out.push_back({m, n, r1, r2, flipped,
                     "bit " + std::to_string(bit) + " of hash " + std::to_string(i) + " flipped"});
    }
  }
  out.push_back({m, n, r1, r2, {proof.begin(), proof.end() - 1}, "truncated"});
  out.push_back({m, n, r1, r2, {proof.begin() + 1, proof.end()}, "first removed"});
  if (proof.size() > 1) out.push_back({m, n, r1, r2, With(proof, 1, kSomeHash), "inserted"});
  return out;
}

TEST_CASE("RFC 9162 §2.1.1 hashes the RFC 6962 reference leaves to the reference roots",
          "[merkle]") {
  CHECK(HexEncode(EmptyRoot()) == kReferenceRoots[0]);
  CHECK(HexEncode(LeafHash("")) ==
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const auto leaves = ReferenceLeaves();
  MemoryNodeSource tree;
  CHECK(HexEncode(RootAt(tree, 0).value()) == kReferenceRoots[0]);
  for (size_t n = 1; n <= leaves.size(); ++n) {
    tree.Append(leaves[n - 1]);
    INFO("size " << n);
    CHECK(HexEncode(RootAt(tree, n).value()) == kReferenceRoots[n]);
    CHECK(HexEncode(NaiveRoot(leaves, 0, n)) == kReferenceRoots[n]);
    // Every smaller tree is still answerable from the larger tree's nodes.
    for (size_t m = 0; m <= n; ++m) CHECK(HexEncode(RootAt(tree, m).value()) == kReferenceRoots[m]);
  }
}

TEST_CASE("RFC 9162 proofs over the reference leaves match published proofs", "[merkle]") {
  auto tree = Build(ReferenceLeaves());
  using V = std::vector<std::string>;
  // Inclusion (certificate-transparency / transparency-dev/merkle test data).
  CHECK(HexAll(InclusionProof(tree, 0, 1).value()).empty());
  CHECK(HexAll(InclusionProof(tree, 0, 8).value()) ==
        V{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"});
  CHECK(HexAll(InclusionProof(tree, 5, 8).value()) ==
        V{"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"});
  CHECK(HexAll(InclusionProof(tree, 2, 3).value()) ==
        V{"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"});
  CHECK(HexAll(InclusionProof(tree, 1, 5).value()) ==
        V{"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"});
  // Consistency.
  CHECK(ConsistencyProof(tree, 1, 1).value().empty());
  CHECK(HexAll(ConsistencyProof(tree, 1, 8).value()) ==
        V{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"});
  CHECK(HexAll(ConsistencyProof(tree, 6, 8).value()) ==
        V{"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"});
  CHECK(HexAll(ConsistencyProof(tree, 2, 5).value()) ==
        V{"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"});
  CHECK(HexAll(ConsistencyProof(tree, 3, 8).value()) ==
        V{"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
          "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"});
}

TEST_CASE("RFC 9162 §2.1.3 every inclusion proof for sizes 1..64 verifies, and broken ones do not",
          "[merkle]") {
  const auto leaves = Leaves(64);
  auto tree = Build(leaves);
  size_t rejected = 0;
  for (uint64_t n = 1; n <= 64; ++n) {
    const std::string root = NaiveRoot(leaves, 0, n);
    REQUIRE(RootAt(tree, n).value() == root);
    for (uint64_t i = 0; i < n; ++i) {
      INFO("index " << i << " size " << n);
      auto proof = InclusionProof(tree, i, n);
      REQUIRE(proof.ok());
      REQUIRE(*proof == NaivePath(leaves, i, 0, n));
      const std::string leaf = LeafHash(leaves[i]);
      REQUIRE(VerifyInclusion(i, n, leaf, *proof, root).ok());
      for (const auto& p : BrokenInclusion(i, n, leaf, root, *proof)) {
        INFO(p.what);
        Status s = VerifyInclusion(p.index, p.size, p.leaf, p.proof, p.root);
        CHECK_FALSE(s.ok());
        CHECK(s.reason() == "proof-invalid");
        ++rejected;
      }
    }
  }
  CHECK(rejected > 20000);
}

TEST_CASE(
    "RFC 9162 §2.1.4 every consistency proof for 1 <= m <= n <= 64 verifies, and broken "
    "ones do not",
    "[merkle]") {
  const auto leaves = Leaves(64);
  auto tree = Build(leaves);
  for (uint64_t n = 1; n <= 64; ++n) {
    const std::string r2 = NaiveRoot(leaves, 0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      INFO("from " << m << " to " << n);
      const std::string r1 = NaiveRoot(leaves, 0, m);
      auto proof = ConsistencyProof(tree, m, n);
      REQUIRE(proof.ok());
      REQUIRE(*proof ==
              (m == n ? std::vector<std::string>{} : NaiveSubproof(leaves, m, 0, n, true)));
      REQUIRE(VerifyConsistency(m, n, r1, r2, *proof).ok());
      if (m == n) {
        CHECK_FALSE(VerifyConsistency(m, n, r1, r2, {r1}).ok());
        if (m > 1) CHECK_FALSE(VerifyConsistency(m, n, NaiveRoot(leaves, 0, m - 1), r2, {}).ok());
        continue;
      }
      for (const auto& p : BrokenConsistency(m, n, r1, r2, *proof)) {
        INFO(p.what);
        CHECK_FALSE(VerifyConsistency(p.from, p.to, p.from_root, p.to_root, p.proof).ok());
      }
    }
  }
}

TEST_CASE("RFC 9162 verifiers reject out-of-range sizes and malformed hashes", "[merkle]") {
  const auto leaves = Leaves(5);
  auto tree = Build(leaves);
  const std::string root = RootAt(tree, 5).value();
  const auto proof = InclusionProof(tree, 4, 5).value();
  const std::string leaf = LeafHash(leaves[4]);
  CHECK(VerifyInclusion(4, 5, leaf, proof, root).ok());
  CHECK_FALSE(VerifyInclusion(5, 5, leaf, proof, root).ok());
  CHECK_FALSE(VerifyInclusion(4, 0, leaf, proof, root).ok());
  CHECK_FALSE(VerifyInclusion(4, 5, leaf.substr(1), proof, root).ok());
  CHECK_FALSE(VerifyInclusion(4, 5, leaf, proof, root + "x").ok());
  auto short_hash = proof;
  short_hash[0].pop_back();
  CHECK_FALSE(VerifyInclusion(4, 5, leaf, short_hash, root).ok());

  const std::string r3 = RootAt(tree, 3).value();
  const auto cons = ConsistencyProof(tree, 3, 5).value();
  CHECK(VerifyConsistency(3, 5, r3, root, cons).ok());
  CHECK_FALSE(VerifyConsistency(5, 3, root, r3, cons).ok());
  CHECK(VerifyConsistency(0, 5, EmptyRoot(), root, {}).ok());
  CHECK_FALSE(VerifyConsistency(0, 5, EmptyRoot(), root, cons).ok());
  CHECK_FALSE(VerifyConsistency(0, 5, r3, root, {}).ok());
  CHECK(VerifyConsistency(5, 5, root, root, {}).ok());
  CHECK_FALSE(VerifyConsistency(5, 5, r3, root, {}).ok());

  CHECK(InclusionProof(tree, 5, 5).status().code() == StatusCode::kInvalid);
  CHECK(InclusionProof(tree, 0, 0).status().code() == StatusCode::kInvalid);
  CHECK(ConsistencyProof(tree, 4, 3).status().code() == StatusCode::kInvalid);
  CHECK(ConsistencyProof(tree, 0, 5).value().empty());
  // A size beyond what the source holds needs nodes it does not have.
  CHECK(RootAt(tree, 6).status().code() == StatusCode::kCorruption);
  CHECK(InclusionProof(tree, 0, 6).status().code() == StatusCode::kCorruption);
}

TEST_CASE("Roots and proofs cost O(log n) node reads", "[merkle]") {
  MemoryNodeSource tree;
  const uint64_t n = 100003;  // 17 bits, 5 of them set: a ragged right edge
  for (uint64_t i = 0; i < n; ++i) tree.Append(std::to_string(i));
  CountingSource counting(tree);
  const int log_n = std::bit_width(n);  // 17
  for (uint64_t size : {n, n - 1, uint64_t{65536}, uint64_t{65537}, uint64_t{99999}}) {
    counting.reads = 0;
    const std::string root = RootAt(counting, size).value();
    CHECK(counting.reads <= log_n);
    for (uint64_t index : {uint64_t{0}, size / 3, size / 2, size - 2, size - 1}) {
      counting.reads = 0;
      auto proof = InclusionProof(counting, index, size);
      REQUIRE(proof.ok());
      CHECK(counting.reads <= 2 * log_n);
      CHECK(VerifyInclusion(index, size, tree.Node(0, index), *proof, root).ok());
    }
    for (uint64_t from : {uint64_t{1}, uint64_t{7}, size / 2, size - 1}) {
      counting.reads = 0;
      auto proof = ConsistencyProof(counting, from, size);
      REQUIRE(proof.ok());
      CHECK(counting.reads <= 3 * log_n);
      CHECK(VerifyConsistency(from, size, RootAt(tree, from).value(), root, *proof).ok());
    }
  }
}

TEST_CASE("AppendLeaf completes the parents of right children only", "[merkle]") {
  MemoryNodeSource tree;
  for (int i = 0; i < 7; ++i) tree.Append(std::to_string(i));
  // Leaf 7 completes (1,3), (2,1) and (3,0).
  auto nodes = AppendLeaf(tree, 7, LeafHash("7"));
  REQUIRE(nodes.ok());
  REQUIRE(nodes->size() == 4);
  CHECK((*nodes)[0] == StoredNode{0, 7, LeafHash("7")});
  CHECK((*nodes)[1] == StoredNode{1, 3, NodeHash(tree.Node(0, 6), LeafHash("7"))});
  CHECK((*nodes)[2].level == 2);
  CHECK((*nodes)[2].idx == 1);
  CHECK((*nodes)[3].level == 3);
  CHECK((*nodes)[3].idx == 0);
  tree.Append("7");
  CHECK((*nodes)[3].hash == RootAt(tree, 8).value());
  // Leaf 8 is a left child: only itself.
  CHECK(AppendLeaf(tree, 8, LeafHash("8"))->size() == 1);
  // A missing left sibling is corruption, not a wrong hash.
  MemoryNodeSource empty;
  CHECK(AppendLeaf(empty, 1, LeafHash("x")).status().code() == StatusCode::kCorruption);
}

TEST_CASE("CompactRange replays leaves to the same nodes and roots", "[merkle]") {
  const auto leaves = Leaves(40);
  auto tree = Build(leaves);
  CompactRange range;
  CHECK(range.Root() == EmptyRoot());
  int visited = 0;
  for (size_t i = 0; i < leaves.size(); ++i) {
    range.Append(LeafHash(leaves[i]), [&](int level, uint64_t idx, const std::string& hash) {
      CHECK(tree.Node(level, idx) == hash);
      ++visited;
    });
    CHECK(range.Root() == NaiveRoot(leaves, 0, i + 1));
    auto from = CompactRange::FromSource(tree, i + 1);
    REQUIRE(from.ok());
    CHECK(from->Root() == range.Root());
    CHECK(from->size() == i + 1);
  }
  CHECK(visited == 40 + 20 + 10 + 5 + 2 + 1);
}

}  // namespace
}  // namespace agritrace::merkle
