#include "agritrace/registry/merkle.h"

#include <openssl/evp.h>

#include <bit>
#include <cstdlib>

#include "agritrace/registry/encoding.h"

namespace agritrace::merkle {
namespace {

// SHA-256(prefix || a || b). The digest is fetched once and the context reused per thread:
// one-shot SHA256() re-fetches the algorithm on every call, which dominates for 65-byte inputs.
std::string Sha256Parts(unsigned char prefix, std::string_view a, std::string_view b) {
  struct Md {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    ~Md() { EVP_MD_free(md); }
  };
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  static const Md kSha256;
  thread_local Ctx ctx;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!kSha256.md || !ctx.ctx || !EVP_DigestInit_ex2(ctx.ctx, kSha256.md, nullptr) ||
      !EVP_DigestUpdate(ctx.ctx, &prefix, 1) || !EVP_DigestUpdate(ctx.ctx, a.data(), a.size()) ||
      !EVP_DigestUpdate(ctx.ctx, b.data(), b.size()) || !EVP_DigestFinal_ex(ctx.ctx, md, &len))
    std::abort();  // only out of memory gets here; a wrong hash must never be returned
  return std::string(reinterpret_cast<char*>(md), len);
}

// RFC 9162 §2.1.1: "k is the largest power of two smaller than n" (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

Status ProofInvalid(const std::string& zh, const std::string& en) {
  return Status::Invalid("证明无效：" + zh, "proof does not verify: " + en)
      .with_reason("proof-invalid");
}

Result<std::string> ReadNode(NodeSource& source, int level, uint64_t idx) {
  std::string hash = source.Node(level, idx);
  if (hash.size() != kHashSize) {
    std::string where = "(" + std::to_string(level) + ", " + std::to_string(idx) + ")";
    return Status::Corruption("Merkle 节点 " + where + " 缺失或长度错误",
                              "Merkle node (level, index) " + where + " is missing or malformed")
        .with_reason("log-node-missing");
  }
  return hash;
}

// MTH(D[begin:end]) for a subtree that RFC 9162 §2.1.1's recursion produces: `begin` is a
// multiple of the power of two the range was split off at. Its pieces are the complete subtrees
// given by the bits of (end - begin), largest first; one node read per piece, so at most
// log2(n) reads even for the right edge.
Result<std::string> SubtreeHash(NodeSource& source, uint64_t begin, uint64_t end) {
  std::vector<std::string> pieces;
  uint64_t pos = begin;
  const uint64_t width = end - begin;
  for (int level = 63; level >= 0; --level) {
    const uint64_t span = uint64_t{1} << level;
    if (!(width & span)) continue;
    if (pos % span != 0)
      return Status::Invalid("内部错误：子树未对齐", "internal error: unaligned subtree");
    auto node = ReadNode(source, level, pos >> level);
    if (!node.ok()) return node.status();
    pieces.push_back(std::move(node).value());
    pos += span;
  }
  std::string hash = std::move(pieces.back());
  for (size_t i = pieces.size() - 1; i-- > 0;) hash = NodeHash(pieces[i], hash);
  return hash;
}

// RFC 9162 §2.1.3.1 PATH(m, D[begin:end]), hashes appended leaf side first.
Status Path(NodeSource& source, uint64_t m, uint64_t begin, uint64_t end,
            std::vector<std::string>& out) {
  if (end - begin == 1) return Status::Ok();
  const uint64_t k = SplitPoint(end - begin);
  Result<std::string> sibling = std::string();
  if (m < begin + k) {
    // PATH(m, D[0:k]) : MTH(D[k:n])
    if (Status s = Path(source, m, begin, begin + k, out); !s.ok()) return s;
    sibling = SubtreeHash(source, begin + k, end);
  } else {
    // PATH(m - k, D[k:n]) : MTH(D[0:k])
    if (Status s = Path(source, m, begin + k, end, out); !s.ok()) return s;
    sibling = SubtreeHash(source, begin, begin + k);
  }
  if (!sibling.ok()) return sibling.status();
  out.push_back(std::move(sibling).value());
  return Status::Ok();
}

// RFC 9162 §2.1.4.1 SUBPROOF(m, D[begin:end], b), m an absolute leaf count.
Status SubProof(NodeSource& source, uint64_t m, uint64_t begin, uint64_t end, bool b,
                std::vector<std::string>& out) {
  if (m == end) {
    // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}
    if (b) return Status::Ok();
    auto hash = SubtreeHash(source, begin, end);
    if (!hash.ok()) return hash.status();
    out.push_back(std::move(hash).value());
    return Status::Ok();
  }
  const uint64_t k = SplitPoint(end - begin);
  Result<std::string> sibling = std::string();
  if (m <= begin + k) {
    // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
    if (Status s = SubProof(source, m, begin, begin + k, b, out); !s.ok()) return s;
    sibling = SubtreeHash(source, begin + k, end);
  } else {
    // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
    if (Status s = SubProof(source, m, begin + k, end, false, out); !s.ok()) return s;
    sibling = SubtreeHash(source, begin, begin + k);
  }
  if (!sibling.ok()) return sibling.status();
  out.push_back(std::move(sibling).value());
  return Status::Ok();
}

Status CheckHashes(const std::vector<std::string>& proof) {
  for (size_t i = 0; i < proof.size(); ++i)
    if (proof[i].size() != kHashSize)
      return ProofInvalid("第 " + std::to_string(i) + " 个哈希不是 32 字节",
                          "hash " + std::to_string(i) + " is not 32 bytes");
  return Status::Ok();
}

// "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0"
void ShiftWhileEven(uint64_t& fn, uint64_t& sn) {
  while (fn != 0 && !(fn & 1)) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

std::string LeafHash(std::string_view leaf_data) { return Sha256Parts(0x00, leaf_data, {}); }

std::string NodeHash(std::string_view left, std::string_view right) {
  return Sha256Parts(0x01, left, right);
}

std::string EmptyRoot() { return Sha256(""); }

Result<std::vector<StoredNode>> AppendLeaf(NodeSource& source, uint64_t index,
                                           std::string leaf_hash) {
  std::vector<StoredNode> nodes;
  nodes.push_back({0, index, std::move(leaf_hash)});
  // A right child (odd idx) completes its parent, whose left half is already stored.
  for (int level = 0; nodes.back().idx & 1; ++level) {
    const uint64_t idx = nodes.back().idx;
    auto left = ReadNode(source, level, idx - 1);
    if (!left.ok()) return left.status();
    nodes.push_back({level + 1, idx >> 1, NodeHash(*left, nodes.back().hash)});
  }
  return nodes;
}

Result<std::string> RootAt(NodeSource& source, uint64_t size) {
  if (size == 0) return EmptyRoot();
  return SubtreeHash(source, 0, size);
}

Result<std::vector<std::string>> InclusionProof(NodeSource& source, uint64_t index, uint64_t size) {
  if (index >= size)
    return Status::Invalid(
        "叶子序号 " + std::to_string(index) + " 不小于树大小 " + std::to_string(size),
        "leaf index " + std::to_string(index) + " is not below tree size " + std::to_string(size));
  std::vector<std::string> proof;
  if (Status s = Path(source, index, 0, size, proof); !s.ok()) return s;
  return proof;
}

Result<std::vector<std::string>> ConsistencyProof(NodeSource& source, uint64_t from, uint64_t to) {
  if (from > to)
    return Status::Invalid(
        "一致性证明的起点 " + std::to_string(from) + " 大于终点 " + std::to_string(to),
        "consistency proof from size " + std::to_string(from) + " is larger than size " +
            std::to_string(to));
  std::vector<std::string> proof;
  if (from == 0 || from == to) return proof;
  // PROOF(m, D[n]) = SUBPROOF(m, D[n], true)
  if (Status s = SubProof(source, from, 0, to, true, proof); !s.ok()) return s;
  return proof;
}

Status VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                       const std::vector<std::string>& proof, std::string_view root) {
  // RFC 9162 §2.1.3.2 step 1: "If leaf_index is greater than or equal to tree_size, then stop
  // and fail the proof verification."
  if (index >= size)
    return ProofInvalid("叶子序号不小于树大小", "leaf index is not below the tree size");
  if (leaf_hash.size() != kHashSize || root.size() != kHashSize)
    return ProofInvalid("叶子哈希或根哈希不是 32 字节", "leaf or root hash is not 32 bytes");
  if (Status s = CheckHashes(proof); !s.ok()) return s;
  // Steps 2-3.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  std::string r(leaf_hash);
  // Step 4.
  for (const std::string& p : proof) {
    // 4a: a proof longer than the path to the root.
    if (sn == 0) return ProofInvalid("证明过长", "proof is too long");
    if ((fn & 1) || fn == sn) {
      // 4b
      r = NodeHash(p, r);
      if (!(fn & 1)) ShiftWhileEven(fn, sn);
    } else {
      // 4c
      r = NodeHash(r, p);
    }
    // 4d
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  if (sn != 0) return ProofInvalid("证明过短", "proof is too short");
  if (r != root) return ProofInvalid("计算出的根与给定的根不符", "computed root does not match");
  return Status::Ok();
}

Status VerifyConsistency(uint64_t from, uint64_t to, std::string_view from_root,
                         std::string_view to_root, const std::vector<std::string>& proof) {
  if (from > to) return ProofInvalid("旧树大于新树", "first size is larger than second size");
  if (from_root.size() != kHashSize || to_root.size() != kHashSize)
    return ProofInvalid("根哈希不是 32 字节", "root hash is not 32 bytes");
  if (Status s = CheckHashes(proof); !s.ok()) return s;
  if (from == to) {
    if (!proof.empty())
      return ProofInvalid("相同大小的证明应为空", "equal sizes need an empty proof");
    if (from_root != to_root)
      return ProofInvalid("相同大小的根不同", "equal sizes, different roots");
    return Status::Ok();
  }
  if (from == 0) {
    if (!proof.empty()) return ProofInvalid("空树的证明应为空", "empty tree needs an empty proof");
    if (from_root != EmptyRoot()) return ProofInvalid("空树的根错误", "wrong empty-tree root");
    return Status::Ok();
  }
  // RFC 9162 §2.1.4.2 step 1: "If consistency_path is an empty array, stop and fail".
  if (proof.empty()) return ProofInvalid("证明为空", "proof is empty");
  // Step 2: "If first is an exact power of 2, then prepend first_hash to the consistency_path".
  std::vector<std::string_view> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(from)) path.push_back(from_root);
  for (const std::string& h : proof) path.push_back(h);
  // Step 3.
  uint64_t fn = from - 1;
  uint64_t sn = to - 1;
  // Step 4: "If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set."
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  std::string fr(path[0]);
  std::string sr(path[0]);
  // Step 6.
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string_view c = path[i];
    // 6a
    if (sn == 0) return ProofInvalid("证明过长", "proof is too long");
    if ((fn & 1) || fn == sn) {
      // 6b
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) ShiftWhileEven(fn, sn);
    } else {
      // 6b "Otherwise"
      sr = NodeHash(sr, c);
    }
    // 6c
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return ProofInvalid("证明过短", "proof is too short");
  if (fr != from_root) return ProofInvalid("旧树的根不符", "first root does not match");
  if (sr != to_root) return ProofInvalid("新树的根不符", "second root does not match");
  return Status::Ok();
}

Result<CompactRange> CompactRange::FromSource(NodeSource& source, uint64_t size) {
  CompactRange range;
  uint64_t pos = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t span = uint64_t{1} << level;
    if (!(size & span)) continue;
    auto node = ReadNode(source, level, pos >> level);
    if (!node.ok()) return node.status();
    range.hashes_.push_back(std::move(node).value());
    pos += span;
  }
  range.size_ = size;
  return range;
}

void CompactRange::Append(std::string leaf_hash, const Visitor& visit) {
  uint64_t idx = size_;
  int level = 0;
  if (visit) visit(level, idx, leaf_hash);
  // Each trailing 1 bit of the old size is a complete subtree of the same size to merge with.
  while (idx & 1) {
    leaf_hash = NodeHash(hashes_.back(), leaf_hash);
    hashes_.pop_back();
    idx >>= 1;
    ++level;
    if (visit) visit(level, idx, leaf_hash);
  }
  hashes_.push_back(std::move(leaf_hash));
  ++size_;
}

std::string CompactRange::Root() const {
  if (hashes_.empty()) return EmptyRoot();
  std::string hash = hashes_.back();
  for (size_t i = hashes_.size() - 1; i-- > 0;) hash = NodeHash(hashes_[i], hash);
  return hash;
}

void MemoryNodeSource::Append(std::string_view leaf_data) {
  auto nodes = AppendLeaf(*this, size(), LeafHash(leaf_data));
  // Every left sibling is in memory, so this cannot fail.
  for (StoredNode& n : *nodes) {
    if (levels_.size() <= static_cast<size_t>(n.level)) levels_.resize(n.level + 1);
    levels_[n.level].push_back(std::move(n.hash));
  }
}

std::string MemoryNodeSource::Node(int level, uint64_t idx) {
  if (level < 0 || static_cast<size_t>(level) >= levels_.size()) return {};
  const auto& row = levels_[level];
  return idx < row.size() ? row[idx] : std::string();
}

}  // namespace agritrace::merkle
