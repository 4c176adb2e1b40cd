// Crypto helpers over libsodium: random tokens, hashes, password hashing and
// secret boxes. Call InitCrypto() once per process before anything else here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tudushka::core {

// Initialises libsodium; throws std::runtime_error if it cannot.
void InitCrypto();

std::string HexEncode(std::string_view bytes);
// nullopt unless `hex` is an even-length string of hex digits.
std::optional<std::string> HexDecode(std::string_view hex);

// `n` random bytes.
std::string RandomBytes(std::size_t n);
// `bytes` random bytes, URL-safe base64 without padding (32 bytes -> 43 chars).
std::string RandomToken(std::size_t bytes = 32);
// Uppercase letters and digits without look-alikes (no 0/O, 1/I), for codes humans type.
std::string RandomCode(std::size_t length);

// SHA-256 as lowercase hex; tokens are stored only as this hash.
std::string Sha256Hex(std::string_view data);

// argon2id in libsodium's self-describing string format (interactive limits).
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);

// XSalsa20-Poly1305 secret box under a 32-byte key; output is nonce || ciphertext.
std::string SealSecret(std::string_view key, std::string_view plaintext);
// nullopt when the box was not made with this key or was tampered with.
std::optional<std::string> OpenSecret(std::string_view key, std::string_view sealed);

// A fast 64-bit fingerprint, stable across runs and machines (ETags); not a security hash.
std::uint64_t Fingerprint(std::string_view data);

}  // namespace tudushka::core
