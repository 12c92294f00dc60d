// swift-tools-version:6.0
import PackageDescription

// Layers call downward only:
//   nbrun → NbrunCLI → Notebook → NNLang → NN → Autograd → Tensor → CSpinWait
// Performance: build with `-Xswiftc -target-cpu -Xswiftc native` (see docs/building.md).
// No unsafe flags are forced here, so the libraries stay usable as dependencies.
let package = Package(
    name: "nbrun",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nbrun", targets: ["nbrun"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "NNLang", targets: ["NNLang"]),
        .library(name: "Notebook", targets: ["Notebook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CCmark", pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]),
        // The spin-wait hint (PAUSE) for the kernel threads' busy waits.
        .target(name: "CSpinWait"),
        .target(name: "Tensor", dependencies: ["CSpinWait"]),
        .target(name: "Autograd", dependencies: ["Tensor"]),
        .target(name: "NN", dependencies: ["Autograd", "Tensor"], resources: [.copy("Resources")]),
        .target(name: "NNLang", dependencies: ["NN", "Autograd", "Tensor"]),
        .target(name: "Notebook", dependencies: ["NNLang", "CCmark"]),
        .target(
            name: "NbrunCLI",
            dependencies: [
                "Notebook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "nbrun", dependencies: ["NbrunCLI"]),
        // Fuzz targets (docs/reliability.md): a library shared by the libFuzzer binary and the tests.
        .target(name: "FuzzTargets", dependencies: ["NbrunCLI", "Notebook", "NNLang"]),
        .executableTarget(name: "nbrun-fuzz", dependencies: ["FuzzTargets"]),
        .executableTarget(
            name: "nbrun-bench", dependencies: ["Tensor", "Autograd", "NN", "NNLang", "Notebook"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Autograd", "Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NNLangTests", dependencies: ["NNLang"], resources: [.copy("Programs")]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"], resources: [.copy("Golden")]),
        // Runs the built nbrun binary: the CLI, bad inputs, interruptions (docs/reliability.md).
        .testTarget(name: "BadInputTests"),
        // Reproducers/ is read from the source tree (#filePath), not bundled.
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "Notebook"], exclude: ["Reproducers"]),
    ],
    swiftLanguageModes: [.v5]
)
