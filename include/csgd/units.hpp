#pragma once
// Quantities with units as users write them in YAML. Inside: seconds, bytes/s, bytes, FLOP/s.
#include <optional>
#include <string>
#include <string_view>

namespace csgd {

// "5us", "2ms", "1.5s", "1min", "300ns"; a plain number is seconds. Returns nullopt if malformed.
std::optional<double> parse_duration_s(std::string_view text);
// "10Gbps", "100Mbps", "25GB/s", "1.5GiB/s", "800kbps"; a plain number is bytes/s.
// Bits (b, bps) and bytes (B, B/s) are distinguished by case; decimal prefixes are 10^3k.
std::optional<double> parse_bandwidth_Bps(std::string_view text);
// "3.4MB", "512KiB", "1e6B"; a plain number is bytes.
std::optional<double> parse_bytes(std::string_view text);
// A model size: bytes as above, or a parameter count "850k params", "1.2M params", "270000 params"
// which is converted with `bytes_per_param`.
std::optional<double> parse_model_bytes(std::string_view text, double bytes_per_param);
// "9.3TFLOPS", "500GFLOP/s", "1e12"; a plain number is FLOP/s.
std::optional<double> parse_flop_rate(std::string_view text);

// Human-readable forms for output: "1.50 ms", "10.0 Gbps", "3.40 MB".
std::string format_duration(double seconds);
std::string format_bytes(double bytes);
std::string format_bandwidth(double bytes_per_s);
std::string format_flop_rate(double flops_per_s);  // "9.30 TFLOP/s"

}  // namespace csgd
