/// Benchmark areas: name → function printing a table. Add one line per area file.
let allBenchmarks: [(String, () -> Void)] = [
    ("GEMM", gemmBenchmark),
    ("tensor", tensorBenchmarks),
    ("NN", runNNBenchmarks),
    ("lang", languageBenchmark),
    ("notebook", notebookBenchmark),
]
