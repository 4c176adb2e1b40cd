#include "tudushka/core/crypto.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <set>

using namespace tudushka::core;

class CryptoTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CryptoTest);
  CPPUNIT_TEST(tokensAre256BitAndUnique);
  CPPUNIT_TEST(codesUseTheUnambiguousAlphabet);
  CPPUNIT_TEST(sha256MatchesKnownVector);
  CPPUNIT_TEST(passwordsHashWithArgon2id);
  CPPUNIT_TEST(secretBoxRoundTripsAndDetectsTampering);
  CPPUNIT_TEST(hexRoundTrips);
  CPPUNIT_TEST(fingerprintIsStable);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { InitCrypto(); }

  void tokensAre256BitAndUnique() {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
      std::string t = RandomToken(32);
      CPPUNIT_ASSERT_EQUAL(std::size_t(43), t.size());  // 32 bytes, base64url, no padding
      CPPUNIT_ASSERT(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789-_") == std::string::npos);
      seen.insert(t);
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(100), seen.size());
  }
  void codesUseTheUnambiguousAlphabet() {
    std::string c = RandomCode(64);
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), c.size());
    CPPUNIT_ASSERT(c.find_first_of("01IO") == std::string::npos);
  }
  void sha256MatchesKnownVector() {
    CPPUNIT_ASSERT_EQUAL(
        std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Sha256Hex("abc"));
  }
  void passwordsHashWithArgon2id() {
    std::string h = HashPassword("correct horse");
    CPPUNIT_ASSERT(h.rfind("$argon2id$", 0) == 0);
    CPPUNIT_ASSERT(VerifyPassword(h, "correct horse"));
    CPPUNIT_ASSERT(!VerifyPassword(h, "correct horse "));
    CPPUNIT_ASSERT(HashPassword("correct horse") != h);  // salted
  }
  void secretBoxRoundTripsAndDetectsTampering() {
    std::string key = RandomBytes(32);
    std::string sealed = SealSecret(key, "sk-test-key");
    CPPUNIT_ASSERT(sealed.find("sk-test-key") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("sk-test-key"), *OpenSecret(key, sealed));
    sealed.back() ^= 1;
    CPPUNIT_ASSERT(!OpenSecret(key, sealed));
    CPPUNIT_ASSERT(!OpenSecret(RandomBytes(32), SealSecret(key, "x")));
  }
  void hexRoundTrips() {
    CPPUNIT_ASSERT_EQUAL(std::string("00ff10"), HexEncode(std::string("\x00\xff\x10", 3)));
    CPPUNIT_ASSERT_EQUAL(std::string("\x00\xff\x10", 3), *HexDecode("00FF10"));
    CPPUNIT_ASSERT(!HexDecode("abc"));
    CPPUNIT_ASSERT(!HexDecode("zz"));
  }
  void fingerprintIsStable() {
    CPPUNIT_ASSERT_EQUAL(Fingerprint("hello world, twelve"), Fingerprint("hello world, twelve"));
    CPPUNIT_ASSERT(Fingerprint("a") != Fingerprint("b"));
    CPPUNIT_ASSERT(Fingerprint("12345678") != Fingerprint("12345679"));
    CPPUNIT_ASSERT(Fingerprint("") != Fingerprint(std::string(1, '\0')));
    CPPUNIT_ASSERT(Fingerprint("abcdefgh12345678") != Fingerprint("12345678abcdefgh"));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CryptoTest);
