// RFC 9162 Merkle tree hashing, proofs and proof verification (DESIGN.md §6). Pure: no
// database. A tree is read through a NodeSource that holds the hash of every complete subtree,
// so roots and proofs cost O(log n) node reads whatever the tree size. Byte formats are in
// docs/formats/log.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/status.h"

namespace agritrace::merkle {

inline constexpr size_t kHashSize = 32;  // SHA-256

// RFC 9162 §2.1.1: MTH({d}) = SHA-256(0x00 || d).
std::string LeafHash(std::string_view leaf_data);
// RFC 9162 §2.1.1: SHA-256(0x01 || MTH(left) || MTH(right)).
std::string NodeHash(std::string_view left, std::string_view right);
// RFC 9162 §2.1.1: MTH({}) = SHA-256("").
std::string EmptyRoot();

// Where the hashes of complete subtrees come from. Node (level, idx) covers the leaves
// [idx * 2^level, (idx + 1) * 2^level); level 0 holds the leaf hashes.
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  // The 32-byte hash of a stored complete subtree, or "" when it is not stored. A source backed
  // by a database may throw its own exceptions; nothing here catches them.
  virtual std::string Node(int level, uint64_t idx) = 0;
};

// One complete-subtree hash to store.
struct StoredNode {
  int level = 0;
  uint64_t idx = 0;
  std::string hash;
  bool operator==(const StoredNode&) const = default;
};

// The nodes that appending the leaf with hash `leaf_hash` at index `index` (= the current tree
// size) completes: the leaf itself, then each parent while the node is a right child. Reads
// one left sibling per parent. Missing siblings are Status::Corruption.
Result<std::vector<StoredNode>> AppendLeaf(NodeSource& source, uint64_t index,
                                           std::string leaf_hash);

// In the functions below `size` must not exceed the number of leaves `source` holds; a node that
// should be there and is not is reported as Status::Corruption.

// MTH(D[0:size]) (RFC 9162 §2.1.1); EmptyRoot() for size 0.
Result<std::string> RootAt(NodeSource& source, uint64_t size);
// PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), leaf-side hash first. index < size.
Result<std::vector<std::string>> InclusionProof(NodeSource& source, uint64_t index, uint64_t size);
// PROOF(from, D[0:to]) (RFC 9162 §2.1.4.1). Empty when from == to or from == 0; from <= to.
Result<std::vector<std::string>> ConsistencyProof(NodeSource& source, uint64_t from, uint64_t to);

// RFC 9162 §2.1.3.2. Ok only if `proof` proves the leaf hash at `index` in the tree of `size`
// leaves whose root is `root`. Every failure is Status::Invalid with reason "proof-invalid".
Status VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                       const std::vector<std::string>& proof, std::string_view root);
// RFC 9162 §2.1.4.2. Ok only if the tree of `to` leaves with root `to_root` extends the tree of
// `from` leaves with root `from_root`. from == to needs an empty proof and equal roots; from == 0
// needs an empty proof and from_root == EmptyRoot().
Status VerifyConsistency(uint64_t from, uint64_t to, std::string_view from_root,
                         std::string_view to_root, const std::vector<std::string>& proof);

// The right edge of a tree: the roots of its maximal complete subtrees, largest (leftmost)
// first — exactly what RFC 9162 §2.1.1's recursion splits the tree into. Lets a verifier replay
// leaves and recompute every node and root without reading the stored ones.
class CompactRange {
 public:
  // Called for every node a leaf completes: the leaf, then each new parent, bottom-up.
  using Visitor = std::function<void(int level, uint64_t idx, const std::string& hash)>;

  CompactRange() = default;  // the empty tree
  // The range of the first `size` leaves of `source`: popcount(size) node reads.
  static Result<CompactRange> FromSource(NodeSource& source, uint64_t size);

  uint64_t size() const { return size_; }
  void Append(std::string leaf_hash, const Visitor& visit = nullptr);
  std::string Root() const;  // MTH(D[0:size])

 private:
  uint64_t size_ = 0;
  std::vector<std::string> hashes_;  // one per set bit of size_, high bit first
};

// Every complete subtree in memory: for tests and for small trees.
class MemoryNodeSource : public NodeSource {
 public:
  // Appends the leaf whose data (not hash) is `leaf_data`.
  void Append(std::string_view leaf_data);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  std::string Node(int level, uint64_t idx) override;

 private:
  std::vector<std::vector<std::string>> levels_;
};

}  // namespace agritrace::merkle
