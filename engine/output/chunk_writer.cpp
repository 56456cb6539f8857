// write_whole (hdf5_support.hpp): a dataset's chunks filtered on all threads, then written as
// they are.
#include <omp.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "hdf5_support.hpp"

namespace icsim::output::detail {

namespace {

// HDF5's shuffle filter: byte b of element e goes to b * n + e (n elements; any bytes after the
// last whole element stay where they are). It leaves a buffer of one element, or of elements of
// one byte, as it is.
void shuffle(const unsigned char* in, unsigned char* out, std::size_t bytes, std::size_t size) {
  const std::size_t n = bytes / size;
  if (size <= 1 || n <= 1) {
    std::memcpy(out, in, bytes);
    return;
  }
  for (std::size_t b = 0; b < size; ++b)
    for (std::size_t e = 0; e < n; ++e) out[b * n + e] = in[e * size + b];
  std::memcpy(out + n * size, in + n * size, bytes - n * size);
}

struct Pipeline {
  bool ok = false;  // shuffle, then deflate at `level`: the one pipeline create_dataset makes
  int level = 0;
};

Pipeline pipeline_of(hid_t dcpl) {
  Pipeline p;
  if (H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_nfilters(dcpl) != 2) return p;
  unsigned flags = 0, config = 0, values[8] = {};
  std::size_t count = 8;
  char name[64];
  if (H5Pget_filter2(dcpl, 0, &flags, &count, values, sizeof name, name, &config) !=
      H5Z_FILTER_SHUFFLE)
    return p;
  count = 8;
  if (H5Pget_filter2(dcpl, 1, &flags, &count, values, sizeof name, name, &config) !=
          H5Z_FILTER_DEFLATE ||
      count < 1)
    return p;
  p.ok = true;
  p.level = static_cast<int>(values[0]);
  return p;
}

// One chunk, filtered.
struct Filtered {
  std::vector<unsigned char> bytes;
  bool failed = false;
};

}  // namespace

void write_whole(const FileState& f, hid_t dataset, hid_t memory_type, const void* data,
                 const std::string& what) {
  if (!write_rows(f, dataset, memory_type, data, 0, 0, what))
    f.check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
}

bool write_rows(const FileState& f, hid_t dataset, hid_t memory_type, const void* data,
                hsize_t first_row, hsize_t rows, const std::string& what) {
  Id dcpl(f.check(H5Dget_create_plist(dataset), what), H5Pclose);
  Id type(f.check(H5Dget_type(dataset), what), H5Tclose);
  const Pipeline p = pipeline_of(dcpl);
  if (!p.ok || H5Tequal(type, memory_type) <= 0) return false;
  Id space(f.check(H5Dget_space(dataset), what), H5Sclose);
  const int rank = f.check(H5Sget_simple_extent_ndims(space), what);
  if (rank < 1) return false;
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank)), chunk(dims.size());
  f.check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), what);
  f.check(H5Pget_chunk(dcpl, rank, chunk.data()), what);
  if (rows == 0) rows = dims[0] - first_row;
  // Whole chunks along the first dimension (or up to its end).
  if (first_row % chunk[0] != 0 || first_row + rows > dims[0] ||
      (rows % chunk[0] != 0 && first_row + rows != dims[0]))
    return false;
  const std::size_t size = H5Tget_size(type);
  const std::size_t R = dims.size();
  // Chunks per dimension (the first within the rows), and elements per step in `data`, whose
  // first dimension holds `rows`.
  std::vector<std::size_t> grid(R), stride(R);
  std::size_t chunks = 1, chunk_elements = 1;
  for (std::size_t d = 0; d < R; ++d) {
    const hsize_t extent = d == 0 ? rows : dims[d];
    grid[d] = static_cast<std::size_t>((extent + chunk[d] - 1) / chunk[d]);
    chunks *= grid[d];
    chunk_elements *= static_cast<std::size_t>(chunk[d]);
  }
  for (std::size_t d = R; d-- > 0;)
    stride[d] = d + 1 == R ? 1 : stride[d + 1] * static_cast<std::size_t>(dims[d + 1]);
  const std::size_t chunk_bytes = chunk_elements * size;
  const auto* src = static_cast<const unsigned char*>(data);

  // The offset (in elements, per dimension, in the dataset) of chunk c, chunks in row-major
  // order.
  auto offset_of = [&](std::size_t c) {
    std::vector<hsize_t> o(R);
    for (std::size_t d = R; d-- > 0;) {
      o[d] = static_cast<hsize_t>(c % grid[d]) * chunk[d] + (d == 0 ? first_row : 0);
      c /= grid[d];
    }
    return o;
  };
  // The chunk at `o` in row-major order within the chunk, zero outside the dataset (HDF5's
  // default fill value, which it writes into an edge chunk's unused part).
  auto gather = [&](const std::vector<hsize_t>& o, unsigned char* out) {
    std::memset(out, 0, chunk_bytes);
    const std::size_t last = R - 1;
    const std::size_t run = static_cast<std::size_t>(std::min(chunk[last], dims[last] - o[last]));
    std::vector<hsize_t> i(R, 0);  // position within the chunk, last dimension fixed at 0
    for (;;) {
      bool inside = true;
      std::size_t from = 0, to = 0;
      for (std::size_t d = 0; d < R; ++d) {
        if (o[d] + i[d] >= dims[d]) inside = false;
        from += static_cast<std::size_t>(o[d] + i[d] - (d == 0 ? first_row : 0)) * stride[d];
        to = to * static_cast<std::size_t>(chunk[d]) + static_cast<std::size_t>(i[d]);
      }
      if (inside) std::memcpy(out + to * size, src + from * size, run * size);
      std::size_t d = last;
      while (d-- > 0) {
        if (++i[d] < chunk[d]) break;
        i[d] = 0;
      }
      if (d == static_cast<std::size_t>(-1)) break;
    }
  };

  // Batches of chunks: filtered in parallel, then written in chunk order.
  const std::size_t batch = 4 * static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
  std::vector<Filtered> filtered(std::min(batch, chunks));
  for (std::size_t first = 0; first < chunks; first += batch) {
    const std::size_t count = std::min(batch, chunks - first);
#pragma omp parallel
    {
      std::vector<unsigned char> raw(chunk_bytes), shuffled(chunk_bytes);
#pragma omp for schedule(dynamic, 1)
      for (long long j = 0; j < static_cast<long long>(count); ++j) {
        Filtered& out = filtered[static_cast<std::size_t>(j)];
        out = {};
        gather(offset_of(first + static_cast<std::size_t>(j)), raw.data());
        shuffle(raw.data(), shuffled.data(), chunk_bytes, size);
        // As HDF5's deflate filter: compress2 into a buffer of compressBound bytes (so the
        // output may be larger than its input, and is kept even then).
        uLongf length = compressBound(static_cast<uLong>(chunk_bytes));
        out.bytes.resize(length);
        const int status = compress2(out.bytes.data(), &length, shuffled.data(),
                                     static_cast<uLong>(chunk_bytes), p.level);
        out.failed = status != Z_OK;
        out.bytes.resize(length);
      }
    }
    for (std::size_t j = 0; j < count; ++j) {
      const Filtered& c = filtered[j];
      if (c.failed) f.fail(what + " (zlib could not compress a chunk)");
      const std::vector<hsize_t> o = offset_of(first + j);
      f.check(H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, o.data(), c.bytes.size(), c.bytes.data()),
              what);
    }
  }
  return true;
}

}  // namespace icsim::output::detail
