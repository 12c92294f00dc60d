import ArgumentParser
import Foundation

/// The whole command line as a library, so the executable, the tests and the fuzzer
/// share one entry point.
public enum CommandLineEntry {
    /// What parsing a command line produced: a command to run, or the exit status and
    /// message of a usage error (help and version requests count as success).
    public enum Parsed {
        case run(NbrunCommand)
        case finished(status: Int32, message: String)
    }

    /// Parses `arguments` (without the program name). Never exits the process.
    public static func parse(_ arguments: [String]) -> Parsed {
        do {
            let command = try NbrunCommand.parseAsRoot(arguments)
            guard let nbrun = command as? NbrunCommand else {
                return .finished(status: 0, message: NbrunCommand.helpMessage())
            }
            return .run(nbrun)
        } catch {
            if NbrunCommand.exitCode(for: error) == .success {
                return .finished(status: 0, message: NbrunCommand.fullMessage(for: error))
            }
            // Exit status 2 for every usage error (ArgumentParser's default is 64). The
            // message already ends with the usage line and a pointer to --help.
            var message = NbrunCommand.fullMessage(for: error)
            if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
            return .finished(status: 2, message: "nbrun: " + message)
        }
    }

    /// Parses and runs the process's command line; returns the exit status.
    public static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Int32 {
        switch parse(arguments) {
        case .run(let command):
            return command.runAll()
        case .finished(let status, let message):
            let text = message.hasSuffix("\n") || message.isEmpty ? message : message + "\n"
            (status == 0 ? FileHandle.standardOutput : FileHandle.standardError).write(Data(text.utf8))
            return status
        }
    }
}
