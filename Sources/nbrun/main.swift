import ArgumentParser
import Foundation

// Exit status 2 for every usage error (ArgumentParser's default is 64).
do {
    var command = try NbrunCommand.parseAsRoot()
    guard let nbrun = command as? NbrunCommand else {
        try command.run()
        exit(0)
    }
    exit(nbrun.runAll())
} catch {
    if NbrunCommand.exitCode(for: error) == .success { NbrunCommand.exit(withError: error) }
    FileHandle.standardError.write(Data(("nbrun: " + NbrunCommand.fullMessage(for: error) + "\n").utf8))
    FileHandle.standardError.write(Data("Usage: see 'nbrun --help'.\n".utf8))
    exit(2)
}
