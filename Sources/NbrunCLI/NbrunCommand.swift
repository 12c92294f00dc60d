import ArgumentParser
import Foundation
import Notebook

/// The command line: every option of docs/cli.md (keep the two in step).
public struct NbrunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "nbrun",
        abstract: "Run the `nn` cells of Markdown notebooks and write the rendered Markdown.",
        discussion: """
            Each NOTEBOOK.md is rendered to NOTEBOOK.out.md beside it, unless -o, --out-dir or \
            --in-place says otherwise. Inputs named *.out.md are skipped.

            Exit status: 0 success; 1 a cell failed or --check found a difference; \
            2 bad usage or an unreadable or invalid notebook; 130/143 interrupted by \
            SIGINT/SIGTERM (outputs not yet written keep their previous contents).
            """)

    @Argument(help: ArgumentHelp("The Markdown notebooks to render.", valueName: "notebook"))
    var notebooks: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp(
        "Write the rendered notebook to FILE ('-' for standard output); one notebook only.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("out-dir"), help: ArgumentHelp(
        "Write each rendered notebook into DIR, under the notebook's own file name.", valueName: "dir"))
    var outDir: String?

    @Flag(name: .customLong("in-place"), help: "Refresh the output regions inside the notebook itself.")
    var inPlace = false

    @Flag(help: """
        Render in memory and compare with the existing output (the -o/--out-dir target, \
        NOTEBOOK.out.md, or the notebook itself with --in-place); print a unified diff and \
        exit 1 on any difference. Nothing is written.
        """)
    var check = false

    @Option(help: ArgumentHelp("With --check: relative tolerance for numbers.", valueName: "x"))
    var rtol: Double = 0

    @Option(help: ArgumentHelp("With --check: absolute tolerance for numbers.", valueName: "x"))
    var atol: Double = 0

    @Option(name: .customShort("j"), help: ArgumentHelp("Render up to N notebooks in parallel.", valueName: "n"))
    var jobs: Int = 1

    @Option(name: .customShort("P"), parsing: .singleValue, help: ArgumentHelp(
        "Set a parameter (a global defined before the first cell), overriding the front matter's params:.",
        valueName: "name=value"))
    var parameter: [String] = []

    @Flag(name: .customLong("keep-going"), help: "Run the cells after an unexpected cell error too.")
    var keepGoing = false

    @Option(help: ArgumentHelp("Default per-cell time limit in seconds.", valueName: "seconds"))
    var timeout: Double = 60

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Memory limit per notebook: live tensors, and any one list, tuple or string (default 4G). "
            + "Also stops cells once the process's resident memory passes N × (size + 512M) for -j N.",
        valueName: "size"))
    var maxMemory: String?

    @Flag(name: [.short, .long], help: "No progress display on standard error.")
    var quiet = false

    public init() {}

    public func validate() throws {
        guard !notebooks.isEmpty else { throw ValidationError("give at least one notebook") }
        if output != nil, outDir != nil { throw ValidationError("-o and --out-dir cannot be used together") }
        if inPlace, output != nil || outDir != nil {
            throw ValidationError("--in-place cannot be used with -o or --out-dir")
        }
        if output != nil, notebooks.count > 1 {
            throw ValidationError("-o takes one notebook; use --out-dir for several")
        }
        if check, output == "-" { throw ValidationError("--check cannot compare with standard output") }
        guard jobs >= 1 else { throw ValidationError("-j needs at least 1") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout needs a positive number") }
        guard rtol >= 0, atol >= 0, rtol.isFinite, atol.isFinite else {
            throw ValidationError("--rtol and --atol need a number that is not negative")
        }
        if let maxMemory, MemorySize.parse(maxMemory) == nil {
            throw ValidationError("--max-memory needs a size such as 512M, 4G or a number of bytes, not '\(maxMemory)'")
        }
        for assignment in parameter where Parameters.parseAssignment(assignment) == nil {
            throw ValidationError("-P needs name=value with an identifier name, not '\(assignment)'")
        }
    }

    /// Runs every notebook and returns the exit status.
    public func runAll() -> Int32 {
        let console = Console(progress: !quiet && isatty(2) == 1)
        let temporaryFiles = TemporaryFiles()
        InterruptHandler.install(temporaryFiles: temporaryFiles, console: console)
        var settings = RunSettings()
        settings.mode = inPlace ? .inPlace : .handout
        settings.defaultTimeout = timeout
        settings.keepGoing = keepGoing
        if let maxMemory, let bytes = MemorySize.parse(maxMemory) {
            settings.maxTensorBytes = bytes
            let perJob = bytes.addingReportingOverflow(512 << 20)
            let total = perJob.partialValue.multipliedReportingOverflow(by: min(jobs, notebooks.count))
            if !perJob.overflow && !total.overflow {
                settings.maxResidentBytes = min(settings.maxResidentBytes, total.partialValue)
            }
        }
        settings.parameters = parameter.compactMap(Parameters.parseAssignment)
        settings.temporaryFiles = temporaryFiles

        let inputs = notebooks.filter { path in
            if path.hasSuffix(".out.md") {
                if !quiet { console.error("nbrun: skipping \(path): it is a rendered output (*.out.md)\n") }
                return false
            }
            return true
        }
        let plan = OutputPlan(inputs: inputs, writes: !check, inPlace: inPlace) { target(for: $0) }
        if !quiet {
            for repeated in plan.repeatedInputs {
                console.error("nbrun: \(repeated) is named more than once; it is rendered once\n")
            }
        }
        guard plan.conflicts.isEmpty else {
            console.error(plan.conflicts.joined())
            return 2
        }
        let job = NotebookJob(
            settings: settings, check: check,
            tolerance: OutputComparison.Tolerance(relative: rtol, absolute: atol), console: console)
        let statuses = ParallelJobs.run(count: plan.jobs.count, width: jobs) { index in
            job.render(plan.jobs[index].input, to: plan.jobs[index].target)
        }
        return statuses.max() ?? 0
    }

    private func target(for path: String) -> OutputTarget {
        if inPlace { return .file(path) }
        if output == "-" { return .standardOutput }
        if let output { return .file(output) }
        if let outDir { return .file(URL(fileURLWithPath: outDir).appendingPathComponent((path as NSString).lastPathComponent).path) }
        return .file(NotebookJob.defaultOutputPath(for: path))
    }
}
