// Release-built benchmarks: `swift run -c release -Xswiftc -target-cpu -Xswiftc native nbrun-bench [area]`.
// Each area lives in its own file and registers itself in `allBenchmarks`.
import Foundation

let requested = Set(CommandLine.arguments.dropFirst())
for (area, run) in allBenchmarks where requested.isEmpty || requested.contains(area) {
    print("## \(area)")
    run()
}
