// Tests of what the installed core promises its consumers: the version, the
// thread-count control, and SHA-256 (libmd) on known vectors.
#include <cevns/cevns_c.h>
#include <doctest/doctest.h>

#include <cevns/data.hpp>
#include <cevns/threading.hpp>
#include <cevns/version.hpp>
#include <cstdio>
#include <fstream>
#include <string>

TEST_CASE("version: header, library and C interface agree") {
  CHECK(std::string(cevns::version()) == CEVNS_VERSION_STRING);
  CHECK(std::string(cevns::header_version) == CEVNS_VERSION_STRING);
  CHECK(std::string(cevns_version()) == CEVNS_VERSION_STRING);
  const std::string expected = std::to_string(CEVNS_VERSION_MAJOR) + "." +
                               std::to_string(CEVNS_VERSION_MINOR) + "." +
                               std::to_string(CEVNS_VERSION_PATCH);
  CHECK(expected == CEVNS_VERSION_STRING);
}

TEST_CASE("set_num_threads sets the default of every parallel loop, 0 restores it") {
  const int initial = cevns::num_threads();
  CHECK(initial >= 1);
  cevns::set_num_threads(3);
#ifdef CEVNS_TEST_HAVE_OPENMP
  CHECK(cevns::num_threads() == 3);
  CHECK(cevns_num_threads() == 3);
  cevns_set_num_threads(1);
  CHECK(cevns::num_threads() == 1);
#else
  CHECK(cevns::num_threads() == 1);  // a build without OpenMP is serial
#endif
  cevns::set_num_threads(0);
  CHECK(cevns::num_threads() == initial);
  cevns::set_num_threads(-2);
  CHECK(cevns::num_threads() == initial);
}

TEST_CASE("sha256_file: FIPS 180-2 test vectors and a file across read blocks") {
  const std::string path = "cevns_test_sha256.tmp";
  const auto digest = [&](const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
    return cevns::sha256_file(path);
  };
  CHECK(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // one million 'a' spans several 64 kB read blocks
  CHECK(digest(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  std::remove(path.c_str());
}
