// The experiment file's schema: which keys exist, their types, units and defaults.
// The README's "Experiment files" section documents the same keys.
#include <fmt/format.h>

#include "config/experiment_reader.hpp"
#include "config/registry_keys.hpp"
#include "csgd/algorithm_registry.hpp"
#include "csgd/collective_registry.hpp"
#include "csgd/dataset_registry.hpp"
#include "csgd/lr_schedule_registry.hpp"
#include "csgd/model_registry.hpp"
#include "csgd/mixing_graph_registry.hpp"
#include "csgd/partition_registry.hpp"
#include "csgd/topology_registry.hpp"
#include "csgd/units.hpp"

namespace csgd {
namespace {

template <class Enum>
Enum choose(Section& s, const std::string& key, const std::string& fallback,
            std::initializer_list<std::pair<const char*, Enum>> choices) {
  const auto value = s.get<std::string>(key, fallback);
  std::vector<std::string> names;
  for (const auto& [name, e] : choices) {
    if (value == name) return e;
    names.emplace_back(name);
  }
  s.fail(key, fmt::format("must be one of {}; got '{}'", fmt::join(names, ", "), value));
}

// A count ≥ 1 or `full` (nullopt); the resolved file shows the value used, default included.
std::optional<int> count_or_full(Section& s, const std::string& key, std::optional<int> fallback) {
  std::optional<int> v = fallback;
  if (auto text = s.optional<std::string>(key); text && *text == "full") {
    v = std::nullopt;
  } else if (s.has(key)) {
    v = s.optional<int>(key);
    if (!v || *v < 1) s.fail(key, "expected a positive integer or 'full'");
  }
  s.record(key, v ? YAML::Node(*v) : YAML::Node("full"));
  return v;
}

std::vector<std::string_view> mixing_algorithms() {
  std::vector<std::string_view> out;
  for (const AlgorithmEntry& e : AlgorithmRegistry::all())
    if (e.mixes) out.push_back(e.name);
  return out;
}

void read_dataset(Section d, DatasetSpec& spec, const std::filesystem::path& base_dir) {
  spec.name = d.get<std::string>("name", spec.name);
  const DatasetEntry& entry = find_entry<DatasetEntry>(d, "name", spec.name);
  read_entry_keys(d, entry, spec, "data set", base_dir);
  d.finish();
}

void read_problem(Section p, ProblemSpec& spec, const std::filesystem::path& base_dir) {
  spec.model = p.get<std::string>("model", spec.model);
  spec.init = choose<Init>(p, "init", "seeded", {{"seeded", Init::seeded}, {"zeros", Init::zeros}});
  const ModelEntry& model = find_entry<ModelEntry>(p, "model", spec.model);
  if (model.defaults) model.defaults(spec);
  read_entry_keys(p, model, spec, "model", base_dir);
  if (model.data()) {  // the synthetic problem has no data: these keys stay unknown there
    spec.l2 = p.get<double>("l2", spec.l2);
    read_dataset(p.child("dataset", "name"), spec.dataset, base_dir);
    Section part = p.child("partition", "scheme");
    const std::string scheme = part.get<std::string>("scheme", "iid");
    const PartitionEntry& partition = find_entry<PartitionEntry>(part, "scheme", scheme);
    spec.partition.scheme = PartitionScheme{partition.name};
    read_entry_keys(part, partition, spec.partition, "partition scheme", base_dir);
    part.finish();
    spec.batch_size = count_or_full(p, "batch_size", spec.batch_size);
    spec.shuffle = choose<bool>(p, "sampling", "shuffle", {{"shuffle", true}, {"with-replacement", false}});
    spec.eval_train_samples = count_or_full(p, "eval_train_samples", spec.eval_train_samples).value_or(0);
  }
  p.finish();
}

void read_algorithm(Section a, AlgorithmSpec& spec, const std::filesystem::path& base_dir) {
  spec.name = a.get<std::string>("name", spec.name);
  const AlgorithmEntry& entry = find_entry<AlgorithmEntry>(a, "name", spec.name);
  spec.beta = a.get<double>("momentum", spec.beta);
  spec.nesterov = a.get<bool>("nesterov", spec.nesterov);
  read_entry_keys(a, entry, spec, "algorithm", {});
  if (entry.mixes) {
    Section m = a.child("mixing", "topology");
    spec.mixing.topology = m.get<std::string>("topology", spec.mixing.topology);
    if (const MixingGraphEntry* graph = MixingGraphRegistry::find(spec.mixing.topology))
      read_entry_keys(m, *graph, spec.mixing, "mixing graph", base_dir);
    m.finish();  // an unknown topology is refused by AlgorithmSpec::validate, naming the choices
  } else if (a.has("mixing")) {
    a.fail("mixing", fmt::format("does not apply to {}; only algorithms that mix with W read it ({})", spec.name,
                                 fmt::join(mixing_algorithms(), ", ")));
  }
  Section lr = a.child("lr", "initial");
  spec.lr.schedule = lr.get<std::string>("schedule", spec.lr.schedule);
  const LrScheduleEntry& schedule = find_entry<LrScheduleEntry>(lr, "schedule", spec.lr.schedule);
  read_entry_keys(lr, schedule, spec.lr, "learning-rate schedule", {});
  spec.lr.warmup_epochs = lr.get<double>("warmup_epochs", 0.0);
  spec.lr.warmup_iterations = lr.get<std::int64_t>("warmup_iterations", 0);
  lr.finish();
  spec.random_output = choose<bool>(a, "output_iterate", "last", {{"last", false}, {"random", true}});
  a.finish();
}

void read_compute(Section c, ComputeSpec& spec) {
  spec.step_time_s = c.optional_duration("step_time");
  spec.device_flops = c.flop_rate("device_flops", spec.device_flops);
  spec.measured_factor = c.optional<double>("measured_factor");
  spec.speed_factors = c.get<std::vector<double>>("speed_factors", {});
  spec.jitter = c.get<double>("jitter", spec.jitter);
  Section st = c.child("stragglers");
  spec.straggler_probability = st.get<double>("probability", spec.straggler_probability);
  spec.straggler_slowdown = st.get<double>("slowdown", spec.straggler_slowdown);
  st.finish();
  c.finish();
}

void read_topology(Section t, TopologySpec& spec, const std::filesystem::path& base_dir) {
  spec.name = t.get<std::string>("name", spec.name);
  const TopologyEntry& entry = find_entry<TopologyEntry>(t, "name", spec.name);
  read_entry_keys(t, entry, spec, "topology", base_dir);
  // links: [{between: [a, b], latency: 1us, bandwidth: 40Gbps, duplex: half}, ...]
  if (t.has("links")) {
    const YAML::Node list = t.node("links");
    if (!list.IsSequence())
      t.fail("links", "expected a list of {between: [a, b], latency: …, bandwidth: …, duplex: full|half}");
    for (std::size_t k = 0; k < list.size(); ++k) {
      Section link(t.source(), list[k], t.path("links") + "." + std::to_string(k), YAML::Node(YAML::NodeType::Map));
      const auto ends = link.get<std::vector<int>>("between", {});
      if (ends.size() != 2) link.fail("between", "expected the two node ids of a link, e.g. [0, 1]");
      LinkOverride o;
      o.a = ends[0];
      o.b = ends[1];
      o.latency_s = link.duration("latency", -1);
      o.bandwidth_Bps = link.bandwidth("bandwidth", -1);
      if (link.has("duplex"))
        o.duplex = choose<Duplex>(link, "duplex", "full", {{"full", Duplex::full}, {"half", Duplex::half}});
      link.finish();
      spec.links.push_back(o);
    }
  }
  t.keep("links");
  t.finish();
}

// payload: {tensors: [sizes…] | count, bucket: 25MB, overlap: k}
void read_payload(Section p, PayloadSpec& spec) {
  p.allow({"tensors"});  // read below only when present: still a key a typo should be pointed to
  if (p.has("tensors")) {
    if (p.node("tensors").IsSequence()) {
      spec.tensors = p.get<std::vector<double>>("tensors", {});
      if (spec.tensors.empty()) p.fail("tensors", "expected a non-empty list of tensor sizes or a count");
    } else {
      const int count = p.get<int>("tensors", 1);
      if (count < 1 || count > 1'000'000) p.fail("tensors", fmt::format("a count must be in 1..1000000, got {}", count));
      spec.tensors.assign(static_cast<std::size_t>(count), 1.0);
    }
  }
  spec.bucket_bytes = p.optional_model_bytes("bucket", 1.0).value_or(0.0);
  spec.overlap = p.get<int>("overlap", spec.overlap);
  try {
    spec.validate();
  } catch (const ValidationError& e) {
    p.fail(e.field(), e.what());
  }
  p.finish();
}

void read_timing(Section t, TimingSpec& spec, double bytes_per_param, const std::filesystem::path& base_dir) {
  read_compute(t.child("compute"), spec.compute);
  Section n = t.child("network");
  spec.network.model = n.get<std::string>("model", spec.network.model);
  spec.network.latency_s = n.duration("latency", spec.network.latency_s);
  spec.network.bandwidth_Bps = n.bandwidth("bandwidth", spec.network.bandwidth_Bps);
  read_payload(n.child("payload"), spec.network.payload);
  spec.network.software_overhead_s = n.duration("software_overhead", spec.network.software_overhead_s);
  Section staging = n.child("staging", "bandwidth");
  if (staging.has("bandwidth")) {  // absent: no staging (and nothing in the resolved file)
    spec.network.staging_Bps = staging.bandwidth("bandwidth", 0);
    if (!(spec.network.staging_Bps > 0)) staging.fail("bandwidth", "must be a positive bandwidth, e.g. 12GB/s");
  }
  staging.finish();
  if (spec.network.model == "flow") {
    spec.network.collective = n.get<std::string>("collective", spec.network.collective);
    if (spec.network.collective == "auto") {
      refuse_keys_not_read<CollectiveEntry>(n, nullptr, "collective auto");
    } else {
      try {
        parse_collective(spec.network.collective);  // names the choices when there is no such entry
      } catch (const ValidationError& e) {
        n.fail("collective", e.what());
      }
      CollectiveSpec keys;  // the collective's own keys, kept in the network settings
      keys.servers = spec.network.servers;
      read_entry_keys(n, *CollectiveRegistry::find(spec.network.collective), keys, "collective", base_dir);
      spec.network.servers = keys.servers;
    }
    read_topology(n.child("topology", "name"), spec.network.topology, base_dir);
    spec.network.sharing.model = choose<Sharing>(
        n, "sharing", "max-min",
        {{"max-min", Sharing::max_min}, {"rtt-weighted", Sharing::rtt_weighted}, {"lv08", Sharing::lv08}});
    if (const auto window = n.optional_model_bytes("tcp_window", 1.0)) {
      if (spec.network.sharing.model == Sharing::max_min)
        n.fail("tcp_window", "applies only to sharing: rtt-weighted or lv08 (max-min has no TCP window bound)");
      spec.network.sharing.tcp_window_bytes = *window;
    }
    spec.network.duplex = choose<Duplex>(n, "duplex", "full", {{"full", Duplex::full}, {"half", Duplex::half}});
    spec.network.routing =
        choose<Routing>(n, "routing", "shortest", {{"shortest", Routing::shortest}, {"ecmp", Routing::ecmp}});
  } else {
    // The analytic model prices a ring all-reduce (Algorithm 1) or a neighbour exchange
    // (Algorithm 2) over direct links: a collective or a topology would be silently ignored.
    for (const char* key : {"collective", "servers", "topology", "sharing", "tcp_window", "duplex", "routing"})
      if (n.has(key))
        n.fail(key, fmt::format("applies only to model: flow (the {} model prices a ring all-reduce or a "
                                "neighbour exchange on direct links)", spec.network.model));
  }
  n.finish();
  spec.model_bytes = t.optional_model_bytes("model_bytes", bytes_per_param);
  t.finish();
}

void read_stop(Section s, StopSpec& spec) {
  spec.iterations = s.optional<std::int64_t>("iterations");
  spec.epochs = s.optional<double>("epochs");
  Section target = s.child("target");
  spec.target_loss = target.optional<double>("loss");
  spec.target_accuracy = target.optional<double>("accuracy");
  spec.target_grad_norm_sq = target.optional<double>("grad_norm_sq");
  target.finish();
  s.finish();
}

void read_eval(Section e, EvalSpec& spec) {
  spec.every_iterations = e.optional<std::int64_t>("every_iterations");
  spec.every_epochs = e.optional<double>("every_epochs");
  spec.grad_norm = e.optional<bool>("grad_norm");
  e.finish();
}

}  // namespace

ExperimentConfig read_experiment(const ConfigSource& source, YAML::Node mirror, const std::filesystem::path& base_dir,
                                 const std::string& default_name) {
  Section root(source, source.root(), "", mirror);
  root.allow({"sweep", "seeds", "description"});  // seeds: read by the sweep (sweep.cpp)
  ExperimentConfig c;
  c.name = root.get<std::string>("name", default_name);
  c.seed = root.get<std::uint64_t>("seed", c.seed);
  c.N = root.get<int>("workers", c.N);
  c.precision = choose<Precision>(root, "precision", "float32",
                                  {{"float32", Precision::float32}, {"float64", Precision::float64}});
  read_problem(root.child("problem"), c.problem, base_dir);
  read_algorithm(root.child("algorithm"), c.algorithm, base_dir);
  read_timing(root.child("timing"), c.timing, c.precision == Precision::float32 ? 4.0 : 8.0, base_dir);
  read_stop(root.child("stop"), c.stop);
  read_eval(root.child("eval"), c.eval);
  root.finish();
  try {
    c.validate();
  } catch (const ValidationError& e) {
    throw InputError(source.error(e.field(), e.what()));
  }
  return c;
}

}  // namespace csgd
