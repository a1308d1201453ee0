#include "bench/bm25/xapian_engine.hpp"

#include <filesystem>

#include <xapian.h>

namespace winnow::bench {

struct xapian_engine::impl {
  std::string dir;
  Xapian::WritableDatabase db;
  double k1, b;                  // Xapian::Weight is not copyable: kept as numbers
  std::vector<std::string> ids;  // Xapian docid - 1 → external id

  impl(std::string d, Xapian::WritableDatabase w, double k1_, double b_)
      : dir(std::move(d)), db(std::move(w)), k1(k1_), b(b_) {}
};

namespace {
status from_xapian(const Xapian::Error& e, const std::string& what) {
  return status::io_error("xapian: " + what + ": " + e.get_type() + ": " + e.get_msg());
}
}  // namespace

xapian_engine::xapian_engine(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
xapian_engine::~xapian_engine() = default;

status_or<std::unique_ptr<xapian_engine>> xapian_engine::create(const std::string& dir, double k1,
                                                                double b) {
  try {
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE);
    auto i = std::make_unique<impl>(dir, std::move(db), k1, b);
    return std::unique_ptr<xapian_engine>(new xapian_engine(std::move(i)));
  } catch (const Xapian::Error& e) {
    return from_xapian(e, "create " + dir);
  }
}

status xapian_engine::add(const std::string& id, const std::vector<std::string>& terms,
                          const std::string& data) {
  try {
    Xapian::Document doc;
    for (const auto& t : terms) doc.add_term(t);
    doc.set_data(data);
    impl_->db.add_document(doc);
    impl_->ids.push_back(id);
    return status::ok_status();
  } catch (const Xapian::Error& e) {
    return from_xapian(e, "add " + id);
  }
}

status xapian_engine::commit() {
  try {
    impl_->db.commit();
    return status::ok_status();
  } catch (const Xapian::Error& e) {
    return from_xapian(e, "commit");
  }
}

status_or<std::vector<index::hit>> xapian_engine::search(const std::vector<std::string>& terms,
                                                         size_t k) const {
  std::vector<index::hit> hits;
  if (terms.empty()) return hits;
  try {
    Xapian::Enquire enquire(impl_->db);
    enquire.set_weighting_scheme(Xapian::BM25Weight(impl_->k1, 0, 1, impl_->b, 0));
    enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(k));
    hits.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      hits.push_back({impl_->ids[*it - 1], static_cast<float>(it.get_weight())});
    }
    return hits;
  } catch (const Xapian::Error& e) {
    return from_xapian(e, "search");
  }
}

status_or<uint64_t> xapian_engine::postings() const {
  try {
    uint64_t n = 0;
    for (auto t = impl_->db.allterms_begin(); t != impl_->db.allterms_end(); ++t) {
      n += t.get_termfreq();
    }
    return n;
  } catch (const Xapian::Error& e) {
    return from_xapian(e, "postings");
  }
}

uint64_t xapian_engine::postlist_bytes() const {
  std::error_code ec;
  const auto size = std::filesystem::file_size(impl_->dir + "/postlist.glass", ec);
  return ec ? 0 : size;
}

uint64_t xapian_engine::total_bytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(impl_->dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

}  // namespace winnow::bench
