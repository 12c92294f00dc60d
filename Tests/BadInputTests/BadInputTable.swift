import Foundation

/// The bad inputs: language errors, resource limits, encodings, Markdown, options, the
/// sandbox. Line numbers are the Markdown file's (the cell's code starts on line 2).
enum BadInputTable {
    static let language: [BadInputCase] = [
        BadInputCase(
            name: "syntax error", notebook: bytes("# T\n\n```nn\nx = (1 +\n```\n"), status: 1,
            error: "nb.md:4:5: error: '(' was never closed"),
        BadInputCase(
            name: "undefined name with a suggestion", notebook: cell("value = 1\nprint(valeu)"), status: 1,
            error: "nb.md:3:7: error: name 'valeu' is not defined. Did you mean: 'value'?"),
        BadInputCase(
            name: "type error", notebook: cell("x = 1 + \"a\""), status: 1,
            error: "nb.md:2:7: error: unsupported operand type(s) for +: 'int' and 'str'"),
        BadInputCase(
            name: "shape error", notebook: cell("x = zeros(2, 3) @ zeros(4, 2)"), status: 1,
            error: "nb.md:2:17: error: matmul: shapes [2, 3] and [4, 2] do not align (3 != 4)"),
        BadInputCase(
            name: "infinite loop, cell timeout", notebook: cell("while True:\n    pass", options: "timeout=1"),
            status: 1, error: "nb.md:2:1: error: cell exceeded its time limit of 1 s (set timeout= on the cell or --timeout)"),
        BadInputCase(
            name: "infinite loop, --timeout", notebook: cell("n = 0\nwhile True:\n    n += 1"),
            arguments: ["--timeout", "1", "nb.md"], status: 1,
            error: "nb.md:3:1: error: cell exceeded its time limit of 1 s (set timeout= on the cell or --timeout)"),
        BadInputCase(
            name: "infinite recursion", notebook: cell("def f(n):\n    return f(n + 1)\nf(0)"), status: 1,
            error: "nb.md:3:13: error: maximum recursion depth exceeded (limit 1000 nested calls)"),
        BadInputCase(
            name: "100,000 nested parentheses",
            notebook: cell("x = " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)),
            status: 1, error: "nb.md:2:105: error: too many nested parentheses, brackets or blocks (limit 200)"),
        BadInputCase(
            name: "100,000 unclosed parentheses", notebook: cell("x = " + String(repeating: "(", count: 100_000)),
            status: 1, error: "nb.md:2:100004: error: '(' was never closed"),
        BadInputCase(
            name: "huge tensor", notebook: cell("x = zeros(100000, 100000)"), status: 1,
            error: "nb.md:2:10: error: out of memory: allocating 40000000000 bytes would exceed the tensor memory limit of 4294967296 bytes (0 in use)"),
        BadInputCase(
            name: "huge list", notebook: cell("x = [0] * 10**10"), status: 1,
            error: "nb.md:2:9: error: out of memory: list of 1 repeated 10000000000 times would exceed the memory limit of 4294967296 bytes"),
        BadInputCase(
            name: "huge string", notebook: cell("x = \"ab\" * 2**62"), status: 1,
            error: "nb.md:2:10: error: out of memory: str of 2 repeated 4611686018427387904 times would exceed the memory limit of 4294967296 bytes"),
        BadInputCase(
            name: "string doubled in a loop", notebook: cell("s = \"ab\"\nfor i in range(40):\n    s = s + s"),
            arguments: ["--max-memory", "64M", "nb.md"], status: 1,
            error: "nb.md:4:11: error: out of memory: a str of 134217728 bytes would exceed the memory limit of 67108864 bytes"),
        BadInputCase(
            name: "list doubled in a loop", notebook: cell("x = [0]\nfor i in range(40):\n    x = x + x"),
            arguments: ["--max-memory", "64M", "nb.md"], status: 1,
            error: "nb.md:4:11: error: out of memory: a list of 4194304 items would exceed the memory limit of 67108864 bytes"),
        BadInputCase(
            name: "huge replacement", notebook: cell("s = \"ab\" * 10**6\nt = s.replace(\"a\", \"a\" * 10**5)"), status: 1,
            error: "nb.md:3:14: error: out of memory: a str of 100001000000 bytes would exceed the memory limit of 4294967296 bytes"),
        BadInputCase(
            name: "list grown one element at a time",
            notebook: cell("x = []\nwhile True:\n    x.append([0] * 10000)"),
            arguments: ["--max-memory", "64M", "nb.md"], status: 1,
            error: "nb.md:3:1: error: out of memory: nbrun's resident memory passed its limit of 576 MiB "
                + "(lists, dicts and strings grown in a loop count here; see --max-memory)"),
        BadInputCase(
            name: "tuples nested 100,000 deep, left at the end",
            notebook: cell("t = ()\nfor i in range(100000):\n    t = (t,)\nprint(len(t))"), status: 0, error: ""),
        BadInputCase(
            name: "tuples nested two million deep, rebound",
            notebook: cell("t = ()\nfor i in range(2000000):\n    t = (t, [i])\nt = None\nprint(t)"), status: 0, error: ""),
        BadInputCase(
            name: "huge format width", notebook: cell("x = f\"{1:>1000000000000}\""), status: 1,
            error: "nb.md:2:8: error: format width 1000000000000 is too large (the limit is 1000000)"),
        BadInputCase(
            name: "expanded view too large", notebook: cell("x = zeros(1).expand(2**40, 2**40).sum()"), status: 1,
            error: "nb.md:2:20: error: expand: shape [1099511627776, 1099511627776] is too large"),
        BadInputCase(
            name: "negative print option", notebook: cell("set_printoptions(edgeitems=-3)"), status: 1,
            error: "nb.md:2:17: error: set_printoptions: edgeitems cannot be negative, not -3"),
        BadInputCase(
            name: "integer overflow", notebook: cell("x = 9223372036854775807 + 1"), status: 1,
            error: "nb.md:2:25: error: integer overflow: 9223372036854775807 + 1 does not fit in 64 bits (nn ints are 64-bit)"),
        BadInputCase(
            name: "integer power overflow", notebook: cell("x = 2 ** 64"), status: 1,
            error: "nb.md:2:7: error: integer overflow: 2 ** 64 does not fit in 64 bits (nn ints are 64-bit)"),
        BadInputCase(
            name: "integer literal too large", notebook: cell("x = 99999999999999999999"), status: 1,
            error: "nb.md:2:5: error: integer literal 99999999999999999999 is too large (ints are 64-bit)"),
        BadInputCase(
            name: "division by zero", notebook: cell("x = 1 / 0"), status: 1, error: "nb.md:2:7: error: division by zero"),
        BadInputCase(
            name: "modulo by zero", notebook: cell("x = 5 % 0"), status: 1, error: "nb.md:2:7: error: integer modulo by zero"),
        BadInputCase(
            name: "float division by zero", notebook: cell("x = 1.0 / 0.0"), status: 1,
            error: "nb.md:2:9: error: float division by zero"),
        BadInputCase(
            name: "a million nested lists are released without overflowing the stack",
            notebook: cell("a = []\nfor i in range(1000000):\n    a = [a]\nprint(len(a))\na = 0"), status: 0, error: "",
            timeLimit: 120),
        BadInputCase(
            name: "dicts and lists nested two million deep are released without overflowing the stack",
            notebook: cell("d = None\nfor i in range(2000000):\n    d = {'k': [d]}\nd = None\nprint('released')"), status: 0, error: "",
            timeLimit: 120),
        BadInputCase(
            name: "instances chained two million deep are released without overflowing the stack",
            notebook: cell("class N:\n    def __init__(self, x):\n        self.x = (x,)\nn = None\nfor i in range(2000000):\n    n = N(n)\nn = None\nprint('released')"),
            status: 0, error: "", timeLimit: 120),
        BadInputCase(
            name: "comparing deeply nested lists", notebook: cell("a = []\nb = []\nfor i in range(5000):\n    a = [a]\n    b = [b]\nprint(a == b)"),
            status: 1, error: "nb.md:7:7: error: maximum recursion depth exceeded in comparison"),
        BadInputCase(
            name: "printing without end", notebook: cell("while True:\n    print(\"x\" * 1000000)"), status: 1,
            error: "nb.md:3:10: error: cell output exceeds the limit of 8388608 bytes", timeLimit: 180),
        BadInputCase(
            name: "100,000 prints (linear, not quadratic)", notebook: cell("for i in range(100000):\n    print(i)"),
            status: 0, error: "", timeLimit: 120),
        BadInputCase(
            name: "cell source over the size limit", notebook: cell("x = 1\n" + String(repeating: "# padding padding\n", count: 60_000)),
            status: 1, error: "nb.md:2:1: error: cell source is 1080006 bytes; the limit is 1048576 bytes",
            timeLimit: 240),  // reading 60,000 lines takes 3 s in a debug build, over 45 s under the sanitizers
    ]

    static let encodings: [BadInputCase] = [
        BadInputCase(
            name: "invalid UTF-8 in a cell", notebook: [UInt8]("```nn\nx = \"".utf8) + [0xFF, 0xFE] + [UInt8]("\"\n```\n".utf8),
            status: 2, error: "nb.md:2:6: error: invalid UTF-8 in an nn cell (byte 0xFF)"),
        BadInputCase(
            name: "truncated UTF-8 sequence in a cell", notebook: [UInt8]("```nn\nx = \"".utf8) + [0xE2, 0x82] + [UInt8]("\"\n```\n".utf8),
            status: 2, error: "nb.md:2:6: error: invalid UTF-8 in an nn cell (byte 0xE2 0x82)"),
        BadInputCase(
            name: "invalid UTF-8 in prose is kept", notebook: [UInt8]("# T ".utf8) + [0xFF] + [UInt8]("\n\n```nn\nprint(1)\n```\n".utf8),
            status: 0, error: "", writesOutput: true),
        BadInputCase(
            name: "NUL byte in a cell", notebook: [UInt8]("```nn\nx = 1".utf8) + [0] + [UInt8]("\n```\n".utf8),
            status: 2, error: "nb.md:2:6: error: an nn cell cannot contain a NUL byte (cells are UTF-8 text)"),
        BadInputCase(
            name: "NUL byte in prose is kept", notebook: [UInt8]("# T".utf8) + [0] + [UInt8]("\n\n```nn\nprint(1)\n```\n".utf8),
            status: 0, error: "", writesOutput: true),
        BadInputCase(
            name: "CRLF file with an error", notebook: bytes("# T\r\n\r\n```nn\r\nvalue = 1\r\nprint(valeu)\r\n```\r\n"),
            status: 1, error: "nb.md:5:7: error: name 'valeu' is not defined. Did you mean: 'value'?"),
        BadInputCase(
            name: "BOM file with an error on line 2", notebook: [0xEF, 0xBB, 0xBF] + bytes("```nn\r\nx = (1 +\r\n```\r\n"),
            status: 1, error: "nb.md:2:5: error: '(' was never closed"),
        BadInputCase(
            name: "error on a 200,000-character line",
            notebook: cell("x = \"" + String(repeating: "a", count: 200_000) + "\" + y"),
            status: 1, error: "nb.md:2:200010: error: name 'y' is not defined"),
        BadInputCase(
            name: "an expression of 100,000 terms", notebook: cell("x = " + String(repeating: "1+", count: 100_000) + "1"),
            status: 1, error: "nb.md:2:4006: error: expression too long"),
    ]

    static let markdown: [BadInputCase] = [
        BadInputCase(
            name: "unclosed fence", notebook: bytes("# T\n\n```nn\nx = 1\n"), status: 2,
            error: "nb.md:3:1: error: this nn cell's fence is never closed (everything after it would be part of the cell)"),
        BadInputCase(
            name: "unclosed fence in a block quote", notebook: bytes("> ```nn\n> x = 1\n\nafter\n"), status: 2,
            error: "nb.md:1:3: error: this nn cell's fence is never closed (everything after it would be part of the cell)"),
        BadInputCase(
            name: "25,000 nested block quotes",
            notebook: bytes(String(repeating: "> ", count: 25_000) + "deep\n\n```nn\nprint(1)\n```\n"),
            status: 0, error: "", writesOutput: true),
        BadInputCase(
            name: "a cell inside 25,000 nested block quotes",
            notebook: bytes((0..<3).map { String(repeating: "> ", count: 25_000) + ["```nn", "print(1)", "```"][$0] + "\n" }.joined()),
            status: 0, error: "", writesOutput: true),
        BadInputCase(
            name: "30,000 unclosed emphasis markers",
            notebook: bytes(String(repeating: "*a ", count: 30_000) + "\n\n```nn\nprint(1)\n```\n"),
            status: 0, error: "", writesOutput: true),
        BadInputCase(
            name: "30,000 unclosed links",
            notebook: bytes(String(repeating: "[a", count: 30_000) + "\n\n```nn\nprint(1)\n```\n"),
            status: 0, error: "", writesOutput: true),
        BadInputCase(
            name: "unknown cell option", notebook: cell("x = 1", options: "colour=red"), status: 2,
            error: "nb.md:1:7: error: unknown cell option 'colour' (known: echo, eval, include, error, timeout, name, seed, check)"),
        BadInputCase(
            name: "unknown #| option", notebook: cell("#| colour: red\nx = 1"), status: 2,
            error: "nb.md:2:4: error: unknown cell option 'colour' (known: echo, eval, include, error, timeout, name, seed, check)"),
        BadInputCase(
            name: "bad option value", notebook: cell("x = 1", options: "timeout=abc"), status: 2,
            error: "nb.md:1:7: error: cell option 'timeout' needs a positive number of seconds, not 'abc'"),
        BadInputCase(
            name: "seed out of range", notebook: cell("x = 1", options: "seed=99999999999999999999999"), status: 2,
            error: "nb.md:1:7: error: cell option 'seed' needs an integer, not '99999999999999999999999'"),
    ]

    static let commandLine: [BadInputCase] = [
        BadInputCase(
            name: "unknown option", notebook: cell("x = 1"), arguments: ["--frobnicate", "nb.md"], status: 2,
            error: "nbrun: error: Unknown option '--frobnicate'"),
        BadInputCase(
            name: "-j 0", notebook: cell("x = 1"), arguments: ["-j", "0", "nb.md"], status: 2,
            error: "nbrun: error: -j needs at least 1"),
        BadInputCase(
            name: "-j not a number", notebook: cell("x = 1"), arguments: ["-j", "many", "nb.md"], status: 2,
            error: "nbrun: error: The value 'many' is invalid for '-j <n>'"),
        BadInputCase(
            name: "--timeout nan", notebook: cell("x = 1"), arguments: ["--timeout", "nan", "nb.md"], status: 2,
            error: "nbrun: error: --timeout needs a positive number"),
        BadInputCase(
            name: "--max-memory not a size", notebook: cell("x = 1"), arguments: ["--max-memory", "12Q", "nb.md"], status: 2,
            error: "nbrun: error: --max-memory needs a size such as 512M, 4G or a number of bytes, not '12Q'"),
        BadInputCase(
            name: "--rtol negative", notebook: cell("x = 1"), arguments: ["--check", "--rtol=-1", "nb.md"], status: 2,
            error: "nbrun: error: --rtol and --atol need a number that is not negative"),
        BadInputCase(
            name: "bad -P", notebook: cell("x = 1"), arguments: ["-P", "1x=2", "nb.md"], status: 2,
            error: "nbrun: error: -P needs name=value with an identifier name, not '1x=2'"),
        BadInputCase(
            name: "missing notebook", notebook: cell("x = 1"), arguments: ["nowhere.md"], status: 2,
            error: "nowhere.md: error: cannot read the notebook"),
        BadInputCase(
            name: "a folder as the notebook", notebook: cell("x = 1"), files: ["dir.md/inner.md": bytes("x")],
            arguments: ["dir.md"], status: 2, error: "dir.md: error: cannot read the notebook"),
        BadInputCase(
            name: "two notebooks onto one output", notebook: cell("x = 1"), files: ["sub/nb.md": cell("y = 1")],
            arguments: ["--out-dir", "out", "nb.md", "sub/nb.md"], status: 2,
            error: "sub/nb.md: error: nb.md and sub/nb.md would both be written to \(outDirPlaceholder)/nb.md"),
        BadInputCase(
            name: "an output onto another notebook", notebook: cell("x = 1"), files: ["sub/nb.md": cell("y = 1")],
            arguments: ["--out-dir", ".", "sub/nb.md", "nb.md"], status: 2,
            error: "sub/nb.md: error: the output \(folderPlaceholder)/nb.md would overwrite the notebook nb.md"),
    ]

    /// Replaced by the scratch folder's path in expected messages.
    static let folderPlaceholder = "<FOLDER>"
    static let outDirPlaceholder = "<FOLDER>/out"

    static let sandbox: [BadInputCase] = [
        BadInputCase(
            name: "load_csv with ..", notebook: cell("x = load_csv(\"../secret.csv\")"), status: 1,
            error: "nb.md:2:13: error: path '../secret.csv' contains '..'; only paths inside the notebook's folder are allowed"),
        BadInputCase(
            name: "load_csv with .. in the middle", notebook: cell("x = load_csv(\"data/../../secret.csv\")"),
            files: ["data/ok.csv": bytes("a\n1\n")], status: 1,
            error: "nb.md:2:13: error: path 'data/../../secret.csv' contains '..'; only paths inside the notebook's folder are allowed"),
        BadInputCase(
            name: "load_csv with an absolute path", notebook: cell("x = load_csv(\"/etc/passwd\")"), status: 1,
            error: "nb.md:2:13: error: path '/etc/passwd' is absolute; only paths inside the notebook's folder are allowed"),
        BadInputCase(
            name: "load_csv through a symbolic link", notebook: cell("x = load_csv(\"passwd.csv\")"),
            setup: { try FileManager.default.createSymbolicLink(atPath: $0.appendingPathComponent("passwd.csv").path, withDestinationPath: "/etc/passwd") },
            status: 1, error: "nb.md:2:13: error: path 'passwd.csv' leads outside the notebook's folder (through a symbolic link)"),
        BadInputCase(
            name: "load_csv through a symbolic link to a folder in the middle of the path",
            notebook: cell("x = load_csv(\"data/etc/passwd\")"),
            setup: {
                try FileManager.default.createDirectory(at: $0.appendingPathComponent("data"), withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: $0.appendingPathComponent("data/etc").path, withDestinationPath: "/etc")
            },
            status: 1, error: "nb.md:2:13: error: path 'data/etc/passwd' leads outside the notebook's folder (through a symbolic link)"),
        BadInputCase(
            name: "load_csv of a file with a second hard link", notebook: cell("x = load_csv(\"b.csv\")"),
            files: ["a.csv": bytes("a\n1\n")],
            setup: { _ = link($0.appendingPathComponent("a.csv").path, $0.appendingPathComponent("b.csv").path) },
            status: 1, error: "nb.md:2:13: error: 'b.csv' has 2 hard links; only files with one name are read (another name could be outside the notebook's folder)"),
        BadInputCase(
            name: "load_csv of a folder", notebook: cell("x = load_csv(\"data\")"), files: ["data/ok.csv": bytes("a\n1\n")],
            status: 1, error: "nb.md:2:13: error: path 'data' is a folder"),
        BadInputCase(
            name: "load_csv of a FIFO does not hang", notebook: cell("x = load_csv(\"fifo.csv\")"),
            setup: { _ = mkfifo($0.appendingPathComponent("fifo.csv").path, 0o600) },
            status: 1, error: "nb.md:2:13: error: path 'fifo.csv' is not a regular file", timeLimit: 20),
        BadInputCase(
            name: "load_csv with a NUL in the path", notebook: cell("x = load_csv(\"data/ok.csv\\0../../x\")"),
            files: ["data/ok.csv": bytes("a\n1\n")],
            status: 1, error: "nb.md:2:13: error: path contains a NUL character"),
        BadInputCase(
            name: "save over the notebook", notebook: cell("m = Linear(2, 2)\nsave(m, \"nb.md\")"), status: 1,
            error: "nb.md:3:5: error: save: the file name must end in .safetensors, not 'nb.md'"),
        BadInputCase(
            name: "save with ..", notebook: cell("m = Linear(2, 2)\nsave(m, \"../m.safetensors\")"), status: 1,
            error: "nb.md:3:5: error: path '../m.safetensors' contains '..'; only paths inside the notebook's folder are allowed"),
        BadInputCase(
            name: "save to an absolute path", notebook: cell("m = Linear(2, 2)\nsave(m, \"/tmp/m.safetensors\")"), status: 1,
            error: "nb.md:3:5: error: path '/tmp/m.safetensors' is absolute; only paths inside the notebook's folder are allowed"),
        BadInputCase(
            name: "save through a symbolic link to a folder outside",
            notebook: cell("m = Linear(2, 2)\nsave(m, \"out/m.safetensors\")"),
            setup: { try FileManager.default.createSymbolicLink(atPath: $0.appendingPathComponent("out").path, withDestinationPath: "/tmp") },
            status: 1, error: "nb.md:3:5: error: path 'out/m.safetensors' leads outside the notebook's folder (through a symbolic link)"),
        BadInputCase(
            name: "save over a symbolic link to a file outside",
            notebook: cell("m = Linear(2, 2)\nsave(m, \"m.safetensors\")"),
            setup: { try FileManager.default.createSymbolicLink(atPath: $0.appendingPathComponent("m.safetensors").path, withDestinationPath: "/tmp/nbrun-never-written.safetensors") },
            status: 1, error: "nb.md:3:5: error: path 'm.safetensors' is a symbolic link that leads nowhere"),
        BadInputCase(
            name: "load of a file that is not safetensors", notebook: cell("m = Linear(2, 2)\nload(m, \"m.safetensors\")"),
            files: ["m.safetensors": [UInt8](repeating: 0xFF, count: 64)], status: 1,
            error: "nb.md:3:5: error: load: 'm.safetensors' has a truncated header"),
    ]

    static let all = language + encodings + markdown + commandLine + sandbox
}
