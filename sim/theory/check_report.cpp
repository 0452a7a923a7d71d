// The report of `csgd check theory`: REPORT.md (a summary table, then every check's rows, seeds
// and notes) and checks.csv (one line per row), both written atomically.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "theory/theory_checks.hpp"

namespace csgd {
namespace {

void write_atomically(const std::filesystem::path& file, const std::string& text) {
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    out << text;
  }
  std::filesystem::rename(tmp, file);
}

// A markdown table cell: no raw '|' or newline.
std::string cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n')
      out += ' ';
    else
      out += ch;
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string duration(double s) { return s < 90 ? fmt::format("{:.0f} s", s) : fmt::format("{:.1f} min", s / 60); }

}  // namespace

std::string format_check_row(const CheckSection& section, const CheckRow& row) {
  return fmt::format("[{}] {:<4} {} | predicted {} | measured {} | {}", section.number, to_string(row.verdict),
                     row.case_name, row.predicted, row.measured, row.ratio);
}

void write_check_report(const std::vector<CheckSection>& sections, const ReportInfo& info,
                        const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  bool all = true;
  std::int64_t runs = 0;
  for (const auto& s : sections) {
    all = all && s.passed();
    runs += s.runs;
  }
  std::string md = fmt::format(
      "# Theory checks\n\n"
      "csgd {} · {} · `{}` · {} runs · {} wall clock · overall: **{}**\n\n"
      "Each check runs experiment files from `experiments/theory/` on the synthetic problem (exact L, σ, κ, f* = 0; "
      "float64) through `run_experiment`, and reads `mean_grad_norm_sq` = (1/T)Σ_{{t<T}}‖∇f(x̄⁽ᵗ⁾)‖² from each run's "
      "`summary.json`. Seeds are fixed (1..K, the same for every case of a check, so comparisons are paired), every "
      "mean is shown with its standard error SE = sd/√K, and each check runs once: nothing is retried.\n\n"
      "| # | check | verdict | seeds | runs | wall |\n| --- | --- | --- | --- | --- | --- |\n",
      CSGD_VERSION, info.fast ? "fast subset (CI)" : "full set", info.command, runs, duration(info.wall_s),
      all ? "all checks pass" : "SOME CHECKS FAIL");
  for (const auto& s : sections)
    md += fmt::format("| {} | [{}](#{}) | {} | {} (K = {}) | {} | {} |\n", s.number, cell(s.title), s.id,
                      s.passed() ? "pass" : "**FAIL**", seeds_text(s.seeds), s.seeds, s.runs, duration(s.wall_s));
  std::string csv = "check,title,case,predicted,measured,ratio_or_slope,verdict,seeds\n";
  for (const auto& s : sections) {
    md += fmt::format("\n<a id=\"{}\"></a>\n## {}. {} — {}\n\n", s.id, s.number, s.title, s.passed() ? "pass" : "FAIL");
    md += fmt::format("Base file `experiments/theory/{}`; seeds {} (K = {}); {} runs; {}.\n\n", s.file,
                      seeds_text(s.seeds), s.seeds, s.runs, duration(s.wall_s));
    md += "| case | predicted | measured | ratio or slope | verdict |\n| --- | --- | --- | --- | --- |\n";
    for (const auto& r : s.rows) {
      md += fmt::format("| {} | {} | {} | {} | {} |\n", cell(r.case_name), cell(r.predicted), cell(r.measured),
                        cell(r.ratio), r.verdict == Verdict::fail ? "**FAIL**" : to_string(r.verdict));
      csv += fmt::format("{},{},{},{},{},{},{},{}\n", s.number, csv_field(s.title), csv_field(r.case_name),
                         csv_field(r.predicted), csv_field(r.measured), csv_field(r.ratio), to_string(r.verdict),
                         csv_field(seeds_text(s.seeds)));
    }
    for (const auto& n : s.notes) md += "\n" + n + "\n";
  }
  write_atomically(dir / "REPORT.md", md);
  write_atomically(dir / "checks.csv", csv);
}

}  // namespace csgd
