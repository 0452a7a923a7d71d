#include <doctest/doctest.h>

#include <optional>
#include <string_view>

#include "csgd/units.hpp"

using doctest::Approx;

namespace {

// Checks a parse result to 1e-12 relative; a nullopt fails with the text in the message.
void check_parsed(std::optional<double> got, double expected, std::string_view text) {
  INFO("parsing \"", text, "\"");
  REQUIRE(got.has_value());
  CHECK(*got == Approx(expected).epsilon(1e-12));
}

}  // namespace

TEST_CASE("durations in every unit convert to seconds") {
  struct Case { std::string_view text; double seconds; };
  for (const Case c : {Case{"300ns", 300e-9}, Case{"5us", 5e-6}, Case{"5\u00b5s", 5e-6},
                       Case{"5\u03bcs", 5e-6}, Case{"2ms", 2e-3}, Case{"1.5s", 1.5},
                       Case{"1min", 60}, Case{"2h", 7200}, Case{"0.25", 0.25}, Case{"1e-3s", 1e-3},
                       Case{"0s", 0}})
    check_parsed(csgd::parse_duration_s(c.text), c.seconds, c.text);
}

TEST_CASE("a space between number and unit is optional") {
  check_parsed(csgd::parse_duration_s("5 us"), 5e-6, "5 us");
  check_parsed(csgd::parse_bandwidth_Bps("10 Gbps"), 1.25e9, "10 Gbps");
  check_parsed(csgd::parse_bytes("3.4 MB"), 3.4e6, "3.4 MB");
  check_parsed(csgd::parse_flop_rate("500 GFLOP/s"), 5e11, "500 GFLOP/s");
}

TEST_CASE("bandwidth distinguishes bits from bytes and decimal from binary prefixes") {
  struct Case { std::string_view text; double Bps; };
  for (const Case c : {Case{"10Gbps", 1.25e9}, Case{"100Mbps", 12.5e6}, Case{"800kbps", 1e5},
                       Case{"1Tbps", 1.25e11}, Case{"10Gbit/s", 1.25e9}, Case{"10Gb/s", 1.25e9},
                       Case{"25GB/s", 25e9}, Case{"25GBps", 25e9}, Case{"3kB/s", 3e3},
                       Case{"3MB/s", 3e6}, Case{"1.5GiB/s", 1.5 * 1024.0 * 1024 * 1024},
                       Case{"2KiB/s", 2048}, Case{"1MiB/s", 1048576}, Case{"1e9", 1e9}})
    check_parsed(csgd::parse_bandwidth_Bps(c.text), c.Bps, c.text);
}

TEST_CASE("sizes accept decimal and binary prefixes") {
  struct Case { std::string_view text; double bytes; };
  for (const Case c : {Case{"3.4MB", 3.4e6}, Case{"512KiB", 512 * 1024.0}, Case{"1e6B", 1e6},
                       Case{"7B", 7}, Case{"2kB", 2e3}, Case{"2KB", 2e3}, Case{"1GB", 1e9},
                       Case{"1TB", 1e12}, Case{"1MiB", 1048576}, Case{"1GiB", 1073741824},
                       Case{"4096", 4096}})
    check_parsed(csgd::parse_bytes(c.text), c.bytes, c.text);
}

TEST_CASE("model sizes accept bytes or a parameter count times bytes per parameter") {
  struct Case { std::string_view text; double bytes; };
  for (const Case c : {Case{"850k params", 850e3 * 4}, Case{"1.2M params", 1.2e6 * 4},
                       Case{"270000 params", 270000.0 * 4}, Case{"3.4M parameters", 3.4e6 * 4},
                       Case{"1.5B params", 1.5e9 * 4}, Case{"2G params", 2e9 * 4},
                       Case{"850kparams", 850e3 * 4}, Case{"3.4MB", 3.4e6}, Case{"1000", 1000}})
    check_parsed(csgd::parse_model_bytes(c.text, 4.0), c.bytes, c.text);
  check_parsed(csgd::parse_model_bytes("1M params", 8.0), 8e6, "1M params at 8 bytes");
}

TEST_CASE("a parameter count needs a positive bytes-per-parameter") {
  CHECK_FALSE(csgd::parse_model_bytes("1M params", 0.0));
  CHECK_FALSE(csgd::parse_model_bytes("1M params", -4.0));
}

TEST_CASE("FLOP rates accept prefixes and both spellings") {
  check_parsed(csgd::parse_flop_rate("9.3TFLOPS"), 9.3e12, "9.3TFLOPS");
  check_parsed(csgd::parse_flop_rate("500GFLOP/s"), 5e11, "500GFLOP/s");
  check_parsed(csgd::parse_flop_rate("1e12"), 1e12, "1e12");
  check_parsed(csgd::parse_flop_rate("2 PFLOPS"), 2e15, "2 PFLOPS");
}

TEST_CASE("negative, non-finite, unknown-unit and trailing-junk inputs are rejected") {
  for (const std::string_view bad : {"", " ", "-5us", "+5us", "nan", "inf", "infs", "NaNs",
                                     "5 parsecs", "5usx", "5 us 3", "us", "5u s", "1e400s", "5m",
                                     "5Ms", "5 s s"}) {
    INFO("duration \"", bad, "\"");
    CHECK_FALSE(csgd::parse_duration_s(bad));
  }
  for (const std::string_view bad : {"-1Gbps", "10Gbpsx", "10GBs", "10 Gibs", "10 Xbps", "nan", "10 G"}) {
    INFO("bandwidth \"", bad, "\"");
    CHECK_FALSE(csgd::parse_bandwidth_Bps(bad));
  }
  for (const std::string_view bad : {"-1MB", "1Mb", "1 MB/s", "1MBB", "1 XB", "inf", "1.2.3MB"}) {
    INFO("size \"", bad, "\"");
    CHECK_FALSE(csgd::parse_bytes(bad));
  }
  for (const std::string_view bad : {"-1M params", "1X params", "1M", "1M params!", "params", "1MB params"}) {
    INFO("model size \"", bad, "\"");
    CHECK_FALSE(csgd::parse_model_bytes(bad, 4.0));
  }
  for (const std::string_view bad : {"-1TFLOPS", "1 TFLOPSx", "1 TB", "nan", "1 mFLOPS"}) {
    INFO("FLOP rate \"", bad, "\"");
    CHECK_FALSE(csgd::parse_flop_rate(bad));
  }
}

TEST_CASE("durations are formatted with three significant digits and a unit") {
  CHECK(csgd::format_duration(1.5e-3) == "1.50 ms");
  CHECK(csgd::format_duration(5e-6) == "5.00 us");
  CHECK(csgd::format_duration(0) == "0 s");
  CHECK(csgd::format_duration(12.345) == "12.3 s");
  CHECK(csgd::format_duration(123.4e-9) == "123 ns");
  CHECK(csgd::format_duration(0.01) == "10.0 ms");
  CHECK(csgd::format_duration(90) == "1.50 min");
  CHECK(csgd::format_duration(7200) == "2.00 h");
  CHECK(csgd::format_duration(0.5e-9) == "0.500 ns");
}

TEST_CASE("rounding up to the next unit switches the unit") {
  CHECK(csgd::format_duration(999.7e-6) == "1.00 ms");
  CHECK(csgd::format_bytes(999.95e3) == "1.00 MB");
}

TEST_CASE("sizes and bandwidths are formatted with three significant digits and a unit") {
  CHECK(csgd::format_bytes(3.4e6) == "3.40 MB");
  CHECK(csgd::format_bytes(512) == "512 B");
  CHECK(csgd::format_bytes(0) == "0 B");
  CHECK(csgd::format_bytes(2.5e9) == "2.50 GB");
  CHECK(csgd::format_bandwidth(1.25e9) == "10.0 Gbps");
  CHECK(csgd::format_bandwidth(12.5e6) == "100 Mbps");
  CHECK(csgd::format_bandwidth(0) == "0 bps");
}

TEST_CASE("formatted values parse back to the same quantity within rounding") {
  for (const double s : {3e-9, 4.56e-6, 7.89e-3, 1.23, 456.0}) {
    const auto back = csgd::parse_duration_s(csgd::format_duration(s));
    REQUIRE(back.has_value());
    CHECK(*back == Approx(s).epsilon(5e-3));
  }
  for (const double b : {12.0, 3.4e3, 5.6e6, 7.8e9}) {
    const auto back = csgd::parse_bytes(csgd::format_bytes(b));
    REQUIRE(back.has_value());
    CHECK(*back == Approx(b).epsilon(5e-3));
  }
  for (const double bw : {1.25e9, 3e6, 1.5e11}) {
    const auto back = csgd::parse_bandwidth_Bps(csgd::format_bandwidth(bw));
    REQUIRE(back.has_value());
    CHECK(*back == Approx(bw).epsilon(5e-3));
  }
}
