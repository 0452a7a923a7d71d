// Loading an experiment file: YAML parsing, --set overrides, and expansion of the `sweep:`
// map into the cartesian product of runs. Every run is read from a fresh parse of the file
// so each value keeps its own line and column for error messages.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "config/experiment_reader.hpp"
#include "csgd/input_limits.hpp"

namespace csgd {
namespace {

struct Override {
  std::string path;
  YAML::Node value;
  std::string origin;
};

// Every map key must be a plain name: YAML's complex keys (`? [a, b] : 1`) name nothing here.
// `where` is the file (positions follow) or a --set option (positions inside its value would mislead).
constexpr std::size_t kMaxYamlNodes = 1'000'000;

// Refuses YAML complex keys ('? [a, b] : 1'), which name nothing here, and trees of more than
// kMaxYamlNodes nodes counted with aliases expanded: aliases share nodes, so a few lines can stand
// for billions (an "alias bomb") that any later walk would expand.
void check_tree(const YAML::Node& node, const std::string& where, bool positions, std::size_t& budget) {
  const auto at = [&](const YAML::Node& n) {
    const auto m = n.Mark();
    return where + (m.is_null() || !positions ? "" : fmt::format(":{}:{}", m.line + 1, m.column + 1));
  };
  if (budget-- == 0)
    throw InputError(fmt::format("{}: the YAML expands to more than {} nodes (an alias counts each time it is "
                                 "used); csgd reads no input that large",
                                 at(node), kMaxYamlNodes));
  if (node.IsMap()) {
    std::map<std::string, YAML::Node> seen;  // yaml-cpp keeps both entries of a repeated key and reads the first
    for (const auto& entry : node) {
      if (!entry.first.IsScalar())
        throw InputError(fmt::format("{}: a key must be a plain name, not a YAML list or map (a complex key '? …')",
                                     at(entry.first)));
      const auto [first, fresh] = seen.emplace(entry.first.Scalar(), entry.first);
      if (!fresh)
        throw InputError(fmt::format("{}: {}: the key appears twice in one map (first at {}); give it once",
                                     at(entry.first), entry.first.Scalar(), at(first->second)));
      check_tree(entry.second, where, positions, budget);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) check_tree(item, where, positions, budget);
  }
}

void check_tree(const YAML::Node& root, const std::string& where, bool positions) {
  std::size_t budget = kMaxYamlNodes;
  check_tree(root, where, positions, budget);
}

YAML::Node parse_tree(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: YAML syntax error: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (root.IsNull()) throw InputError(file + ": the experiment file is empty");
  if (!root.IsMap()) throw InputError(file + ":1:1: an experiment file is a map of keys (name:, workers:, ...)");
  check_tree(root, file, true);
  return root;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  return parts;
}

// The most runs one experiment file may expand to (each is validated and built up front).
constexpr std::size_t kMaxSweepRuns = 10000;

// Scalars that stand for a map (`dataset: fashion-mnist` is `dataset: {name: fashion-mnist}`).
const char* shorthand_key(const std::string& path) {
  if (path == "problem.dataset") return "name";
  if (path == "problem.partition") return "scheme";
  if (path == "algorithm.lr") return "initial";
  if (path == "algorithm.mixing") return "topology";
  if (path == "timing.network.topology") return "name";
  if (path == "timing.network.staging") return "bandwidth";
  return nullptr;
}

// Sets root[a][b][c] = value for path "a.b.c", creating maps on the way; with `merge_maps` a map
// value merges into a map already there (sweeps) instead of replacing it (--set). yaml-cpp nodes are
// handles: walking uses reset(), since assignment would overwrite the referenced node.
void set_path(YAML::Node root, const std::string& path, const YAML::Node& value, const std::string& origin,
              bool merge_maps) {
  const auto parts = split_path(path);
  if (parts.empty() || std::find(parts.begin(), parts.end(), "") != parts.end())
    throw InputError(fmt::format("{}: '{}' is not a key path like algorithm.momentum", origin, path));
  YAML::Node cur;
  cur.reset(root);
  std::string walked;
  for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
    walked += (walked.empty() ? "" : ".") + parts[k];
    YAML::Node next = cur[parts[k]];
    if (!next.IsDefined() || next.IsNull()) {
      cur[parts[k]] = YAML::Node(YAML::NodeType::Map);
    } else if (next.IsScalar() && shorthand_key(walked)) {
      YAML::Node expanded(YAML::NodeType::Map);
      expanded[shorthand_key(walked)] = YAML::Clone(next);
      cur[parts[k]] = expanded;
    } else if (!next.IsMap()) {
      throw InputError(fmt::format("{}: cannot set {}: {} is not a map", origin, path, walked));
    }
    YAML::Node child = cur[parts[k]];
    cur.reset(child);
  }
  // A sweep's map merges, so one axis can vary several keys together:
  // algorithm: [{sync_interval: 8}, {name: decentralized-momentum}].
  YAML::Node existing = cur[parts.back()];
  if (merge_maps && value.IsMap() && existing.IsDefined() && existing.IsMap()) {
    for (const auto& entry : value) existing[entry.first.as<std::string>()] = entry.second;
  } else {
    cur[parts.back()] = value;
  }
}

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  const std::string origin = "--set " + text;
  if (eq == std::string::npos || eq == 0)
    throw InputError(origin + ": expected key.path=value, for example --set algorithm.momentum=0.5");
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}: the value is not valid YAML: {}", origin, e.msg));
  }
  check_tree(value, origin, false);
  return {text.substr(0, eq), value, origin};
}

std::string value_label(const YAML::Node& v) {
  std::string s;
  if (v.IsScalar()) {
    s = v.Scalar();
  } else if (v.IsSequence()) {
    for (const auto& item : v) {
      if (!s.empty()) s += '-';
      s += value_label(item);
    }
  } else if (v.IsMap()) {
    for (const auto& entry : v) {
      if (!s.empty()) s += '+';
      s += entry.first.as<std::string>();
      s += '-';
      s += value_label(entry.second);
    }
  }
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_' && ch != '+') ch = '_';
  return s;
}

constexpr std::size_t kMaxFolderName = 255;  // NAME_MAX of Linux file systems, in bytes

struct SweepAxis {
  std::string key;    // key path
  std::string label;  // short name used in folder names
  std::size_t size;
};

std::vector<SweepAxis> sweep_axes(const YAML::Node& root, const std::string& file) {
  std::vector<SweepAxis> axes;
  const YAML::Node sweep = root["sweep"];
  if (!sweep.IsDefined() || sweep.IsNull()) return axes;
  const auto at = [&](const YAML::Node& n) { return fmt::format("{}:{}:{}", file, n.Mark().line + 1, n.Mark().column + 1); };
  if (!sweep.IsMap()) throw InputError(at(sweep) + ": sweep: expected a map from key paths to lists of values");
  for (const auto& entry : sweep) {
    const auto key = entry.first.as<std::string>();
    const auto parts = split_path(key);
    if (parts.empty() || key.back() == '.' || std::find(parts.begin(), parts.end(), "") != parts.end())
      throw InputError(fmt::format("{}: sweep: '{}' is not a key path like algorithm.sync_interval", at(entry.first), key));
    if (!entry.second.IsSequence() || entry.second.size() == 0)
      throw InputError(fmt::format("{}: sweep.{}: expected a non-empty list of values, e.g. [1, 4, 8]", at(entry.second), key));
    axes.push_back({key, split_path(key).back(), entry.second.size()});
  }
  // Short labels unless two axes share a last component.
  for (auto& a : axes)
    for (const auto& b : axes)
      if (&a != &b && split_path(a.key).back() == split_path(b.key).back()) a.label = a.key;
  return axes;
}

// Where a value came from: the last --set whose key path `gave` it, else its file position.
std::string origin_of(const std::string& file, const YAML::Mark& mark, const std::vector<Override>& overrides,
                      const std::function<bool(const std::string&)>& gave) {
  std::string where = file;
  for (const auto& o : overrides)
    if (gave(o.path)) where = o.origin;
  if (where == file && !mark.is_null()) where += fmt::format(":{}:{}", mark.line + 1, mark.column + 1);
  return where;
}

// A seed or a count of seeds: a whole number ≥ 0 (yaml-cpp would read "-1" as 2^64 − 1).
std::optional<std::uint64_t> whole_number(const YAML::Node& n) {
  std::uint64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<std::uint64_t>::decode(n, v) || n.Scalar().find_first_of("-+") == 0)
    return std::nullopt;
  return v;
}

std::string shown(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string("a list or map"); }

// The most seeds one experiment may repeat its runs with.
constexpr std::uint64_t kMaxSeeds = 1000;

// `seeds: n` (the seeds seed, seed+1, …, seed+n−1, with seed the file's `seed:`, default 1) or
// `seeds: [a, b, …]` (those seeds): every run of the sweep is repeated once per seed. Absent: the
// runs use `seed:` alone and no seed axis is added.
std::vector<std::uint64_t> read_seeds(const YAML::Node& root, const std::string& file,
                                      const std::vector<Override>& overrides) {
  const YAML::Node node = root["seeds"];
  if (!node.IsDefined() || node.IsNull()) return {};
  const std::string where = origin_of(file, node.Mark(), overrides, [](const std::string& p) { return p == "seeds"; });
  const auto as_seed = [&](const YAML::Node& n, const char* what) {
    const auto v = whole_number(n);
    if (!v) throw InputError(fmt::format("{}: seeds: {} must be a whole number ≥ 0, got '{}'", where, what, shown(n)));
    return *v;
  };
  std::vector<std::uint64_t> seeds;
  if (node.IsSequence()) {
    if (node.size() == 0 || node.size() > kMaxSeeds)
      throw InputError(fmt::format("{}: seeds: a list of 1 to {} seeds, e.g. [1, 2, 3]", where, kMaxSeeds));
    for (const auto& item : node) {
      const std::uint64_t s = as_seed(item, "each seed");
      if (std::find(seeds.begin(), seeds.end(), s) != seeds.end())
        throw InputError(fmt::format("{}: seeds: seed {} is listed twice", where, s));
      seeds.push_back(s);
    }
    return seeds;
  }
  const std::uint64_t n = as_seed(node, "the number of seeds");
  if (n < 1 || n > kMaxSeeds)
    throw InputError(fmt::format("{}: seeds: the number of seeds must be between 1 and {}, got {}", where, kMaxSeeds, n));
  std::uint64_t first = 1;
  if (const YAML::Node seed = root["seed"]; seed.IsDefined() && !seed.IsNull()) {
    const auto v = whole_number(seed);
    if (!v)
      throw InputError(fmt::format("{}: seed: must be a whole number ≥ 0 (the first of the seeds), got '{}'",
                                   origin_of(file, seed.Mark(), overrides, [](const std::string& p) { return p == "seed"; }),
                                   shown(seed)));
    first = *v;
  }
  if (first > std::numeric_limits<std::uint64_t>::max() - n)
    throw InputError(fmt::format("{}: seeds: seed {} + {} seeds passes the largest seed", where, first, n));
  for (std::uint64_t k = 0; k < n; ++k) seeds.push_back(first + k);
  return seeds;
}

}  // namespace

std::string RunPlan::error_at(const std::string& key_path, const std::string& rule) const {
  return source->error(key_path, rule);
}

ExperimentPlan load_experiment_text(const std::string& text, const std::string& file,
                                    const std::vector<std::string>& override_texts) {
  std::vector<Override> overrides;
  for (const auto& t : override_texts) overrides.push_back(parse_override(t));
  const std::filesystem::path base_dir = std::filesystem::path(file).parent_path();
  const std::string default_name = std::filesystem::path(file).stem().string();

  // --set sweep.KEY=[...] replaces one sweep axis and --set sweep={KEY: [...], ...} the whole
  // sweep (--set replaces maps); both must be applied before the axes are read.
  const auto is_sweep = [](const Override& o) { return o.path == "sweep" || o.path.rfind("sweep.", 0) == 0; };
  for (const auto& o : overrides)
    if (o.path == "sweep" && !o.value.IsMap() && !o.value.IsNull())
      throw InputError(fmt::format("{}: sweep: expected a map from key paths to lists of values, e.g. "
                                   "sweep={{algorithm.sync_interval: [1, 8]}}",
                                   o.origin));
  const auto prepare = [&]() {
    YAML::Node root = parse_tree(text, file);
    for (const auto& o : overrides) {
      if (o.path == "sweep") {
        root["sweep"] = YAML::Clone(o.value);
      } else if (is_sweep(o)) {
        if (!root["sweep"].IsMap()) root["sweep"] = YAML::Node(YAML::NodeType::Map);
        root["sweep"][o.path.substr(6)] = o.value;
      } else if (o.path == "seeds" || o.path == "seed") {  // read before the runs are expanded
        root[o.path] = o.value;
      }
    }
    return root;
  };

  ExperimentPlan plan;
  plan.file = file;
  const YAML::Node prepared = prepare();
  const auto axes = sweep_axes(prepared, file);
  for (const auto& a : axes) plan.sweep_keys.push_back(a.key);
  plan.seeds = read_seeds(prepared, file, overrides);
  if (!plan.seeds.empty()) {
    if (std::find(plan.sweep_keys.begin(), plan.sweep_keys.end(), "seed") != plan.sweep_keys.end())
      throw InputError(fmt::format("{}: sweep.seed and seeds: both repeat the runs over seeds; keep one (seeds: "
                                   "pairs the seeds and averages them)",
                                   file));
    plan.sweep_keys.push_back("seed");  // the innermost axis
  }

  // Refused before anything is expanded: every run is validated and built before any starts.
  std::size_t combinations = 1;
  for (const auto& a : axes) {
    if (combinations > kMaxSweepRuns / a.size)
      throw InputError(fmt::format("{}: sweep: {} axes make more than {} runs; split the study into several files",
                                   file, axes.size(), kMaxSweepRuns));
    combinations *= a.size;
  }
  const std::size_t repeats = std::max<std::size_t>(plan.seeds.size(), 1);
  if (combinations > kMaxSweepRuns / repeats)
    throw InputError(fmt::format("{}: sweep: {} configurations × {} seeds make more than the {} runs one experiment "
                                 "may have; split the study",
                                 file, combinations, repeats, kMaxSweepRuns));
  std::set<std::string> names;
  for (std::size_t run_index = 0; run_index < combinations * repeats; ++run_index) {
    const std::size_t c = run_index / repeats;
    const std::optional<std::uint64_t> seed =
        plan.seeds.empty() ? std::nullopt : std::optional(plan.seeds[run_index % repeats]);
    YAML::Node root = prepare();
    RunPlan run;
    std::vector<std::string> labels;
    std::size_t rest = c;
    std::vector<std::size_t> index(axes.size());
    for (std::size_t k = axes.size(); k-- > 0;) {  // the last axis varies fastest
      index[k] = rest % axes[k].size;
      rest /= axes[k].size;
    }
    std::vector<std::pair<std::string, std::string>> origins;
    for (std::size_t k = 0; k < axes.size(); ++k) {
      const YAML::Node value = root["sweep"][axes[k].key][index[k]];
      set_path(root, axes[k].key, value, file, true);
      labels.push_back(axes[k].label + "=" + value_label(value));
      YAML::Emitter flow;
      flow << YAML::Flow << value;
      run.swept.emplace_back(axes[k].key, flow.c_str());
    }
    auto source = std::make_shared<ConfigSource>(file, root);
    for (const auto& a : axes)  // an axis a --set gave is reported at that --set, not in the file
      for (const auto& o : overrides)
        if (o.path == "sweep" || o.path == "sweep." + a.key) source->mark_override(a.key, o.origin);
    for (const auto& o : overrides) {
      if (is_sweep(o) || o.path == "seeds") continue;
      set_path(root, o.path, o.value, o.origin, false);
      source->mark_override(o.path, o.origin);
    }
    if (seed) {  // after the overrides: the seed axis decides `seed`, as a sweep axis would
      root["seed"] = *seed;
      run.swept.emplace_back("seed", std::to_string(*seed));
    }
    YAML::Node mirror(YAML::NodeType::Map);
    run.config = read_experiment(*source, mirror, base_dir, default_name);
    run.config_name = axes.empty() ? "run" : fmt::format("{}", fmt::join(labels, ","));
    // Each seed of a configuration in a subfolder, so a configuration's seeds sit together.
    run.run_name = seed ? fmt::format("{}/seed={}", run.config_name, *seed) : run.config_name;
    if (run.config_name.size() > kMaxFolderName) {
      const auto longest = static_cast<std::size_t>(
          std::max_element(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); }) -
          labels.begin());
      const std::string& key = axes[longest].key;
      const std::string where = origin_of(file, root["sweep"][key][index[longest]].Mark(), overrides,
                                          [&](const std::string& p) { return p == "sweep" || p == "sweep." + key; });
      throw InputError(fmt::format("{}: sweep.{}: the run folder '{}…' would be {} bytes long, more than the {} "
                                   "a file system allows in a name; use shorter values or fewer axes",
                                   where, axes[longest].key,
                                   run.config_name.substr(0, 40), run.config_name.size(), kMaxFolderName));
    }
    if (!names.insert(run.run_name).second)
      throw InputError(fmt::format("{}: sweep: two runs would share the folder '{}'", file, run.run_name));
    YAML::Emitter out;
    out << mirror;
    run.resolved_yaml = std::string("# Resolved by csgd ") + CSGD_VERSION + " from " + file + "\n" + out.c_str() + "\n";
    run.source = std::move(source);
    plan.name = run.config.name;
    plan.runs.push_back(std::move(run));
  }
  return plan;
}

ExperimentPlan load_experiment(const std::string& file, const std::vector<std::string>& overrides) {
  return load_experiment_text(read_input_file(file, "the experiment file", std::uintmax_t{64} << 20), file, overrides);
}

}  // namespace csgd
